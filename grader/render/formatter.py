r"""Docker's ``formatter.Context``: turn rows into a table, JSON lines or a custom template.

A format is ``table ...`` (header row + aligned columns), ``json`` (one ``{{json .}}`` per
row), or any Go template (one execution per row, each followed by a newline). As in the CLI,
the literal two-character sequences ``\\t`` and ``\\n`` in a format become a tab and a
newline, and surrounding spaces are trimmed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from grader.render.gotemplate import HEADER_FUNCS, TemplateError, TemplateExecError, parse
from grader.render.tabwriter import align


class FormatError(Exception):
    """A format that fails to parse or execute; ``str()`` is the line Docker prints."""


def final_format(fmt: str) -> str:
    """The template text Docker executes for a ``--format`` value (``preFormat``)."""
    if fmt.startswith("table"):
        fmt = fmt[len("table") :]
    elif fmt == "json":
        fmt = "{{json .}}"
    fmt = fmt.strip(" ")
    return fmt.replace("\\t", "\t").replace("\\n", "\n")


def is_table(fmt: str) -> bool:
    """True when the format asks for a table with a header row."""
    return fmt.startswith("table")


def render(fmt: str, rows: Sequence[Any], header: dict[str, str] | None = None) -> str:
    """Render ``rows`` with ``fmt``; raise :class:`FormatError` as Docker reports failures."""
    try:
        template = parse(final_format(fmt))
    except TemplateError as error:
        raise FormatError(f"template parsing error: {error}") from None
    body: list[str] = []
    for row in rows:
        try:
            body.append(template.execute(row) + "\n")
        except TemplateError as error:
            raise FormatError(f"template parsing error: {error}") from None
    if not is_table(fmt):
        return "".join(body)
    try:
        head = template.execute(header or {}, funcs=HEADER_FUNCS)
    except TemplateExecError as error:
        head = getattr(error, "partial", "")
    return align(head + "\n" + "".join(body))
