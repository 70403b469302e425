"""``docker inspect`` output: indented JSON arrays, compact JSON, or a template per object.

Without ``--format`` Docker re-indents the daemon's JSON with 4 spaces (keys in the daemon's
order, ``<>&`` escaped as Go does) inside one array; ``--format json`` prints the array
compact; any other format runs the template on each object (missing keys are errors, as in
Docker's raw fallback) and prints one line per object.
"""

from __future__ import annotations

from typing import Any

from grader.render.formatter import FormatError
from grader.render.gojson import go_marshal
from grader.render.gotemplate import Template, TemplateError, parse


class InspectFormatError(FormatError):
    """The ``--format`` template does not parse (Docker exits 64 for this)."""


def inspect_template(fmt: str) -> Template:
    """Parse an inspect ``--format``; raise :class:`InspectFormatError` as Docker words it."""
    try:
        return parse(fmt, missingkey_error=True)
    except TemplateError as error:
        raise InspectFormatError(f"template parsing error: {error}") from None


def render_json(objects: list[dict[str, Any]], *, compact: bool = False) -> str:
    """The JSON array Docker prints for inspected objects ("[]" when none were found)."""
    if not objects:
        return "[]\n"
    if compact:
        return go_marshal(objects) + "\n"
    return go_marshal(objects, indent=4) + "\n"


def render_one(template: Template, obj: dict[str, Any]) -> str:
    """One object through the template, newline-terminated; FormatError on failure."""
    try:
        return template.execute(obj) + "\n"
    except TemplateError as error:
        raise FormatError(f"template parsing error: {error}") from None
