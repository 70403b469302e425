"""nbgrader configuration of the Docker & Kubernetes course (read by ``nbgrader`` and ``course``).

The course root is this folder: instructors edit ``notebooks/<assignment>/<assignment>.ipynb``
(solutions and hidden tests included); ``release/``, ``submitted/``, ``autograded/``,
``feedback/`` and ``gradebook.db`` are generated and git-ignored.
"""

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

from grader.course.feedback.preprocessors import ClearHiddenTestOutputs, NeutraliseStudentMarkers

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

# Grading runs every cell with a time limit; a cell that runs out of time is interrupted,
# recorded as an error (its tests score 0) and the rest of the notebook is still graded.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
c.Execute.raise_on_iopub_timeout = False

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

# The course's own settings (grader.course.settings.CourseSettings).
c.CourseSettings.notebook_timeout = 900
c.CourseSettings.grading_engine = "sandbox"
