"""``course release``: build the student version of assignments with nbgrader.

nbgrader's ``generate_assignment`` removes solution regions, hidden tests and the mark
scheme, locks the cells and records the assignment in the gradebook; the result lands in
``release/<assignment>/`` under the course root.
"""

from __future__ import annotations

from pathlib import Path

from grader.course.errors import CourseError
from grader.course.progress import Progress
from grader.course.settings import nbgrader_api, source_assignments


def main(*, root: Path, assignments: list[str] | None = None) -> list[str]:
    """Generate the student versions of ``assignments`` (default: every assignment).

    Args:
        root: the course root (holds ``nbgrader_config.py``).
        assignments: assignment ids; ``None`` or empty means all of them.

    Returns:
        The assignment ids released.

    Raises:
        CourseError: an assignment does not exist or nbgrader refused it.
    """
    known = source_assignments(root)
    wanted = list(assignments) if assignments else known
    unknown = [a for a in wanted if a not in known]
    if unknown:
        raise CourseError(
            f"no assignment {', '.join(unknown)} in the source folder (known: {', '.join(known)})"
        )
    if not wanted:
        raise CourseError("the source folder holds no assignment")
    api = nbgrader_api(root)
    progress = Progress(len(wanted), "releasing")
    for assignment in wanted:
        result = api.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise CourseError(f"nbgrader could not release {assignment}:\n{result.get('log', '')}")
        progress.step(f"{assignment} -> release/{assignment}/")
    progress.finish()
    return wanted
