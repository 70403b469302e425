"""``course export``: the grades CSV an LMS imports (student id, assignment, score, max score).

Scores come from nbgrader's gradebook; a student with no submission for an assignment gets
a row with score 0 so the LMS column is complete.
"""

from __future__ import annotations

import csv
from pathlib import Path

from grader.course.errors import CourseError
from grader.course.settings import coursedir, ensure_tools_on_path

FIELDS = ("student_id", "assignment", "score", "max_score")


def grade_rows(root: Path, assignments: list[str] | None = None) -> list[dict[str, object]]:
    """One row per (student, assignment) known to the gradebook, sorted.

    Args:
        root: the course root.
        assignments: only these assignments (default: every assignment in the gradebook).

    Raises:
        CourseError: no gradebook yet, or an assignment the gradebook does not know.
    """
    ensure_tools_on_path()
    from nbgrader.api import Gradebook, MissingEntry

    directory = coursedir(root)
    if not (root / "gradebook.db").exists() and directory.db_url.startswith("sqlite:///"):
        raise CourseError("no gradebook yet: run `course release` and `course autograde` first")
    rows = []
    with Gradebook(directory.db_url, directory.course_id) as gradebook:
        known = sorted(gradebook.assignments, key=lambda a: a.name)
        unknown = sorted(set(assignments or []) - {a.name for a in known})
        if unknown:
            raise CourseError(f"the gradebook has no assignment {', '.join(unknown)}")
        for assignment in known:
            if assignments and assignment.name not in assignments:
                continue
            for student in sorted(gradebook.students, key=lambda s: s.id):
                try:
                    submission = gradebook.find_submission(assignment.name, student.id)
                    score = submission.score
                except MissingEntry:
                    score = 0.0
                rows.append(
                    {
                        "student_id": student.id,
                        "assignment": assignment.name,
                        "score": round(float(score), 2),
                        "max_score": round(float(assignment.max_score), 2),
                    }
                )
    return rows


def main(*, root: Path, output: Path, assignments: list[str] | None = None) -> Path:
    """Write the grades CSV to ``output`` (relative paths are under the course root).

    Args:
        root: the course root.
        output: the CSV file to write.
        assignments: only these assignments (default: all).

    Returns:
        The path written.
    """
    target = output if output.is_absolute() else root / output
    rows = grade_rows(root, assignments)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return target
