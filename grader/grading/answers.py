"""Read a student's answer cell as data: commands, a file, or literal values; never code.

An answer cell (nbgrader ``solution: true``) is one of:

- ``%%docker`` / ``%%kubectl``: command lines, replayed by the grader through the same
  magic, shell grammar and engine as in the kernel (:class:`Commands`);
- ``%%dockerfile PATH`` / ``%%writefile [-a] PATH``: a file the grader writes
  (:class:`File`);
- anything else is read as Python *source text* with :mod:`ast`: only ``name = <literal>``
  statements (and comments) are accepted, their values taken with :func:`ast.literal_eval`
  (:class:`Values`). A call, an import, nbgrader's ``raise NotImplementedError()`` stub or
  any other statement makes the whole cell a :class:`Refused` answer that binds nothing.
"""

from __future__ import annotations

import ast
import shlex
from dataclasses import dataclass, field
from typing import Any

COMMAND_MAGICS = ("docker", "kubectl")
"""Cell magics whose body is command lines for the course's shell grammar."""

FILE_MAGICS = ("dockerfile", "writefile")
"""Cell magics whose body is the text of a file."""

MAX_ANSWER_CHARS = 100_000
"""Longer answer cells are refused (a literal that size is never a course answer)."""

READ_AS_VALUES = "answer cells are read as values, not run"
"""How every refusal of a Python answer cell starts."""


@dataclass(frozen=True)
class Commands:
    """A ``%%docker`` or ``%%kubectl`` answer."""

    magic: str
    line: str
    """The rest of the magic's line (its options), passed as is to the magic."""
    body: str


@dataclass(frozen=True)
class File:
    """A ``%%dockerfile`` or ``%%writefile`` answer."""

    magic: str
    path: str
    """The path as written on the magic line (relative to the submission's folder)."""
    body: str
    append: bool = False


@dataclass(frozen=True)
class Values:
    """A Python answer made only of ``name = <literal>`` statements."""

    bindings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Refused:
    """An answer the grader will not read; ``reason`` is shown in the cell's output."""

    reason: str


Answer = Commands | File | Values | Refused


def read_answer(source: str) -> Answer:
    """Classify an answer cell's text; see the module docstring for the rules."""
    if len(source) > MAX_ANSWER_CHARS:
        return Refused(f"the answer cell is longer than {MAX_ANSWER_CHARS} characters")
    first, _, body = source.lstrip("\n").partition("\n")
    if first.startswith("%%"):
        return _read_magic(first[2:], body)
    return read_values(source)


def _read_magic(header: str, body: str) -> Answer:
    name, _, line = header.partition(" ")
    if name in COMMAND_MAGICS:
        return Commands(name, line.strip(), body)
    if name == "dockerfile":
        return File(name, line.strip() or "Dockerfile", body)
    if name == "writefile":
        return _read_writefile(line, body)
    allowed = ", ".join(f"%%{m}" for m in (*COMMAND_MAGICS, *FILE_MAGICS))
    return Refused(f"%%{name} cells are not read by the grader (answer cells may be {allowed})")


def _read_writefile(line: str, body: str) -> Answer:
    try:
        words = shlex.split(line)
    except ValueError as error:
        return Refused(f"%%writefile: {error}")
    append = any(word in ("-a", "--append") for word in words)
    paths = [word for word in words if word not in ("-a", "--append")]
    if len(paths) != 1 or paths[0].startswith("-"):
        return Refused("%%writefile takes one file name (and -a to append)")
    return File("writefile", paths[0], body, append)


def read_values(source: str) -> Values | Refused:
    """The ``name = <literal>`` bindings of a Python answer cell, or why it is refused."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return Refused(f"{READ_AS_VALUES}: line {error.lineno}: {error.msg}")
    except (ValueError, RecursionError, MemoryError):
        return Refused(f"{READ_AS_VALUES}: the cell cannot be read as Python source")
    bindings: dict[str, Any] = {}
    for statement in tree.body:
        try:
            bindings.update(_bind(statement))
        except _NotAValue as refusal:
            text = ast.get_source_segment(source, statement) or ""
            shown = text.splitlines()[0][:80] if text else type(statement).__name__
            return Refused(f"{READ_AS_VALUES}: line {statement.lineno}: {refusal} ({shown})")
    return Values(bindings)


class _NotAValue(Exception):
    """A statement that is not ``name = <literal>``."""


def _bind(statement: ast.stmt) -> dict[str, Any]:
    if isinstance(statement, ast.Pass):
        return {}
    if isinstance(statement, ast.AnnAssign) and statement.value is not None:
        return _assign(statement.target, statement.value)
    if isinstance(statement, ast.Assign):
        bound: dict[str, Any] = {}
        for target in statement.targets:
            bound.update(_assign(target, statement.value))
        return bound
    raise _NotAValue("only `name = value` lines are read, with a literal value")


def _assign(target: ast.expr, value: ast.expr) -> dict[str, Any]:
    literal = _literal(value)
    if isinstance(target, ast.Name):
        return {_name(target): literal}
    names = [item for item in getattr(target, "elts", []) if isinstance(item, ast.Name)]
    if isinstance(target, ast.Tuple | ast.List) and len(names) == len(target.elts):
        if not isinstance(literal, tuple | list) or len(literal) != len(names):
            raise _NotAValue("the number of names and values differ")
        pairs = zip(names, literal, strict=True)
        return {_name(item): item_value for item, item_value in pairs}
    raise _NotAValue("assign to plain names only")


def _name(target: ast.Name) -> str:
    if target.id.startswith("_"):
        raise _NotAValue(f"names starting with '_' are not answers ({target.id})")
    return target.id


def _literal(value: ast.expr) -> Any:
    try:
        return ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        raise _NotAValue(
            "the value must be a literal (a number, string, list, tuple, dict, set, "
            "True/False/None), not a computation"
        ) from None
