"""Execute a parsed template on data, with Go's execution-error messages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from grader.recursion import DEEP_FRAMES, deeper
from grader.render.gotemplate.errors import TemplateError, TemplateExecError
from grader.render.gotemplate.funcs import (
    ARITY,
    FUNCS,
    INT_ARGS,
    MAX_TEXT,
    STRING_ARGS,
    FuncError,
)
from grader.render.gotemplate.nodes import (
    Action,
    Branch,
    BreakLoop,
    Cmd,
    ContinueLoop,
    Loop,
    Node,
    Pipe,
    Term,
    Text,
)
from grader.render.gotemplate.parser import Parser
from grader.render.gotemplate.typed import is_go_map, typed_sprint
from grader.render.gotemplate.values import MISSING, go_sprint, go_type_name, truthy

_NO_PIPE = object()


MAX_ITERATIONS = 1_000_000
"""``range`` iterations one template may run (Go has no bound; Python must keep one)."""


@contextmanager
def _deep_recursion() -> Iterator[None]:
    """Let the recursive parser and walker follow deeply nested templates.

    A template nested deeper still ends in :class:`TemplateError`, not a crash.
    """
    try:
        with deeper():
            yield
    except RecursionError:
        raise TemplateError(
            "template: :1: nested too deeply: the course's template engine follows about "
            f"{DEEP_FRAMES // 8} levels of parentheses, pipes or blocks"
        ) from None


class Template:
    """A parsed template; :meth:`execute` renders it against data."""

    def __init__(self, text: str, *, missingkey_error: bool = False) -> None:
        """Parse ``text``; raise :class:`TemplateParseError` with Go's message when it is bad."""
        self.text = text
        self.missingkey_error = missingkey_error
        with _deep_recursion():
            self.nodes = Parser(text, FUNCS).parse()

    def execute(self, data: Any, *, funcs: dict[str, Callable[..., Any]] | None = None) -> str:
        """Render the template; on failure raise TemplateExecError with ``.partial`` output.

        A template that would loop more than :data:`MAX_ITERATIONS` times or print more
        than :data:`~grader.render.gotemplate.funcs.MAX_TEXT` characters is stopped with
        a :class:`TemplateExecError` saying so.
        """
        out: list[str] = []
        run = _Run(self, funcs or FUNCS, out)
        try:
            with _deep_recursion():
                run.walk(self.nodes, data, {"$": data})
        except TemplateExecError as error:
            error.partial = "".join(out)  # type: ignore[attr-defined]
            raise
        return "".join(out)


class _Run:
    def __init__(self, tmpl: Template, funcs: dict[str, Callable[..., Any]], out: list[str]):
        self.tmpl = tmpl
        self.funcs = funcs
        self.out = out
        self.value_field = ""
        """The last field name of the value just computed (typed printing needs it)."""
        self.iterations = 0
        self.size = 0

    def emit(self, node: Node, text: str) -> None:
        """Append ``text`` to the output, within :data:`MAX_TEXT` characters."""
        self.size += len(text)
        if self.size > MAX_TEXT:
            message = f"the output is too long: the course renders at most {MAX_TEXT} characters"
            raise TemplateExecError(f"template: :{node.line}: {message}")
        self.out.append(text)

    def count(self, node: Node, source: str, items: int) -> None:
        """Account for ``items`` more iterations, within :data:`MAX_ITERATIONS`."""
        self.iterations += items
        if self.iterations > MAX_ITERATIONS:
            message = (
                f"range runs more than {MAX_ITERATIONS} times: the course renders at most "
                f"{MAX_ITERATIONS} iterations per template"
            )
            raise self.fail(node, source, message)

    def show(self, value: Any) -> str:
        """Print a value: Docker's typed structs for inspect data, else Go's plain rules."""
        if self.tmpl.missingkey_error:
            return typed_sprint(value, self.value_field)
        return go_sprint(value)

    def fail(self, node: Node, source: str, message: str) -> TemplateExecError:
        col = node.pos - self.tmpl.text.rfind("\n", 0, node.pos) - 1
        return TemplateExecError(
            f'template: :{node.line}:{col}: executing "" at <{source}>: {message}'
        )

    def walk(self, nodes: list[Node], dot: Any, scope: dict[str, Any]) -> None:
        for node in nodes:
            if isinstance(node, Text):
                self.emit(node, node.text)
            elif isinstance(node, Action):
                value = self.pipe(node.pipe, dot, scope)
                if not node.pipe.decl:
                    self.emit(node, self.show(value))
            elif isinstance(node, Branch):
                self.branch(node, dot, scope)
            elif isinstance(node, Loop):
                raise BreakLoop() if node.kind == "break" else ContinueLoop()

    def branch(self, node: Branch, dot: Any, scope: dict[str, Any]) -> None:
        inner = dict(scope)
        if node.kind == "range":
            self.range(node, dot, inner)
            return
        value = self.pipe(node.pipe, dot, inner, declare_only=True)
        if truthy(value):
            self.walk(node.body, value if node.kind == "with" else dot, inner)
        elif node.else_body is not None:
            self.walk(node.else_body, dot, inner)

    def range(self, node: Branch, dot: Any, scope: dict[str, Any]) -> None:
        value = self.pipe(Pipe(node.pipe.pos, node.pipe.line, [], node.pipe.cmds), dot, scope)
        items: list[tuple[Any, Any]] | range
        if isinstance(value, dict):
            items = [(k, value[k]) for k in sorted(value, key=str)]
        elif isinstance(value, list | tuple):
            items = list(enumerate(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            items = range(value)
        elif value is None or value is MISSING:
            items = []
        else:
            head = node.pipe.cmds[-1].args[0]
            message = f"range can't iterate over {go_sprint(value)}"
            raise self.fail(head, head.source, message)
        head = node.pipe.cmds[-1].args[0]
        self.count(head, head.source, len(items))
        decl = node.pipe.decl
        pairs = ((i, i) for i in items) if isinstance(items, range) else items
        for key, item in pairs:
            if len(decl) == 1:
                scope[decl[0]] = item
            elif len(decl) == 2:
                scope[decl[0]], scope[decl[1]] = key, item
            try:
                self.walk(node.body, item, scope)
            except BreakLoop:
                break
            except ContinueLoop:
                continue
        if not items and node.else_body is not None:
            self.walk(node.else_body, dot, scope)

    def pipe(self, pipe: Pipe, dot: Any, scope: dict[str, Any], declare_only: bool = False) -> Any:
        value: Any = _NO_PIPE
        for cmd in pipe.cmds:
            value = self.command(cmd, dot, scope, value)
        for name in pipe.decl:
            scope[name] = value
        return value

    def command(self, cmd: Cmd, dot: Any, scope: dict[str, Any], piped: Any) -> Any:
        value = self._command(cmd, dot, scope, piped)
        head = cmd.args[0]
        self.value_field = head.chain[-1] if head.chain else ""
        return value

    def _command(self, cmd: Cmd, dot: Any, scope: dict[str, Any], piped: Any) -> Any:
        head = cmd.args[0]
        extra = [] if piped is _NO_PIPE else [piped]
        if head.kind == "ident":
            args = [self.term(arg, dot, scope) for arg in cmd.args[1:]] + extra
            return self.call(head, head.value, args, cmd)
        if head.kind == "field":
            args = [self.term(arg, dot, scope) for arg in cmd.args[1:]] + extra
            return self.chain(head, dot, head.chain, args)
        if len(cmd.args) > 1 or extra:
            raise self.fail(head, head.source, f"can't give argument to non-function {head.source}")
        return self.term(head, dot, scope)

    def term(self, term: Term, dot: Any, scope: dict[str, Any]) -> Any:
        if term.kind == "field":
            return self.chain(term, dot, term.chain, [])
        if term.kind == "ident":
            return self.call(term, term.value, [], None)
        if term.kind == "var":
            base = scope.get(term.value, MISSING)
        elif term.kind == "dot":
            base = dot
        elif term.kind == "pipe":
            base = self.pipe(term.value, dot, dict(scope))
        else:
            base = term.value
        return self.chain(term, base, term.chain, []) if term.chain else base

    def chain(self, node: Term, value: Any, names: list[str], args: list[Any]) -> Any:
        parent = ""
        for i, name in enumerate(names):
            last = i == len(names) - 1
            value = self.field(node, value, name, args if last else [], parent)
            parent = name
        return value

    def field(self, node: Term, value: Any, name: str, args: list[Any], parent: str = "") -> Any:
        method = getattr(type(value), name, None) if name[:1].isupper() else None
        go_map = bool(parent) and is_go_map(parent, value)
        if go_map and value is None:
            return MISSING  # a nil Go map: every key is missing, which is not an error
        if value is MISSING or value is None:
            raise self.fail(node, node.source, f"nil pointer evaluating interface {{}}.{name}")
        if callable(method):
            want = method.__code__.co_argcount - 1
            if want != len(args):
                message = f"wrong number of args for {name}: want {want} got {len(args)}"
                raise self.fail(node, node.source, message)
            return method(value, *args)
        if args:
            message = f"{name} has arguments but cannot be invoked as function"
            if isinstance(value, dict):
                message = f"{name} is not a method but has arguments"
            raise self.fail(node, node.source, message)
        if isinstance(value, dict):
            if name in value:
                return value[name]
            if self.tmpl.missingkey_error and not go_map:
                raise self.fail(node, node.source, f'map has no entry for key "{name}"')
            return MISSING
        message = f"can't evaluate field {name} in type {go_type_name(value)}"
        raise self.fail(node, node.source, message)

    def call(self, node: Term, name: str, args: list[Any], cmd: Cmd | None) -> Any:
        func = self.funcs[name]
        low, high = ARITY.get(name, (0, None))
        if len(args) < low or (high is not None and len(args) > high):
            want = f"at least {low}" if high is None else str(low)
            message = f"wrong number of args for {name}: want {want} got {len(args)}"
            raise self.fail(node, name, message)
        source = " ".join(a.source for a in cmd.args) if cmd else name
        terms = cmd.args[1:] if cmd else []
        checks: list[tuple[int, type, str]] = [
            (i, str, "string") for i in STRING_ARGS.get(name, ())
        ]
        checks += [(i, int, "int") for i in INT_ARGS.get(name, ())]
        for index, kind, go_name in checks:
            if index >= len(args) or isinstance(args[index], kind):
                continue
            term = terms[index] if index < len(terms) else None
            if term is not None and term.kind == "literal":
                message = f"expected {go_name}; found {term.source}"
                raise self.fail(term, term.source, message)
            got = "<nil>" if args[index] in (None, MISSING) else go_type_name(args[index])
            message = f"wrong type for value; expected {go_name}; got {got}"
            raise self.fail(node, source, message)
        try:
            return func(*args)
        except FuncError as error:
            raise self.fail(node, source, f"error calling {name}: {error}") from None


def parse(text: str, *, missingkey_error: bool = False) -> Template:
    """Parse a Go template, raising :class:`TemplateParseError` with Go's message."""
    return Template(text, missingkey_error=missingkey_error)
