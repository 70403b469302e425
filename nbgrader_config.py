"""nbgrader configuration of the Docker & Kubernetes course (read by ``nbgrader`` and ``course``).

The course root is this folder: instructors edit ``notebooks/<assignment>/<assignment>.ipynb``
(solutions and hidden tests included); ``release/``, ``submitted/``, ``autograded/``,
``feedback/`` and ``gradebook.db`` are generated and git-ignored.
"""

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from grader.course.feedback.preprocessors import ClearHiddenTestOutputs, NeutraliseStudentMarkers
from grader.grading.nbgrader import TrustedExecute

c = get_config()  # noqa: F821  (injected by traitlets when it loads this file)

c.CourseDirectory.course_id = "docker-k8s"
c.CourseDirectory.source_directory = "notebooks"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".sandbox"]

# What a student sees where a solution was: the %%docker magic answers this stub with a
# shell-like message ("not a docker command"), never a traceback.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Grading never runs a submission: TrustedExecute (grader/grading/) takes the place of
# nbgrader's Execute. It runs the instructor's source notebook in a forked child per
# submission and reads the student's answer cells as data (commands replayed, files
# written, `name = literal` values). Same order as nbgrader's default list otherwise.
c.Autograde.autograde_preprocessors = [
    TrustedExecute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
# A grade cell the student deleted is put back from the gradebook and graded.
c.OverwriteCells.add_missing_cells = True

# Every cell has a time limit; a cell that runs out of time is recorded as an error (its
# tests score 0) and the rest of the notebook is still graded.
c.Execute.timeout = 60

# Feedback: nbgrader copies autograded notebooks, which carry the hidden tests (nbgrader
# issue #1363). Instructor cells get their text back from the gradebook and marker text a
# student typed is defused (shown, never interpreted); then the hidden test regions and the
# outputs that would quote them are stripped.
c.GenerateFeedback.preprocessors = [
    NeutraliseStudentMarkers,
    ClearHiddenTestOutputs,
    ClearHiddenTests,
    GetGrades,
    CSSHTMLHeaderPreprocessor,
]

# The course's own settings (grader.grading.settings.CourseSettings).
c.CourseSettings.notebook_timeout = 900
c.CourseSettings.grading_engine = "sandbox"
