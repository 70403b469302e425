"""The parse tree of a template (plain slotted classes: cheap to import)."""

from __future__ import annotations

from typing import Any


# Plain classes rather than dataclasses: building a dataclass costs about a millisecond at
# import, and the shim imports this module on every ``docker ps --format``.
class Node:
    """A parse-tree node: where it starts (byte offset and line)."""

    __slots__ = ("pos", "line")

    def __init__(self, pos: int, line: int) -> None:
        self.pos, self.line = pos, line


class Text(Node):
    """Literal text between actions."""

    __slots__ = ("text",)

    def __init__(self, pos: int, line: int, text: str) -> None:
        super().__init__(pos, line)
        self.text = text


class Term(Node):
    """An operand: field (chain on dot), var, ident (function), literal, dot or pipe."""

    __slots__ = ("kind", "value", "chain", "source")

    def __init__(
        self,
        pos: int,
        line: int,
        kind: str,
        value: Any = None,
        chain: list[str] | None = None,
        source: str = "",
    ) -> None:
        super().__init__(pos, line)
        self.kind, self.value, self.chain, self.source = kind, value, chain or [], source


class Cmd(Node):
    """One command of a pipeline: a function or field with its arguments."""

    __slots__ = ("args",)

    def __init__(self, pos: int, line: int, args: list[Term]) -> None:
        super().__init__(pos, line)
        self.args = args


class Pipe(Node):
    """A pipeline (``a | b``), with the variables it declares or assigns."""

    __slots__ = ("decl", "cmds", "is_assign")

    def __init__(
        self, pos: int, line: int, decl: list[str], cmds: list[Cmd], is_assign: bool = False
    ) -> None:
        super().__init__(pos, line)
        self.decl, self.cmds, self.is_assign = decl, cmds, is_assign


class Action(Node):
    """An action that prints its pipeline's value (``{{.ID}}``)."""

    __slots__ = ("pipe",)

    def __init__(self, pos: int, line: int, pipe: Pipe) -> None:
        super().__init__(pos, line)
        self.pipe = pipe


class Branch(Node):
    """An ``if``, ``range`` or ``with`` block with its optional ``else`` part."""

    __slots__ = ("kind", "pipe", "body", "else_body")

    def __init__(
        self,
        pos: int,
        line: int,
        kind: str,
        pipe: Pipe,
        body: list[Node],
        else_body: list[Node] | None,
    ) -> None:
        super().__init__(pos, line)
        self.kind, self.pipe, self.body, self.else_body = kind, pipe, body, else_body


class Loop(Node):
    """A ``{{break}}`` or ``{{continue}}`` inside a range."""

    __slots__ = ("kind",)

    def __init__(self, pos: int, line: int, kind: str) -> None:
        super().__init__(pos, line)
        self.kind = kind


class BreakLoop(Exception):
    """Raised by ``{{break}}`` to leave the innermost range."""

    pass


class ContinueLoop(Exception):
    """Raised by ``{{continue}}`` to go on with the next element."""

    pass
