"""Walk the source notebook, run the instructor's cells and apply the student's answers.

The program is the instructor's source notebook; the submission only supplies answers,
by ``grade_id`` (see :mod:`grader.grading.answers`). Cells the student added, deleted,
reordered or edited outside the answer cells play no part. The result is one
:class:`CellRun` per source code cell: what a kernel would have shown under it.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from grader.grading.answers import Commands, File, Refused, Values, read_answer
from grader.grading.files import OutsideFolder, confined, write_text
from grader.grading.shell import GraderShell, new_shell

NO_ANSWER = "the submission has no answer cell {grade_id!r}: it is graded as blank\n"


@dataclass
class CellRun:
    """The outputs of one source code cell, as the grader ran it."""

    index: int
    """Position of the cell in the source notebook."""
    grade_id: str | None
    cell_id: str | None
    """nbformat's cell ``id`` (matches the released copy of a cell without nbgrader metadata)."""
    outputs: list[dict[str, Any]]
    execution_count: int | None


def nbgrader_meta(cell: nbformat.NotebookNode) -> dict[str, Any]:
    """The cell's nbgrader metadata (empty when it has none)."""
    return cell.get("metadata", {}).get("nbgrader", {})


def answers_of(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """``grade_id -> source`` of the code answer cells of a submitted notebook."""
    answers: dict[str, str] = {}
    for cell in notebook.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("solution") and meta.get("grade_id"):
            answers.setdefault(meta["grade_id"], cell.source)
    return answers


def replay(
    source: nbformat.NotebookNode,
    answers: dict[str, str],
    *,
    workdir: Path,
    cell_timeout: float | None,
) -> list[CellRun]:
    """Run ``source`` top to bottom with the student's ``answers`` in a fresh shell.

    Args:
        source: the instructor's notebook (solutions, visible and hidden tests).
        answers: ``grade_id -> cell text`` of the student's answer cells.
        workdir: the submission's private folder (the shell's working directory).
        cell_timeout: seconds each cell may run (None: no limit).
    """
    shell = new_shell()
    runs = []
    for index, cell in enumerate(source.cells):
        if cell.cell_type != "code":
            continue
        meta = nbgrader_meta(cell)
        if meta.get("solution"):
            outputs = _answer(shell, meta["grade_id"], answers, workdir, cell_timeout)
        else:
            outputs = shell.run_code_cell(cell.source, cell_timeout)
        runs.append(
            CellRun(index, meta.get("grade_id"), cell.get("id"), outputs, shell.execution_count)
        )
    return runs


def _answer(
    shell: GraderShell,
    grade_id: str,
    answers: dict[str, str],
    workdir: Path,
    timeout: float | None,
) -> list[dict[str, Any]]:
    """Apply one answer cell: replay commands, write a file, or bind values."""
    if grade_id not in answers:
        return shell.call(lambda: print(NO_ANSWER.format(grade_id=grade_id), end=""), timeout)
    answer = read_answer(answers[grade_id])
    if isinstance(answer, Commands):
        magic, line, body = answer.magic, answer.line, answer.body
        return shell.call(lambda: _run_magic(shell, magic, line, body), timeout)
    if isinstance(answer, File):
        return shell.call(lambda: _write_file(shell, answer, workdir), timeout)
    if isinstance(answer, Values):
        return shell.call(lambda: _bind(shell, answer.bindings), timeout)
    return shell.call(lambda: _refuse(answer), timeout)


def _run_magic(shell: GraderShell, magic: str, line: str, body: str) -> None:
    """Call the registered cell magic directly: the line is never expanded as Python."""
    function = shell.find_cell_magic(magic)
    if function is None:
        raise RuntimeError(f"%%{magic} is not loaded: the notebook's set-up cell did not run")
    function(line, body)


def _write_file(shell: GraderShell, answer: File, workdir: Path) -> None:
    try:
        target = confined(workdir, answer.path)
    except OutsideFolder as error:
        print(f"%%{answer.magic}: not written: {error}", file=sys.stderr)
        return
    relative = str(target.relative_to(workdir.resolve()))
    if answer.magic == "dockerfile":
        _run_magic(shell, "dockerfile", relative, answer.body)
    else:
        print(write_text(workdir, relative, answer.body, append=answer.append))


def _bind(shell: GraderShell, bindings: dict[str, Any]) -> None:
    """Put the answer's values in the namespace, unless a name hides the notebook's tools."""
    for name in bindings:
        current = shell.user_ns.get(name)
        if isinstance(current, types.ModuleType | type) or callable(current):
            _refuse(Refused(f"{name!r} is a name the notebook uses for a tool, not an answer"))
            return
    shell.user_ns.update(bindings)


def _refuse(answer: Refused) -> None:
    print(answer.reason, file=sys.stderr)
