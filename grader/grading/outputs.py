"""A cell's outputs as nbformat output dicts, collected while the grader runs the cell.

The shapes are those a kernel produces, because nbgrader scores from them
(``nbgrader.utils.determine_grade``): a grade cell scores 0 when it has an ``error`` output
or ``stderr`` text, a number as ``execute_result`` is partial credit, anything else full
marks. Tracebacks are kept short (``Name: message``): they never quote the cell's source,
so a hidden test's lines cannot leak through them into feedback.
"""

from __future__ import annotations

import io
from typing import Any

SIMPLE_MIME = "text/plain"
"""The one representation kept of displayed objects (widgets, rich reprs)."""

MAX_TEXT = 1_000_000
"""Characters of stream text kept per cell (nbgrader's LimitOutput trims further)."""

TRUNCATED = "\n[output truncated by the grader]\n"


class CellOutputs:
    """The outputs of one cell, in order, merging consecutive text of one stream."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.text_left = MAX_TEXT

    def stream(self, name: str, text: str) -> None:
        """Append ``text`` to the ``stdout`` or ``stderr`` stream (up to :data:`MAX_TEXT`)."""
        if not text or self.text_left < 0:
            return
        if len(text) > self.text_left:
            text = text[: self.text_left] + TRUNCATED
            self.text_left = -1
        else:
            self.text_left -= len(text)
        last = self.items[-1] if self.items else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.items.append({"output_type": "stream", "name": name, "text": text})

    def display(self, data: dict[str, Any]) -> None:
        """Record a displayed object by its plain-text representation."""
        if SIMPLE_MIME in data:
            self.items.append(
                {"output_type": "display_data", "data": {SIMPLE_MIME: data[SIMPLE_MIME]}}
            )

    def result(self, data: dict[str, Any], count: int | None) -> None:
        """Record the value of the cell's last expression."""
        if SIMPLE_MIME in data:
            self.items.append(
                {
                    "output_type": "execute_result",
                    "data": {SIMPLE_MIME: data[SIMPLE_MIME]},
                    "metadata": {},
                    "execution_count": count,
                }
            )

    def error(self, ename: str, evalue: str) -> None:
        """Record an exception, with a one-line traceback."""
        self.items.append(
            {
                "output_type": "error",
                "ename": ename,
                "evalue": evalue,
                "traceback": [f"{ename}: {evalue}" if evalue else ename],
            }
        )

    def has_error(self) -> bool:
        """Whether an ``error`` output was recorded."""
        return any(item["output_type"] == "error" for item in self.items)


class StreamWriter(io.TextIOBase):
    """A text file that appends what is written to one stream of a :class:`CellOutputs`.

    ``target`` is replaced for each cell, so one writer serves as ``sys.stdout`` for the
    whole submission.
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name_ = name
        self.target: CellOutputs | None = None

    def writable(self) -> bool:
        """Always writable."""
        return True

    def write(self, text: str) -> int:
        """Append ``text`` to the current cell's stream (dropped between cells)."""
        if self.target is not None:
            self.target.stream(self.name_, str(text))
        return len(text)

    def isatty(self) -> bool:
        """Never a terminal (no colours, no progress bars)."""
        return False
