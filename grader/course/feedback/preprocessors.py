"""A feedback preprocessor that hides what a hidden test's failure would reveal.

nbgrader's autograded notebooks carry the hidden tests (nbgrader issue #1363), and a
failed hidden assertion's traceback quotes the hidden line. Run before nbgrader's own
``ClearHiddenTests`` (which removes the region from the cell source), this replaces each
error in a hidden-test cell by its one-line verdict (``AssertionError: message``).
"""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode


class ClearHiddenTestOutputs(NbGraderPreprocessor):
    """Reduce error outputs of cells with a hidden test region to ``ename: evalue``."""

    begin_test_delimeter = Unicode(
        "BEGIN HIDDEN TESTS", help="The delimiter marking the beginning of hidden tests"
    ).tag(config=True)

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, cell_index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        """Replace the tracebacks of a hidden-test cell's errors by their last line."""
        if cell.cell_type != "code" or self.begin_test_delimeter not in cell.source:
            return cell, resources
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                verdict = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".rstrip(": ")
                output["traceback"] = [verdict]
        return cell, resources
