"""The errors Go's template package reports, with its wording."""

from __future__ import annotations


class TemplateError(Exception):
    """A template Go refuses; ``str()`` is Go's message ("template: :1: ...")."""


class TemplateParseError(TemplateError):
    """The template text does not parse."""


class TemplateExecError(TemplateError):
    """The template parsed, but executing it on the data failed."""
