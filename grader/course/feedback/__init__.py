"""``course feedback``: HTML feedback for autograded submissions, hidden tests removed.

The feedback pipeline is configured in ``nbgrader_config.py``: nbgrader's own
``GenerateFeedback`` with the preprocessors of :mod:`.preprocessors` and ``ClearHiddenTests``
added, so ``feedback/<student>/<assignment>/<notebook>.html`` shows the public tests, the
scores and the one-line verdicts of hidden tests, never their code. Each submission gets
its feedback on its own: one that nbgrader cannot render is reported, after every other
student has theirs.
"""

from __future__ import annotations

from pathlib import Path

from grader.course.errors import CourseError
from grader.course.progress import Progress
from grader.course.settings import coursedir, nbgrader_api


def autograded_pairs(root: Path, assignment: str | None, student: str | None) -> list[tuple]:
    """The ``(assignment, student)`` pairs with an autograded submission, filtered."""
    folder = root / coursedir(root).autograded_directory
    pairs = []
    for student_dir in sorted(folder.iterdir()) if folder.is_dir() else []:
        for assignment_dir in sorted(student_dir.iterdir()) if student_dir.is_dir() else []:
            if assignment_dir.is_dir() and (assignment in (None, assignment_dir.name)):
                if student in (None, student_dir.name):
                    pairs.append((assignment_dir.name, student_dir.name))
    return pairs


def main(*, root: Path, assignment: str | None = None, student: str | None = None) -> list[Path]:
    """Generate feedback for every autograded submission (optionally one assignment/student).

    Returns:
        The feedback folders written.

    Raises:
        CourseError: nothing is autograded yet, or nbgrader failed for some submissions
            (named in the message; the others' feedback is written).
    """
    pairs = autograded_pairs(root, assignment, student)
    if not pairs:
        raise CourseError("no autograded submission matches: run `course autograde` first")
    api = nbgrader_api(root)
    feedback_root = root / coursedir(root).feedback_directory
    progress = Progress(len(pairs), "feedback")
    written, failed = [], []
    for assignment_id, student_id in pairs:
        try:
            result = api.generate_feedback(assignment_id, student_id, force=True)
        except Exception as error:  # one submission never stops the class
            result = {"success": False, "log": f"{type(error).__name__}: {error}"}
        if not result["success"]:
            failed.append(f"--- {student_id} {assignment_id} ---\n{result.get('log', '')}")
            progress.step(f"{student_id} {assignment_id}: FAILED")
            continue
        written.append(feedback_root / student_id / assignment_id)
        progress.step(f"{student_id} {assignment_id} -> {written[-1].relative_to(root)}/")
    progress.finish()
    if failed:
        raise CourseError(
            f"nbgrader could not write feedback for {len(failed)} of {len(pairs)} "
            f"submission(s) (the others have theirs):\n" + "\n".join(failed)
        )
    return written
