"""Put the grader's outputs into the submitted notebook, where nbgrader scores them.

Graded and answer cells are matched by ``grade_id``; other code cells by their nbformat
``id`` when their text is the source's. A grade cell the student deleted is put back
(from the source notebook, after the cell that precedes it there), so its test is scored
from the grader's run instead of being lost. Cells the student added keep no output.
"""

from __future__ import annotations

import copy
import uuid

import nbformat

from grader.grading.replay import CellRun, nbgrader_meta


def write_outputs(
    submission: nbformat.NotebookNode, source: nbformat.NotebookNode, runs: list[CellRun]
) -> list[str]:
    """Set the outputs of ``submission``'s cells from ``runs``; returns restored grade ids."""
    restored: list[str] = []
    for run in runs:
        cell = _find(submission, source.cells[run.index], run)
        if cell is None and nbgrader_meta(source.cells[run.index]).get("grade"):
            cell = _restore(submission, source, run.index)
            restored.append(str(run.grade_id))  # a graded cell always has its grade id
        if cell is not None:
            cell.outputs = [nbformat.from_dict(output) for output in run.outputs]
            cell.execution_count = run.execution_count
    return restored


def _find(
    submission: nbformat.NotebookNode, source_cell: nbformat.NotebookNode, run: CellRun
) -> nbformat.NotebookNode | None:
    for cell in submission.cells:
        if cell.cell_type != "code":
            continue
        grade_id = nbgrader_meta(cell).get("grade_id")
        if run.grade_id is not None and grade_id == run.grade_id:
            return cell
        if (
            run.grade_id is None
            and grade_id is None
            and run.cell_id is not None
            and cell.get("id") == run.cell_id
            and cell.source == source_cell.source
        ):
            return cell
    return None


def _restore(
    submission: nbformat.NotebookNode, source: nbformat.NotebookNode, index: int
) -> nbformat.NotebookNode:
    """Insert a copy of source cell ``index`` after its nearest graded predecessor."""
    cell = copy.deepcopy(source.cells[index])
    if nbgrader_meta(cell).get("solution"):
        cell.source = ""
    taken = {c.get("id") for c in submission.cells}
    if "id" in cell and cell["id"] in taken:
        cell["id"] = uuid.uuid4().hex[:8]
    position = 0
    for earlier in reversed(source.cells[:index]):
        grade_id = nbgrader_meta(earlier).get("grade_id")
        found = [
            i
            for i, c in enumerate(submission.cells)
            if grade_id and nbgrader_meta(c).get("grade_id") == grade_id
        ]
        if found:
            position = found[0] + 1
            break
    submission.cells.insert(position, cell)
    return cell
