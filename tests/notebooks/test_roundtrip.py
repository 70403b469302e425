"""Grade round trip per assignment: solutions score full marks, the blank release zero,
half the answers something in between with exactly the expected cells failing (who hands in
on which engine: ``notebook_harness.HAND_INS``).

Answers marked by hand (the capstone's write-up) are left to the instructor by autograding
when written, and scored 0 when left blank; the test then marks the answer key in full, as
the instructor would, before it compares the solutions' score with the maximum."""

from __future__ import annotations

from pathlib import Path

import pytest
from notebook_harness import (
    GradedCourse,
    assignment_folders,
    drives_docker,
    hand_marked,
    nbgrader_meta,
)

CASES = [
    pytest.param(folder, "sandbox", marks=pytest.mark.slow, id=f"{folder.name}-sandbox")
    for folder in assignment_folders()
] + [
    pytest.param(
        folder,
        "docker",
        marks=[pytest.mark.slow, pytest.mark.real_engine],
        id=f"{folder.name}-docker",
    )
    for folder in assignment_folders()
    if drives_docker(folder)
]


def surely_passing(course: GradedCourse) -> set[str]:
    """Grade cells that come before the first unanswered answer cell of the partial hand-in."""
    passing = set()
    for cell in course.source.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and meta["grade_id"] not in course.partial_ids:
            break
        if meta.get("grade"):
            passing.add(meta["grade_id"])
    return passing


def first_failing(course: GradedCourse) -> str | None:
    """The first grade cell after the first unanswered answer cell (it tests that answer)."""
    unanswered = False
    for cell in course.source.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and meta["grade_id"] not in course.partial_ids:
            unanswered = True
        if unanswered and meta.get("grade") and meta.get("cell_type", "code") == "code":
            return meta["grade_id"]
    return None


@pytest.mark.parametrize(("folder", "engine"), CASES)
def test_grade_round_trip(folder: Path, engine: str, graded) -> None:
    course = graded(folder, engine)
    assert "graded" in course.grade_log and "failed" not in course.grade_log, course.grade_log
    manual = hand_marked(course.source)
    answered = [student for student in ("source", "solved") if student in course.students]
    for student in answered:
        waiting = course.mark_by_hand(student, manual)
        assert waiting == dict.fromkeys(manual, True), f"{student}: left to mark by hand {waiting}"
    maximum = course.score(answered[0])[1]
    assert maximum > 0
    for student in answered:
        assert course.score(student) == (maximum, maximum), course.cell_scores(student)
    assert course.score("blank") == (0, maximum), course.cell_scores("blank")
    if "part" not in course.students:
        return
    cells = course.cell_scores("part")
    for grade_id in surely_passing(course):
        assert cells[grade_id][0] == cells[grade_id][1], f"{grade_id} should pass: {cells}"
    failing = first_failing(course)
    if failing is not None:
        assert cells[failing][0] == 0, f"{failing} tests an unanswered cell: {cells}"
        assert 0 < course.score("part")[0] < maximum, cells
