"""nbgrader's gradebook steps, done with one connection and one read of the source cells.

nbgrader's ``OverwriteKernelspec``, ``OverwriteCells``, ``SaveAutoGrades`` and
``AssignLatePenalties`` each open the gradebook (nine connections a submission, each
checking the schema) and query it cell by cell, committing after every grade. The
subclasses here keep their behaviour and nbgrader's own per-cell logic, but read the
released assignment's cells once per grading process (:class:`NotebookSource`, a snapshot
of the gradebook's rows: the assignment does not change while a class is graded) and
write the submission's grades through the grading process's one :class:`Gradebook`, in
one commit. :mod:`grader.course.autograde.writer` swaps them in for nbgrader's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import (
    AssignLatePenalties,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from nbgrader.preprocessors.base import NbGraderPreprocessor

GRADEBOOK = "course_gradebook"
"""The key of ``resources`` holding the grading process's open :class:`Gradebook`."""

SOURCE = "course_source"
"""The key of ``resources`` holding the notebook's :class:`NotebookSource`."""


@dataclass(frozen=True)
class SourceCell:
    """A released cell as the gradebook records it (nbgrader's ``SourceCell`` row)."""

    name: str
    cell_type: str
    locked: bool
    checksum: str | None
    source: str


@dataclass(frozen=True)
class PointsCell:
    """A grade or task cell's name and points (nbgrader's ``GradeCell``/``TaskCell``)."""

    name: str
    max_score: float


@dataclass
class NotebookSource:
    """One released notebook's rows in the gradebook, read once.

    It answers the few look-ups nbgrader's ``OverwriteCells`` makes of a gradebook
    (``find_notebook``, ``find_source_cell``, ``find_graded_cell``) from memory.
    """

    name: str
    kernelspec: dict[str, Any] | None
    source_cells: list[SourceCell] = field(default_factory=list)
    grade_cells: list[PointsCell] = field(default_factory=list)
    solution_cells: list[PointsCell] = field(default_factory=list)
    task_cells: list[PointsCell] = field(default_factory=list)

    @classmethod
    def read(cls, gradebook: Gradebook, notebook: str, assignment: str) -> NotebookSource:
        """The rows of ``assignment``'s ``notebook``."""
        row = gradebook.find_notebook(notebook, assignment)
        return cls(
            name=notebook,
            kernelspec=json.loads(row.kernelspec) if row.kernelspec else None,
            source_cells=[
                SourceCell(c.name, c.cell_type, bool(c.locked), c.checksum, c.source)
                for c in row.source_cells
            ],
            grade_cells=[PointsCell(c.name, float(c.max_score)) for c in row.grade_cells],
            solution_cells=[PointsCell(c.name, 0.0) for c in row.solution_cells],
            task_cells=[PointsCell(c.name, float(c.max_score)) for c in row.task_cells],
        )

    def find_notebook(self, notebook: str, assignment: str) -> NotebookSource:
        """This notebook (the look-up ``OverwriteCells`` makes for missing cells)."""
        return self

    def find_source_cell(self, name: str, notebook: str, assignment: str) -> SourceCell:
        """The released cell ``name``; MissingEntry when there is none."""
        return _named(self.source_cells, name)

    def find_graded_cell(self, name: str, notebook: str, assignment: str) -> PointsCell:
        """The grade or task cell ``name``; MissingEntry when there is none."""
        return _named([*self.grade_cells, *self.task_cells], name)


def _named(cells: list, name: str):
    for cell in cells:
        if cell.name == name:
            return cell
    raise MissingEntry(f"no cell {name!r} in the gradebook")


class SnapshotOverwriteKernelspec(OverwriteKernelspec):
    """``OverwriteKernelspec`` reading the kernelspec from the :class:`NotebookSource`."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):  # noqa: D102
        kernelspec = resources[SOURCE].kernelspec
        if kernelspec:
            nb.metadata["kernelspec"] = kernelspec
        return nb, resources


class SnapshotOverwriteCells(OverwriteCells):
    """``OverwriteCells`` (nbgrader's per-cell logic) answered by the :class:`NotebookSource`."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):  # noqa: D102
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.gradebook = resources[SOURCE]
        nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
        if self.add_missing_cells:
            nb, resources = self.add_missing_grade_cells(nb, resources)
            nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


class BatchedSaveAutoGrades(SaveAutoGrades):
    """``SaveAutoGrades`` with the submission's grade and comment rows read at once.

    The same rules as nbgrader's: the cell's grade (``utils.determine_grade``) becomes
    ``auto_score``, a grade with a manual score (or without an automatic one) needs manual
    grading, an untouched answer cell is commented "No response."; one commit at the end.
    """

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):  # noqa: D102
        names = resources["nbgrader"]
        gradebook: Gradebook = resources[GRADEBOOK]
        submitted = gradebook.find_submission_notebook(
            names["notebook"], names["assignment"], names["student"]
        )
        grades = {grade.name: grade for grade in submitted.grades}
        comments = {comment.name: comment for comment in submitted.comments}
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if utils.is_grade(cell):
                grade = _row(grades, grade_id, "grade")
                grade.auto_score, _ = utils.determine_grade(cell, self.log)
                grade.needs_manual_grade = (
                    grade.manual_score is not None or grade.auto_score is None
                )
            if utils.is_solution(cell) or utils.is_task(cell):
                unanswered = cell.metadata.nbgrader.get("checksum") == utils.compute_checksum(cell)
                comment = _row(comments, grade_id, "comment")
                comment.auto_comment = (
                    "No response." if unanswered and not utils.is_task(cell) else None
                )
        gradebook.db.commit()
        return nb, resources


def _row(rows: dict, name: str | None, kind: str):
    if name not in rows:
        raise MissingEntry(f"no {kind} for cell {name!r} in the gradebook")
    return rows[name]


class SharedLatePenalties(AssignLatePenalties):
    """``AssignLatePenalties`` on the grading process's open :class:`Gradebook`."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):  # noqa: D102
        names = resources["nbgrader"]
        self.notebook_id = names["notebook"]
        self.assignment_id = names["assignment"]
        self.student_id = names["student"]
        self.init_plugin()
        gradebook: Gradebook = resources[GRADEBOOK]
        assignment = gradebook.find_submission(self.assignment_id, self.student_id)
        notebook = gradebook.find_submission_notebook(
            self.notebook_id, self.assignment_id, self.student_id
        )
        notebook.late_submission_penalty = None
        if assignment.total_seconds_late > 0:
            self.log.warning("%s is %s seconds late", assignment, assignment.total_seconds_late)
            penalty = self.plugin_inst.late_submission_penalty(
                self.student_id, notebook.score, assignment.total_seconds_late
            )
            self.log.warning("Late submission penalty: %s", penalty)
            if penalty is not None:
                notebook.late_submission_penalty = self._check_late_penalty(notebook, penalty)
        gradebook.db.commit()
        return nb, resources


SNAPSHOT_TWINS: dict[type, type] = {
    OverwriteKernelspec: SnapshotOverwriteKernelspec,
    OverwriteCells: SnapshotOverwriteCells,
    SaveAutoGrades: BatchedSaveAutoGrades,
    AssignLatePenalties: SharedLatePenalties,
}
"""nbgrader's gradebook preprocessors and the course's twins that the lean writer runs."""
