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
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from grader.render.gojson import go_marshal


class TemplateError(Exception):
    """A template Go refuses; ``str()`` is Go's message ("template: :1: ...")."""


class TemplateParseError(TemplateError):
    """The template text does not parse."""


class TemplateExecError(TemplateError):
    """The template parsed, but executing it on the data failed."""


MISSING = object()
"""The value of a missing map key (printed as "<no value>")."""

_NO_PIPE = object()


# --------------------------------------------------------------------------- lexer
class _Tok:
    """One lexer token: its kind, text, byte position and line.

    Kinds: text, left, right, field, var, ident, string, rawstring, number, char, bool, nil,
    dot, pipe, lparen, rparen, decl, assign, comma, space, eof.
    """

    __slots__ = ("kind", "value", "pos", "line")

    def __init__(self, kind: str, value: str, pos: int, line: int) -> None:
        self.kind, self.value, self.pos, self.line = kind, value, pos, line


_KEYWORDS = {"if", "else", "end", "range", "with", "break", "continue", "define", "template"}
_NUMBER = re.compile(
    r"[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]+|(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?)"
)


def _lex(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    n = len(text)

    def line_of(p: int) -> int:
        return text.count("\n", 0, p) + 1

    while pos < n:
        start = text.find("{{", pos)
        if start < 0:
            toks.append(_Tok("text", text[pos:], pos, line_of(pos)))
            break
        trim_left = text.startswith("{{- ", start) or text.startswith("{{-\t", start)
        trim_left = trim_left or text.startswith("{{-\n", start)
        chunk = text[pos:start]
        if trim_left:
            chunk = chunk.rstrip(" \t\r\n")
        if chunk:
            toks.append(_Tok("text", chunk, pos, line_of(pos)))
        inner = start + (3 if trim_left else 2)
        if text.startswith("/*", inner):
            close = text.find("*/", inner)
            if close < 0:
                raise TemplateParseError(f"template: :{line_of(start)}: unclosed comment")
            end = close + 2
            trim_right = text.startswith(" -}}", end)
            if trim_right:
                end += 4
            elif text.startswith("}}", end):
                end += 2
            else:
                raise TemplateParseError(
                    f"template: :{line_of(start)}: comment ends before closing delimiter"
                )
            pos = end
            if trim_right:
                pos = _skip_space(text, pos)
            continue
        toks.append(_Tok("left", "{{", start, line_of(start)))
        pos, trim_right = _lex_action(text, inner, toks, line_of)
        if trim_right:
            pos = _skip_space(text, pos)
    toks.append(_Tok("eof", "", n, line_of(n)))
    return toks


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _lex_action(
    text: str, pos: int, toks: list[_Tok], line_of: Callable[[int], int]
) -> tuple[int, bool]:
    n = len(text)
    depth = 0
    while True:
        if pos >= n:
            raise TemplateParseError(f"template: :{line_of(pos)}: unclosed action")
        if text.startswith(" -}}", pos) or text.startswith("\t-}}", pos):
            if depth:
                raise TemplateParseError(f"template: :{line_of(pos)}: unclosed left paren")
            toks.append(_Tok("right", "}}", pos, line_of(pos)))
            return pos + 4, True
        if text.startswith("}}", pos):
            if depth:
                raise TemplateParseError(f"template: :{line_of(pos)}: unclosed left paren")
            toks.append(_Tok("right", "}}", pos, line_of(pos)))
            return pos + 2, False
        char = text[pos]
        line = line_of(pos)
        if char in " \t\r\n":
            end = _skip_space(text, pos)
            if text.startswith("}}", end) or text.startswith("-}}", end):
                if text.startswith("-}}", end) and end > pos:
                    toks.append(_Tok("right", "}}", end, line))
                    return end + 3, True
            toks.append(_Tok("space", " ", pos, line))
            pos = end
        elif char == "|":
            toks.append(_Tok("pipe", "|", pos, line))
            pos += 1
        elif char == "(":
            depth += 1
            toks.append(_Tok("lparen", "(", pos, line))
            pos += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise TemplateParseError(f"template: :{line}: unexpected right paren")
            toks.append(_Tok("rparen", ")", pos, line))
            pos += 1
        elif char == ",":
            toks.append(_Tok("comma", ",", pos, line))
            pos += 1
        elif text.startswith(":=", pos):
            toks.append(_Tok("decl", ":=", pos, line))
            pos += 2
        elif char == "=":
            toks.append(_Tok("assign", "=", pos, line))
            pos += 1
        elif char == '"':
            end = pos + 1
            while end < n and text[end] != '"':
                if text[end] == "\\":
                    end += 1
                if end < n and text[end] == "\n":
                    raise TemplateParseError(f"template: :{line}: unterminated quoted string")
                end += 1
            if end >= n:
                raise TemplateParseError(f"template: :{line}: unterminated quoted string")
            toks.append(_Tok("string", text[pos : end + 1], pos, line))
            pos = end + 1
        elif char == "`":
            end = text.find("`", pos + 1)
            if end < 0:
                raise TemplateParseError(f"template: :{line}: unterminated raw quoted string")
            toks.append(_Tok("rawstring", text[pos + 1 : end], pos, line))
            pos = end + 1
        elif char == "'":
            match = re.match(r"'(\\.|[^\\'])'", text[pos:])
            if not match:
                raise TemplateParseError(f"template: :{line}: unterminated character constant")
            toks.append(_Tok("char", match.group(1), pos, line))
            pos += match.end()
        elif char == "$":
            match = re.match(r"\$\w*", text[pos:])
            assert match is not None
            toks.append(_Tok("var", match.group(0), pos, line))
            pos += match.end()
        elif char == ".":
            match = re.match(r"\.\w+", text[pos:])
            if match and not match.group(0)[1].isdigit():
                toks.append(_Tok("field", match.group(0)[1:], pos, line))
                pos += match.end()
            elif match:
                number = _NUMBER.match(text, pos)
                assert number is not None
                toks.append(_Tok("number", number.group(0), pos, line))
                pos = number.end()
            else:
                toks.append(_Tok("dot", ".", pos, line))
                pos += 1
        elif char.isdigit() or (char in "+-" and pos + 1 < n and text[pos + 1].isdigit()):
            number = _NUMBER.match(text, pos)
            assert number is not None and number.group(0)
            toks.append(_Tok("number", number.group(0), pos, line))
            pos = number.end()
        elif char.isalpha() or char == "_":
            match = re.match(r"\w+", text[pos:])
            assert match is not None
            word = match.group(0)
            kind = "bool" if word in {"true", "false"} else "nil" if word == "nil" else "ident"
            toks.append(_Tok(kind, word, pos, line))
            pos += match.end()
        else:
            raise TemplateParseError(
                f"template: :{line}: bad character U+{ord(char):04X} {_go_char(char)}"
            )


# --------------------------------------------------------------------------- nodes
# Plain classes rather than dataclasses: building a dataclass costs about a millisecond at
# import, and the shim imports this module on every ``docker ps --format``.
class _Node:
    __slots__ = ("pos", "line")

    def __init__(self, pos: int, line: int) -> None:
        self.pos, self.line = pos, line


class _Text(_Node):
    __slots__ = ("text",)

    def __init__(self, pos: int, line: int, text: str) -> None:
        super().__init__(pos, line)
        self.text = text


class _Term(_Node):
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


class _Cmd(_Node):
    __slots__ = ("args",)

    def __init__(self, pos: int, line: int, args: list[_Term]) -> None:
        super().__init__(pos, line)
        self.args = args


class _Pipe(_Node):
    __slots__ = ("decl", "cmds", "is_assign")

    def __init__(
        self, pos: int, line: int, decl: list[str], cmds: list[_Cmd], is_assign: bool = False
    ) -> None:
        super().__init__(pos, line)
        self.decl, self.cmds, self.is_assign = decl, cmds, is_assign


class _Action(_Node):
    __slots__ = ("pipe",)

    def __init__(self, pos: int, line: int, pipe: _Pipe) -> None:
        super().__init__(pos, line)
        self.pipe = pipe


class _Branch(_Node):
    __slots__ = ("kind", "pipe", "body", "else_body")

    def __init__(
        self,
        pos: int,
        line: int,
        kind: str,
        pipe: _Pipe,
        body: list[_Node],
        else_body: list[_Node] | None,
    ) -> None:
        super().__init__(pos, line)
        self.kind, self.pipe, self.body, self.else_body = kind, pipe, body, else_body


class _Loop(_Node):
    __slots__ = ("kind",)

    def __init__(self, pos: int, line: int, kind: str) -> None:
        super().__init__(pos, line)
        self.kind = kind


class _BreakLoop(Exception):
    pass


class _ContinueLoop(Exception):
    pass


# --------------------------------------------------------------------------- parser
class _Parser:
    def __init__(self, text: str, funcs: dict[str, Callable[..., Any]]) -> None:
        self.text = text
        self.toks = _lex(text)
        self.i = 0
        self.funcs = funcs
        self.vars: list[list[str]] = [["$"]]
        self.loop_depth = 0

    def peek(self, skip_space: bool = True) -> _Tok:
        i = self.i
        while skip_space and self.toks[i].kind == "space":
            i += 1
        return self.toks[i]

    def next(self, skip_space: bool = True) -> _Tok:
        while skip_space and self.toks[self.i].kind == "space":
            self.i += 1
        tok = self.toks[self.i]
        if tok.kind != "eof":
            self.i += 1
        return tok

    def error(self, tok: _Tok, message: str) -> TemplateParseError:
        return TemplateParseError(f"template: :{tok.line}: {message}")

    def parse(self) -> list[_Node]:
        body, end = self.parse_list(stop=set())
        if end is not None:
            raise self.error(end, f"unexpected {{{{{end.value}}}}}")
        return body

    def parse_list(self, stop: set[str]) -> tuple[list[_Node], _Tok | None]:
        nodes: list[_Node] = []
        while True:
            tok = self.next(skip_space=False)
            if tok.kind == "eof":
                if stop:
                    raise self.error(tok, "unexpected EOF")
                return nodes, None
            if tok.kind == "text":
                nodes.append(_Text(tok.pos, tok.line, tok.value))
                continue
            keyword = self.peek()
            if keyword.kind == "ident" and keyword.value in {"end", "else"}:
                self.next()
                if keyword.value not in stop:
                    raise self.error(keyword, f"unexpected {{{{{keyword.value}}}}}")
                return nodes, keyword
            nodes.append(self.parse_action(tok))

    def expect_right(self, context: str) -> None:
        tok = self.next()
        if tok.kind != "right":
            raise self.error(tok, f"unexpected {self.describe(tok)} in {context}")

    def describe(self, tok: _Tok) -> str:
        if tok.kind == "eof":
            return "EOF"
        if tok.kind == "right":
            return "}}"
        if tok.kind == "field":
            return f"<.{tok.value}>"
        if tok.kind in {"string", "ident", "bool", "nil", "number", "var"}:
            return _go_quote(tok.value) if tok.kind != "string" else tok.value
        return _go_quote(tok.value)

    def parse_action(self, left: _Tok) -> _Node:
        tok = self.peek()
        if tok.kind == "ident" and tok.value in {"if", "range", "with"}:
            self.next()
            return self.parse_branch(tok.value, tok)
        if tok.kind == "ident" and tok.value in {"break", "continue"}:
            self.next()
            if not self.loop_depth:
                raise self.error(tok, f"{{{{{tok.value}}}}} outside {{{{range}}}}")
            self.expect_right(tok.value)
            return _Loop(tok.pos, tok.line, tok.value)
        if tok.kind == "ident" and tok.value in {"define", "template", "block"}:
            raise self.error(tok, f"{{{{{tok.value}}}}} is not supported in --format")
        pipe = self.parse_pipe("command")
        return _Action(left.pos, left.line, pipe)

    def parse_branch(self, kind: str, tok: _Tok) -> _Node:
        self.vars.append(list(self.vars[-1]))
        pipe = self.parse_pipe(kind, allow_decl=True)
        if kind == "range":
            self.loop_depth += 1
        body, end = self.parse_list(stop={"end", "else"})
        if kind == "range":
            self.loop_depth -= 1
        else_body: list[_Node] | None = None
        assert end is not None
        if end.value == "else":
            nxt = self.peek()
            if nxt.kind == "ident" and nxt.value in {"if", "with"} and kind in {"if", "with"}:
                self.next()
                else_body = [self.parse_branch(nxt.value, nxt)]
            else:
                self.expect_right("else")
                else_body, end = self.parse_list(stop={"end"})
                assert end is not None
                self.expect_right("end")
        else:
            self.expect_right("end")
        self.vars.pop()
        return _Branch(tok.pos, tok.line, kind, pipe, body, else_body)

    def parse_pipe(self, context: str, allow_decl: bool = False) -> _Pipe:
        start = self.peek()
        decl: list[str] = []
        is_assign = False
        # variable declarations: $x := / $i, $v := / $x =
        save = self.i
        names: list[str] = []
        while True:
            tok = self.peek()
            if tok.kind != "var":
                break
            self.next()
            names.append(tok.value)
            sep = self.peek()
            if sep.kind == "comma" and context == "range" and len(names) == 1:
                self.next()
                continue
            if sep.kind in {"decl", "assign"}:
                self.next()
                decl = names
                is_assign = sep.kind == "assign"
                if is_assign:
                    for name in names:
                        if name not in self.vars[-1]:
                            raise self.error(tok, f'undefined variable "{name}"')
                else:
                    self.vars[-1].extend(names)
            break
        if not decl:
            self.i = save
        cmds: list[_Cmd] = []
        while True:
            tok = self.peek()
            if tok.kind in {"right", "rparen", "eof"}:
                if tok.kind == "eof":
                    raise self.error(tok, "unclosed action")
                if not cmds:
                    raise self.error(tok, f"missing value for {context}")
                if tok.kind == "right" and context != "paren":
                    self.next()
                return _Pipe(start.pos, start.line, decl, cmds, is_assign)
            cmds.append(self.parse_cmd())
            tok = self.peek()
            if tok.kind == "pipe":
                self.next()

    def parse_cmd(self) -> _Cmd:
        first = self.peek()
        args: list[_Term] = []
        while True:
            tok = self.peek(skip_space=False)
            if tok.kind == "space":
                self.next(skip_space=False)
                continue
            if tok.kind in {"right", "rparen", "pipe", "eof"}:
                break
            if args and self.toks[self.i - 1].kind != "space":
                raise self.error(tok, f"unexpected {self.describe(tok)} in operand")
            args.append(self.parse_operand())
        if not args:
            raise self.error(first, "empty command")
        return _Cmd(first.pos, first.line, args)

    def parse_operand(self) -> _Term:
        tok = self.next()
        term: _Term
        if tok.kind == "field":
            chain = [tok.value]
            last = tok
            while self.peek(skip_space=False).kind == "field":
                last = self.next(skip_space=False)
                chain.append(last.value)
            return _Term(last.pos, tok.line, "field", chain=chain, source="." + ".".join(chain))
        if tok.kind == "var":
            if not any(tok.value in scope for scope in self.vars[-1:]):
                raise self.error(tok, f'undefined variable "{tok.value}"')
            term = _Term(tok.pos, tok.line, "var", value=tok.value, source=tok.value)
        elif tok.kind == "dot":
            term = _Term(tok.pos, tok.line, "dot", source=".")
        elif tok.kind == "ident":
            if tok.value in _KEYWORDS:
                raise self.error(tok, f"unexpected <{tok.value}> in command")
            if tok.value not in self.funcs:
                raise self.error(tok, f'function "{tok.value}" not defined')
            return _Term(tok.pos, tok.line, "ident", value=tok.value, source=tok.value)
        elif tok.kind == "string":
            term = _Term(tok.pos, tok.line, "literal", value=_unquote(tok.value), source=tok.value)
        elif tok.kind == "rawstring":
            term = _Term(tok.pos, tok.line, "literal", value=tok.value, source=f"`{tok.value}`")
        elif tok.kind == "char":
            term = _Term(tok.pos, tok.line, "literal", value=ord(_unquote(f'"{tok.value}"')))
        elif tok.kind == "number":
            term = _Term(tok.pos, tok.line, "literal", value=_number(tok, self), source=tok.value)
        elif tok.kind == "bool":
            term = _Term(tok.pos, tok.line, "literal", value=tok.value == "true", source=tok.value)
        elif tok.kind == "nil":
            term = _Term(tok.pos, tok.line, "literal", value=None, source="nil")
        elif tok.kind == "lparen":
            pipe = self.parse_pipe("parenthesized pipeline")
            close = self.next()
            if close.kind != "rparen":
                raise self.error(close, "unclosed left paren")
            term = _Term(tok.pos, tok.line, "pipe", value=pipe, source="(...)")
        else:
            raise self.error(tok, f"unexpected {self.describe(tok)} in operand")
        while self.peek(skip_space=False).kind == "field":
            last = self.next(skip_space=False)
            term.chain.append(last.value)
            term.pos = last.pos
        if term.chain:
            term.source += "." + ".".join(term.chain)
        return term


def _number(tok: _Tok, parser: _Parser) -> int | float:
    text = tok.value.replace("_", "")
    try:
        if re.fullmatch(r"[+-]?0[xX][0-9a-fA-F]+", text):
            return int(text, 16)
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text, 10)
        return float(text)
    except ValueError:
        raise parser.error(tok, f"bad number syntax: {_go_quote(tok.value)}") from None


def _unquote(literal: str) -> str:
    return (
        json.loads(literal)
        if "\\x" not in literal
        else literal[1:-1].encode().decode("unicode_escape")
    )


def _go_char(char: str) -> str:
    """Go's ``%q`` of a rune: 'x'."""
    return "'\\''" if char == "'" else f"'{char}'"


def _go_quote(text: str) -> str:
    """Go's ``strconv.Quote``."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in {'"', "\\"}:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


go_quote = _go_quote


# --------------------------------------------------------------------------- values
def go_type_name(value: Any) -> str:
    """The Go type name a value stands for, as Go's errors print it."""
    if hasattr(value, "go_type"):
        return value.go_type
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "[]interface {}"
    if isinstance(value, dict):
        return "map[string]interface {}"
    return "interface {}"


def go_sprint(value: Any) -> str:
    """Go's ``fmt.Sprint`` of one value: "[a b]", "map[k:v]", "true", "<nil>"."""
    if value is MISSING:
        return "<no value>"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, list | tuple):
        return "[" + " ".join(go_sprint(item) for item in value) + "]"
    if isinstance(value, dict):
        parts = [f"{go_sprint(k)}:{go_sprint(value[k])}" for k in sorted(value, key=str)]
        return "map[" + " ".join(parts) + "]"
    return str(value)


def _go_float(value: float) -> str:
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa}e{sign}{exponent.lstrip('+-').rjust(2, '0')}"
    return text


def truthy(value: Any) -> bool:
    """Go template truth: false, 0, nil, empty string/slice/map are false."""
    if value is MISSING or value is None:
        return False
    if isinstance(value, bool | int | float | str | list | tuple | dict):
        return bool(value)
    return True


# --------------------------------------------------------------------------- functions
class _FuncError(Exception):
    pass


def _index(item: Any, *keys: Any) -> Any:
    for key in keys:
        if isinstance(item, dict):
            item = item.get(key, MISSING) if isinstance(key, str) else MISSING
        elif isinstance(item, str):
            raise _FuncError("reflect: string index out of range")
        elif isinstance(item, list | tuple):
            if not isinstance(key, int) or isinstance(key, bool):
                raise _FuncError(f"cannot index slice/array with type {go_type_name(key)}")
            if not 0 <= key < len(item):
                raise _FuncError(f"index out of range: {key}")
            item = item[key]
        elif item is None or item is MISSING:
            raise _FuncError("index of untyped nil")
        else:
            raise _FuncError(f"can't index item of type {go_type_name(item)}")
    return item


def _len(item: Any) -> int:
    if isinstance(item, str | list | tuple | dict):
        return len(item)
    raise _FuncError(f"len of type {go_type_name(item)}")


def _slice(item: Any, *bounds: int) -> Any:
    if not isinstance(item, str | list | tuple):
        raise _FuncError(f"can't slice item of type {go_type_name(item)}")
    if len(bounds) > 2:
        raise _FuncError("too many slice indexes")
    start = bounds[0] if bounds else 0
    end = bounds[1] if len(bounds) > 1 else len(item)
    if not 0 <= start <= end <= len(item):
        raise _FuncError(f"index out of range: {end}")
    return item[start:end]


_VERB = re.compile(r"%([-+# 0]*)(\d+|\*)?(?:\.(\d+))?([a-zA-Z%])")


def go_sprintf(fmt: str, *args: Any) -> str:
    """Go's ``fmt.Sprintf`` for the verbs templates use (%s %v %d %q %t %f %x)."""
    out: list[str] = []
    pos = 0
    arg_index = 0
    for match in _VERB.finditer(fmt):
        out.append(fmt[pos : match.start()])
        pos = match.end()
        flags, width, precision, verb = match.groups()
        if verb == "%":
            out.append("%")
            continue
        if arg_index >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        arg = args[arg_index]
        arg_index += 1
        if verb in "sv":
            text = go_sprint(arg)
            if precision is not None and verb == "s":
                text = text[: int(precision)]
        elif verb == "q":
            text = _go_quote(go_sprint(arg))
        elif verb == "d" and isinstance(arg, int) and not isinstance(arg, bool):
            text = str(arg)
        elif verb == "t" and isinstance(arg, bool):
            text = go_sprint(arg)
        elif verb in "fFeg" and isinstance(arg, int | float) and not isinstance(arg, bool):
            text = f"%{'.' + precision if precision else ''}{verb}" % arg
            if verb == "f" and precision is None:
                text = f"{arg:.6f}"
        elif verb in "xX" and isinstance(arg, int | str):
            text = format(arg, verb) if isinstance(arg, int) else arg.encode().hex()
            text = text.upper() if verb == "X" else text
        else:
            text = f"%!{verb}({go_type_name(arg)}={go_sprint(arg)})"
        if width and width != "*":
            text = text.ljust(int(width)) if "-" in flags else text.rjust(int(width))
        out.append(text)
    out.append(fmt[pos:])
    if arg_index < len(args):
        extra = ", ".join(f"{go_type_name(a)}={go_sprint(a)}" for a in args[arg_index:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


def _go_print(*args: Any) -> str:
    out = ""
    for i, arg in enumerate(args):
        if i and not isinstance(arg, str) and not isinstance(args[i - 1], str):
            out += " "
        out += go_sprint(arg)
    return out


def _compare(op: str) -> Callable[..., bool]:
    def check(a: Any, b: Any) -> None:
        numeric = (int, float)
        a_num = isinstance(a, numeric) and not isinstance(a, bool)
        b_num = isinstance(b, numeric) and not isinstance(b, bool)
        if a_num and b_num and isinstance(a, int) == isinstance(b, int):
            return
        if type(a) is type(b) and isinstance(a, str | bool):
            return
        if op in {"eq", "ne"} and (a is None or b is None):
            return
        raise _FuncError("incompatible types for comparison")

    def compare(a: Any, *rest: Any) -> bool:
        if op == "eq":
            if not rest:
                raise _FuncError("missing argument for comparison")
            for b in rest:
                check(a, b)
            return any(a == b for b in rest)
        if len(rest) != 1:
            raise _FuncError(f"wrong number of args for {op}: want 2 got {len(rest) + 1}")
        b = rest[0]
        check(a, b)
        if op == "ne":
            return a != b
        if isinstance(a, bool):
            raise _FuncError("invalid type for comparison")
        return {"lt": a < b, "le": a <= b, "gt": a > b, "ge": a >= b}[op]

    return compare


def _join(elems: Any, sep: str) -> str:
    if elems is None or elems is MISSING:
        return ""
    if isinstance(elems, list | tuple):
        return sep.join(go_sprint(item) for item in elems)
    if isinstance(elems, dict):
        return sep.join(sorted(go_sprint(v) for v in elems.values()))
    raise _FuncError(f"expected slice, got {go_type_name(elems)}")


def _pad(source: str, prefix: int, suffix: int) -> str:
    return source if source == "" else " " * prefix + source + " " * suffix


def _truncate(source: str, length: int) -> str:
    return source if len(source) < length else source[:length]


def _json(value: Any) -> str:
    return go_marshal(None if value is MISSING else value, escape_html=False)


def _title(text: str) -> str:
    return re.sub(r"(^|(?<=[^\w]))(\w)", lambda m: m.group(1) + m.group(2).upper(), text)


def _and(*args: Any) -> Any:
    return next((arg for arg in args if not truthy(arg)), args[-1])


def _or(*args: Any) -> Any:
    return next((arg for arg in args if truthy(arg)), args[-1])


FUNCS: dict[str, Callable[..., Any]] = {
    "and": _and,
    "or": _or,
    "len": _len,
    "index": _index,
    "slice": _slice,
    "print": _go_print,
    "printf": go_sprintf,
    "println": lambda *args: " ".join(go_sprint(a) for a in args) + "\n",
    "not": lambda value: not truthy(value),
    "eq": _compare("eq"),
    "ne": _compare("ne"),
    "lt": _compare("lt"),
    "le": _compare("le"),
    "gt": _compare("gt"),
    "ge": _compare("ge"),
    "json": _json,
    "split": lambda s, sep: s.split(sep) if sep else list(s),
    "join": _join,
    "title": _title,
    "lower": str.lower,
    "upper": str.upper,
    "pad": _pad,
    "truncate": _truncate,
}
"""Go's built-ins plus Docker's ``templates.basicFunctions``."""

HEADER_FUNCS: dict[str, Callable[..., Any]] = {
    **FUNCS,
    **{
        name: (lambda v, *_: v)
        for name in ("json", "split", "join", "title", "lower", "upper", "truncate")
    },
}
"""Docker's ``HeaderFunctions``: a table header keeps the column names intact."""

_ARITY: dict[str, tuple[int, int | None]] = {
    "and": (1, None),
    "or": (1, None),
    "len": (1, 1),
    "index": (1, None),
    "slice": (1, None),
    "not": (1, 1),
    "json": (1, 1),
    "split": (2, 2),
    "join": (2, 2),
    "title": (1, 1),
    "lower": (1, 1),
    "upper": (1, 1),
    "pad": (3, 3),
    "truncate": (2, 2),
    "printf": (1, None),
    "eq": (1, None),
    "ne": (2, 2),
    "lt": (2, 2),
    "le": (2, 2),
    "gt": (2, 2),
    "ge": (2, 2),
}
_STRING_ARGS = {
    "split": (0, 1),
    "join": (1,),
    "title": (0,),
    "lower": (0,),
    "upper": (0,),
    "pad": (0,),
    "truncate": (0,),
    "printf": (0,),
}
_INT_ARGS = {"pad": (1, 2), "truncate": (1,)}


# --------------------------------------------------------------------------- executor
class Template:
    """A parsed template; :meth:`execute` renders it against data."""

    def __init__(self, text: str, *, missingkey_error: bool = False) -> None:
        """Parse ``text``; raise :class:`TemplateParseError` with Go's message when it is bad."""
        self.text = text
        self.missingkey_error = missingkey_error
        self.nodes = _Parser(text, FUNCS).parse()

    def execute(self, data: Any, *, funcs: dict[str, Callable[..., Any]] | None = None) -> str:
        """Render the template; on failure raise TemplateExecError with ``.partial`` output."""
        out: list[str] = []
        run = _Run(self, funcs or FUNCS, out)
        try:
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

    def fail(self, node: _Node, source: str, message: str) -> TemplateExecError:
        col = node.pos - self.tmpl.text.rfind("\n", 0, node.pos) - 1
        return TemplateExecError(
            f'template: :{node.line}:{col}: executing "" at <{source}>: {message}'
        )

    def walk(self, nodes: list[_Node], dot: Any, scope: dict[str, Any]) -> None:
        for node in nodes:
            if isinstance(node, _Text):
                self.out.append(node.text)
            elif isinstance(node, _Action):
                value = self.pipe(node.pipe, dot, scope)
                if not node.pipe.decl:
                    self.out.append(go_sprint(value))
            elif isinstance(node, _Branch):
                self.branch(node, dot, scope)
            elif isinstance(node, _Loop):
                raise _BreakLoop() if node.kind == "break" else _ContinueLoop()

    def branch(self, node: _Branch, dot: Any, scope: dict[str, Any]) -> None:
        inner = dict(scope)
        if node.kind == "range":
            self.range(node, dot, inner)
            return
        value = self.pipe(node.pipe, dot, inner, declare_only=True)
        if truthy(value):
            self.walk(node.body, value if node.kind == "with" else dot, inner)
        elif node.else_body is not None:
            self.walk(node.else_body, dot, inner)

    def range(self, node: _Branch, dot: Any, scope: dict[str, Any]) -> None:
        value = self.pipe(_Pipe(node.pipe.pos, node.pipe.line, [], node.pipe.cmds), dot, scope)
        if isinstance(value, dict):
            items = [(k, value[k]) for k in sorted(value, key=str)]
        elif isinstance(value, list | tuple):
            items = list(enumerate(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            items = [(i, i) for i in range(value)]
        elif value is None or value is MISSING:
            items = []
        else:
            head = node.pipe.cmds[-1].args[0]
            message = f"range can't iterate over {go_sprint(value)}"
            raise self.fail(head, head.source, message)
        decl = node.pipe.decl
        for key, item in items:
            if len(decl) == 1:
                scope[decl[0]] = item
            elif len(decl) == 2:
                scope[decl[0]], scope[decl[1]] = key, item
            try:
                self.walk(node.body, item, scope)
            except _BreakLoop:
                break
            except _ContinueLoop:
                continue
        if not items and node.else_body is not None:
            self.walk(node.else_body, dot, scope)

    def pipe(self, pipe: _Pipe, dot: Any, scope: dict[str, Any], declare_only: bool = False) -> Any:
        value: Any = _NO_PIPE
        for cmd in pipe.cmds:
            value = self.command(cmd, dot, scope, value)
        for name in pipe.decl:
            scope[name] = value
        return value

    def command(self, cmd: _Cmd, dot: Any, scope: dict[str, Any], piped: Any) -> Any:
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

    def term(self, term: _Term, dot: Any, scope: dict[str, Any]) -> Any:
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

    def chain(self, node: _Term, value: Any, names: list[str], args: list[Any]) -> Any:
        for i, name in enumerate(names):
            last = i == len(names) - 1
            value = self.field(node, value, name, args if last else [])
        return value

    def field(self, node: _Term, value: Any, name: str, args: list[Any]) -> Any:
        method = getattr(type(value), name, None) if name[:1].isupper() else None
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
            if self.tmpl.missingkey_error:
                raise self.fail(node, node.source, f'map has no entry for key "{name}"')
            return MISSING
        message = f"can't evaluate field {name} in type {go_type_name(value)}"
        raise self.fail(node, node.source, message)

    def call(self, node: _Term, name: str, args: list[Any], cmd: _Cmd | None) -> Any:
        func = self.funcs[name]
        low, high = _ARITY.get(name, (0, None))
        if len(args) < low or (high is not None and len(args) > high):
            want = f"at least {low}" if high is None else str(low)
            message = f"wrong number of args for {name}: want {want} got {len(args)}"
            raise self.fail(node, name, message)
        source = " ".join(a.source for a in cmd.args) if cmd else name
        terms = cmd.args[1:] if cmd else []
        checks = [(i, str, "string") for i in _STRING_ARGS.get(name, ())]
        checks += [(i, int, "int") for i in _INT_ARGS.get(name, ())]
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
        except _FuncError as error:
            raise self.fail(node, source, f"error calling {name}: {error}") from None


def parse(text: str, *, missingkey_error: bool = False) -> Template:
    """Parse a Go template, raising :class:`TemplateParseError` with Go's message."""
    return Template(text, missingkey_error=missingkey_error)
