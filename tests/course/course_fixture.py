"""Helpers for the course tests: hand in ps0 notebooks, fill in answers."""

from __future__ import annotations

from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "data" / "course" / "notebooks"


def submit(root: Path, student: str, notebook: nbformat.NotebookNode) -> Path:
    """Hand in ``notebook`` as ``student``'s ps0."""
    target = root / "submitted" / student / "ps0" / "ps0.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return target


def with_solutions(root: Path, grade_ids: set[str]) -> nbformat.NotebookNode:
    """The released ps0 with the source's answer for the solution cells in ``grade_ids``."""
    source = nbformat.read(root / "notebooks" / "ps0" / "ps0.ipynb", as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells}
    released = nbformat.read(root / "release" / "ps0" / "ps0.ipynb", as_version=4)
    for cell in released.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in grade_ids:
            cell.source = answers[grade_id]
    return released
