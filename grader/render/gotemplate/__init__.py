"""A Go ``text/template`` interpreter for the ``--format`` strings students write.

It covers what Docker users meet: text and actions with ``{{-``/``-}}`` trimming, comments,
fields and chains (``.Config.Cmd``), ``$``/variables, pipelines (``.Names | upper``),
parenthesised pipelines, ``if``/``else if``/``else``, ``range`` (with ``$i, $v :=``),
``with``, ``break``/``continue``, Go's built-in functions (``and or not len index slice
print printf println eq ne lt le gt ge``) and Docker's (``json split join title lower upper
pad truncate``). Errors carry Go's own text ("template: :1: function "foo" not defined",
"template: :1:2: executing "" at <.Foo>: can't evaluate field Foo in type ...").

Data can be dicts and lists (inspect JSON), or objects whose capitalised methods are the
template's fields (Docker's formatter contexts); such objects name their Go type in
``go_type``.

Modules: ``lexer`` -> ``parser`` (``nodes``) -> ``engine``; ``funcs`` and ``values`` hold
Go's functions and value rules; ``errors`` the error types.
"""

from grader.render.gotemplate.engine import Template, parse
from grader.render.gotemplate.errors import TemplateError, TemplateExecError, TemplateParseError
from grader.render.gotemplate.funcs import FUNCS, HEADER_FUNCS, go_sprintf
from grader.render.gotemplate.values import MISSING, go_quote, go_sprint, go_type_name, truthy

__all__ = [
    "FUNCS",
    "HEADER_FUNCS",
    "MISSING",
    "Template",
    "TemplateError",
    "TemplateExecError",
    "TemplateParseError",
    "go_quote",
    "go_sprint",
    "go_sprintf",
    "go_type_name",
    "parse",
    "truthy",
]
