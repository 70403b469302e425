"""Go's ``text/tabwriter`` as Docker's CLI uses it to align table columns.

Docker writes each row as tab-separated cells into ``tabwriter.NewWriter(out, 10, 1, 3,
' ', 0)``: a column is as wide as its widest cell plus 3 spaces (at least 10), the last
cell of a line is never padded, and a line without tabs ends the block of lines whose
columns align together. This is a line-for-line port of that algorithm.
"""

from __future__ import annotations

from grader.render.units import display_width


class _Cell:
    __slots__ = ("text", "width", "htab")

    def __init__(self, text: str, width: int, htab: bool) -> None:
        self.text, self.width, self.htab = text, width, htab


def align(text: str, minwidth: int = 10, padding: int = 3) -> str:
    """Align tab-separated ``text`` into columns the way Docker's table output does."""
    lines: list[list[_Cell]] = [[]]
    out: list[str] = []
    current = ""

    def flush() -> None:
        _format(lines, 0, len(lines), [], out, minwidth, padding)
        lines.clear()
        lines.append([])

    for char in text:
        if char in "\t\v\n\f":
            cells = lines[-1]
            cells.append(_Cell(current, display_width(current), char == "\t"))
            current = ""
            if char in "\n\f":
                lines.append([])
                if char == "\f" or len(cells) == 1:
                    flush()
        else:
            current += char
    if current:
        lines[-1].append(_Cell(current, display_width(current), False))
    flush()
    return "".join(out)


def _format(
    lines: list[list[_Cell]],
    line0: int,
    line1: int,
    widths: list[int],
    out: list[str],
    minwidth: int,
    padding: int,
) -> None:
    column = len(widths)
    this = line0
    while this < line1:
        if column >= len(lines[this]) - 1:
            this += 1
            continue
        _write_lines(lines, line0, this, widths, out)
        line0 = this
        width = minwidth
        while this < line1:
            line = lines[this]
            if column >= len(line) - 1:
                break
            width = max(width, line[column].width + padding)
            this += 1
        widths.append(width)
        _format(lines, line0, this, widths, out, minwidth, padding)
        widths.pop()
        line0 = this
    _write_lines(lines, line0, line1, widths, out)


def _write_lines(
    lines: list[list[_Cell]], line0: int, line1: int, widths: list[int], out: list[str]
) -> None:
    for index in range(line0, line1):
        for column, cell in enumerate(lines[index]):
            out.append(cell.text)
            if column < len(widths):
                out.append(" " * (widths[column] - cell.width))
        if index + 1 < len(lines):
            out.append("\n")
