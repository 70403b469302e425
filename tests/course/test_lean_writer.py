"""``course autograde``'s lean writer leaves what nbgrader's own converter leaves.

The same hand-ins (full, blank, and one that deleted a test cell, edited a locked cell,
added a cell and raised its own points) are graded by ``course autograde`` in one course
and by plain ``nbgrader autograde`` in a copy of it: the gradebook rows, the files in
``autograded/`` and the graded notebooks must agree, so manual grading, feedback, export
and the formgrader see no difference.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from course_fixture import submit, with_solutions

from grader.course.autograde import main as autograde
from grader.course.release import main as release

pytestmark = pytest.mark.slow

STUDENTS = ("full", "blank", "tampered")


def tampered(root: Path) -> nbformat.NotebookNode:
    notebook = with_solutions(root, {"split_publish"})
    meta = [c.metadata.get("nbgrader", {}) for c in notebook.cells]
    tests = [i for i, m in enumerate(meta) if m.get("grade") and not m.get("solution")]
    notebook.cells[tests[0]].metadata["nbgrader"]["points"] = 100
    locked = next(c for c, m in zip(notebook.cells, meta, strict=True) if m.get("locked"))
    locked.source += "\nprint('edited')"
    del notebook.cells[tests[-1]]
    notebook.cells.append(nbformat.v4.new_code_cell("print('added')"))
    return notebook


def hand_in(root: Path) -> None:
    release(root=root, assignments=["ps0"])
    submit(root, "full", nbformat.read(root / "notebooks/ps0/ps0.ipynb", as_version=4))
    submit(root, "blank", nbformat.read(root / "release/ps0/ps0.ipynb", as_version=4))
    submit(root, "tampered", tampered(root))
    (root / "submitted/full/ps0/timestamp.txt").write_text("2026-12-01 10:00:00 UTC")
    (root / "submitted/full/ps0/notes.txt").write_text("a file handed in beside the notebook")


def gradebook_rows(root: Path) -> dict:
    from nbgrader.api import Gradebook

    rows = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "docker-k8s") as gradebook:
        for student in STUDENTS:
            submission = gradebook.find_submission("ps0", student)
            (notebook,) = submission.notebooks
            rows[student] = (
                str(submission.timestamp),
                notebook.score,
                notebook.needs_manual_grade,
                notebook.late_submission_penalty,
                sorted(
                    (g.name, g.auto_score, g.manual_score, g.needs_manual_grade)
                    for g in notebook.grades
                ),
                sorted((c.name, c.auto_comment) for c in notebook.comments),
            )
    return rows


def graded_files(root: Path, student: str) -> dict[str, int]:
    folder = root / "autograded" / student / "ps0"
    return {str(p.relative_to(folder)): p.stat().st_mode for p in folder.rglob("*")}


def shape(root: Path, student: str) -> list:
    """Each graded cell without what differs from run to run (container ids, restored ids)."""
    notebook = nbformat.read(root / "autograded" / student / "ps0" / "ps0.ipynb", as_version=4)
    return [
        (
            cell.cell_type,
            cell.source,
            cell.metadata,
            [(o["output_type"], o.get("name"), o.get("ename")) for o in cell.get("outputs", [])],
        )
        for cell in notebook.cells
    ]


def test_course_autograde_writes_what_nbgrader_autograde_writes(course: Path, tmp_path: Path):
    hand_in(course)
    twin = tmp_path / "twin"
    shutil.copytree(course, twin)

    outcomes = autograde(root=course, workers=1)
    assert all(o.ok for o in outcomes), [o.log for o in outcomes if not o.ok]
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
    }
    nbgrader = subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", "ps0", "--force"],
        cwd=twin,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert nbgrader.returncode == 0, nbgrader.stderr

    ours, theirs = gradebook_rows(course), gradebook_rows(twin)
    assert ours == theirs
    assert ours["tampered"][4][0][1] == 0  # the raised points bought nothing
    for student in STUDENTS:
        assert graded_files(course, student) == graded_files(twin, student)
        assert shape(course, student) == shape(twin, student)
    assert "notes.txt" in graded_files(course, "full")


def test_a_manual_score_survives_regrading(course: Path) -> None:
    from nbgrader.api import Gradebook

    hand_in(course)
    assert all(o.ok for o in autograde(root=course, workers=1))
    url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url, "docker-k8s") as gradebook:
        grade = gradebook.find_grade("test_pinned_tag", "ps0", "ps0", "blank")
        grade.manual_score = 0.5
        gradebook.db.commit()
    assert all(o.ok for o in autograde(root=course, student="blank", workers=1))
    with Gradebook(url, "docker-k8s") as gradebook:
        grade = gradebook.find_grade("test_pinned_tag", "ps0", "ps0", "blank")
        assert (grade.auto_score, grade.manual_score, grade.needs_manual_grade) == (0, 0.5, True)
        assert gradebook.find_submission("ps0", "blank").score == 0.5
