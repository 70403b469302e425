"""Feedback preprocessors: a student's text is shown as typed, the instructor's never leaks.

nbgrader's autograded notebooks carry the hidden tests (nbgrader issue #1363), and its
``ClearHiddenTests`` interprets the marker text wherever it appears: a student cell holding
``### BEGIN HIDDEN TESTS`` without an end made nbgrader's feedback stop, and a student cell
holding both markers had its own text cut. These preprocessors run before it:

- :class:`NeutraliseStudentMarkers` puts back the instructor's text (from the gradebook)
  in every instructor cell, and defuses nbgrader's markers everywhere else, so only the
  instructor's hidden regions are stripped;
- :class:`ClearHiddenTestOutputs` reduces a hidden-test cell's outputs to the one-line
  verdict of its error, never quoting a hidden line.
"""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List, Unicode

MARKER_WORDS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN SOLUTION", "END SOLUTION")


def defuse(text: str, markers: list[str]) -> str:
    """``text`` with each marker's spaces made no-break: it reads the same, matches nothing."""
    for marker in markers:
        text = text.replace(marker, marker.replace(" ", "\N{NO-BREAK SPACE}"))
    return text


class NeutraliseStudentMarkers(NbGraderPreprocessor):
    """Instructor cells get the gradebook's text; every other cell's markers are defused.

    An instructor cell is one whose ``grade_id`` names a cell of the source notebook that is
    not an answer (a test, or a locked cell): its text comes from the gradebook, whatever
    the submission holds, so its hidden region is where the instructor put it. Every other
    cell (answers, cells the student added, markdown) is the student's text: nbgrader's
    marker words in it are shown, not interpreted.
    """

    markers = List(
        Unicode(), list(MARKER_WORDS), help="Marker words defused in the student's cells."
    ).tag(config=True)

    _instructor: dict[str, str]
    """``grade_id -> source`` of the notebook's instructor cells, loaded per notebook."""

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        """Load the source notebook's instructor cells, then visit each cell."""
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            # A notebook the gradebook does not know raises MissingEntry: no feedback for it,
            # rather than one whose instructor cells would be shown with their markers defused.
            source = gradebook.find_notebook(info["notebook"], info["assignment"])
            answers = {cell.name for cell in source.solution_cells}
            self._instructor = {
                cell.name: cell.source for cell in source.source_cells if cell.name not in answers
            }
        return super().preprocess(nb, resources)

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, cell_index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        """Restore an instructor cell's text, or defuse the markers in a student's."""
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in self._instructor:
            cell.source = self._instructor[grade_id]
        else:
            cell.source = defuse(cell.source, self.markers)
        return cell, resources


class ClearHiddenTestOutputs(NbGraderPreprocessor):
    """A hidden-test cell shows only ``ename: evalue`` of its error, and no other output.

    What the public part of such a cell prints is dropped with the rest: the cell's
    outputs cannot be told apart. A verdict that quotes a line of the hidden region (an
    error raised from the student's code can read its caller's source) keeps only its name.
    """

    begin_test_delimeter = Unicode(
        "BEGIN HIDDEN TESTS", help="The delimiter marking the beginning of hidden tests"
    ).tag(config=True)
    end_test_delimeter = Unicode(
        "END HIDDEN TESTS", help="The delimiter marking the end of hidden tests"
    ).tag(config=True)

    def hidden_lines(self, source: str) -> list[str]:
        """The non-blank lines between the hidden-test delimiters of ``source``."""
        lines, inside = [], False
        for line in source.splitlines():
            if self.begin_test_delimeter in line:
                inside = True
            elif self.end_test_delimeter in line:
                inside = False
            elif inside and line.strip():
                lines.append(line.strip())
        return lines

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, cell_index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        """Keep one verdict line per error of a hidden-test cell, drop its other outputs."""
        if cell.cell_type != "code" or self.begin_test_delimeter not in cell.source:
            return cell, resources
        hidden = self.hidden_lines(cell.source)
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            name, value = output.get("ename", "Error"), str(output.get("evalue", ""))
            if any(line in value for line in hidden):
                value = ""
            output["evalue"] = value
            output["traceback"] = [f"{name}: {value}" if value else name]
            kept.append(output)
        cell.outputs = kept
        return cell, resources
