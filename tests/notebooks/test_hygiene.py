"""Notebook hygiene of every source notebook: what nbgrader and a fresh JupyterLab rely on."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from notebook_harness import ASSIGNMENTS, nbgrader_meta

CHECK_CALL = re.compile(r"\s*(assert\b|checks?\.(?!(reset|start|configure|summary)\()\w+\()")
"""A line that tests the student: an assert or a grader check (not set-up or summary)."""

MARKERS = {
    "BEGIN SOLUTION": "solution",
    "BEGIN HIDDEN TESTS": "grade",
    "BEGIN MARK SCHEME": "grade",
}


def load(folder: Path) -> nbformat.NotebookNode:
    return nbformat.read(folder / f"{folder.name}.ipynb", as_version=4)


@pytest.mark.parametrize("folder", ASSIGNMENTS)
def test_schema_valid_with_kernelspec(folder: Path) -> None:
    notebook = load(folder)
    nbformat.validate(notebook)
    kernelspec = notebook.metadata.get("kernelspec", {})
    assert kernelspec.get("name") == "python3", "without a kernelspec Lab asks for a kernel"
    assert kernelspec.get("language") == "python"


@pytest.mark.parametrize("folder", ASSIGNMENTS)
def test_outputs_cleared(folder: Path) -> None:
    dirty = [
        index
        for index, cell in enumerate(load(folder).cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"cells with outputs or execution counts: {dirty}"


@pytest.mark.parametrize("folder", ASSIGNMENTS)
def test_grade_ids_unique_and_points_set(folder: Path) -> None:
    seen: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(load(folder).cells):
        meta = nbgrader_meta(cell)
        if not meta:
            continue
        grade_id = meta.get("grade_id", "")
        if not grade_id:
            problems.append(f"cell {index}: nbgrader metadata without grade_id")
        elif grade_id in seen:
            problems.append(f"cell {index}: grade_id {grade_id!r} also on cell {seen[grade_id]}")
        seen[grade_id] = index
        if meta.get("grade") and not meta.get("points", 0) > 0:
            problems.append(f"cell {index}: graded cell {grade_id!r} has no points")
        if meta.get("schema_version") != 3:
            problems.append(f"cell {index}: nbgrader schema_version should be 3")
    assert seen, "no nbgrader cell at all: is this an nbgrader source notebook?"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("folder", ASSIGNMENTS)
def test_regions_sit_in_the_right_cells(folder: Path) -> None:
    problems = []
    for index, cell in enumerate(load(folder).cells):
        meta = nbgrader_meta(cell)
        for marker, flag in MARKERS.items():
            if marker in cell.source and not meta.get(flag):
                problems.append(f"cell {index}: '{marker}' outside an nbgrader {flag} cell")
        if "raise NotImplementedError" in cell.source:
            problems.append(f"cell {index}: a release stub left in the source")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("folder", ASSIGNMENTS)
def test_every_check_is_graded(folder: Path) -> None:
    ungraded = []
    for index, cell in enumerate(load(folder).cells):
        if cell.cell_type != "code":
            continue
        checks = any(CHECK_CALL.match(line) for line in cell.source.splitlines())
        if checks and not nbgrader_meta(cell).get("grade"):
            ungraded.append(index)
    assert not ungraded, f"cells that test the student but score nothing: {ungraded}"


@pytest.mark.parametrize("folder", ASSIGNMENTS)
def test_one_notebook_named_after_its_folder(folder: Path) -> None:
    notebooks = sorted(p.name for p in folder.glob("*.ipynb"))
    assert notebooks == [f"{folder.name}.ipynb"]
