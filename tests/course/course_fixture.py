"""Helpers for the course tests: hand in notebooks (ps0 by default), fill in answers."""

from __future__ import annotations

from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "data" / "course" / "notebooks"


def submit(
    root: Path, student: str, notebook: nbformat.NotebookNode, assignment: str = "ps0"
) -> Path:
    """Hand in ``notebook`` as ``student``'s ``assignment`` (ps0 by default)."""
    target = root / "submitted" / student / assignment / f"{assignment}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return target


def with_solutions(
    root: Path, grade_ids: set[str], assignment: str = "ps0"
) -> nbformat.NotebookNode:
    """The released assignment with the source's answer in the solution cells ``grade_ids``."""
    source = nbformat.read(root / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in source.cells}
    released = nbformat.read(root / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in released.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in grade_ids:
            cell.source = answers[grade_id]
    return released
