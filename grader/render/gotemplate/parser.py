"""Build the parse tree from tokens, with Go's parse-error messages."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from grader.render.gotemplate.errors import TemplateParseError
from grader.render.gotemplate.lexer import KEYWORDS, Token, lex
from grader.render.gotemplate.nodes import (
    Action,
    Branch,
    Cmd,
    Loop,
    Node,
    Pipe,
    Term,
    Text,
)
from grader.render.gotemplate.values import go_quote


class Parser:
    """Recursive-descent parser over the token list, following Go's ``parse`` package."""

    def __init__(self, text: str, funcs: dict[str, Callable[..., Any]]) -> None:
        self.text = text
        self.toks = lex(text)
        self.i = 0
        self.funcs = funcs
        self.vars: list[list[str]] = [["$"]]
        self.loop_depth = 0

    def peek(self, skip_space: bool = True) -> Token:
        """The next token without consuming it."""
        i = self.i
        while skip_space and self.toks[i].kind == "space":
            i += 1
        return self.toks[i]

    def next(self, skip_space: bool = True) -> Token:
        """Consume and return the next token."""
        while skip_space and self.toks[self.i].kind == "space":
            self.i += 1
        tok = self.toks[self.i]
        if tok.kind != "eof":
            self.i += 1
        return tok

    def error(self, tok: Token, message: str) -> TemplateParseError:
        """A parse error located at ``tok``'s line, worded as Go words it."""
        return TemplateParseError(f"template: :{tok.line}: {message}")

    def parse(self) -> list[Node]:
        """Parse the whole template."""
        body, end = self.parse_list(stop=set())
        if end is not None:
            raise self.error(end, f"unexpected {{{{{end.value}}}}}")
        return body

    def parse_list(self, stop: set[str]) -> tuple[list[Node], Token | None]:
        """Parse nodes until one of the ``stop`` keywords (``end``/``else``) or the end."""
        nodes: list[Node] = []
        while True:
            tok = self.next(skip_space=False)
            if tok.kind == "eof":
                if stop:
                    raise self.error(tok, "unexpected EOF")
                return nodes, None
            if tok.kind == "text":
                nodes.append(Text(tok.pos, tok.line, tok.value))
                continue
            keyword = self.peek()
            if keyword.kind == "ident" and keyword.value in {"end", "else"}:
                self.next()
                if keyword.value not in stop:
                    raise self.error(keyword, f"unexpected {{{{{keyword.value}}}}}")
                return nodes, keyword
            nodes.append(self.parse_action(tok))

    def expect_right(self, context: str) -> None:
        """Consume the closing ``}}`` of an action."""
        tok = self.next()
        if tok.kind != "right":
            raise self.error(tok, f"unexpected {self.describe(tok)} in {context}")

    def describe(self, tok: Token) -> str:
        """How Go names a token in "unexpected ..." errors."""
        if tok.kind == "eof":
            return "EOF"
        if tok.kind == "right":
            return "}}"
        if tok.kind == "field":
            return f"<.{tok.value}>"
        if tok.kind in {"string", "ident", "bool", "nil", "number", "var"}:
            return go_quote(tok.value) if tok.kind != "string" else tok.value
        return go_quote(tok.value)

    def parse_action(self, left: Token) -> Node:
        """Parse what follows ``{{``: a control keyword or a pipeline."""
        tok = self.peek()
        if tok.kind == "ident" and tok.value in {"if", "range", "with"}:
            self.next()
            return self.parse_branch(tok.value, tok)
        if tok.kind == "ident" and tok.value in {"break", "continue"}:
            self.next()
            if not self.loop_depth:
                raise self.error(tok, f"{{{{{tok.value}}}}} outside {{{{range}}}}")
            self.expect_right(tok.value)
            return Loop(tok.pos, tok.line, tok.value)
        if tok.kind == "ident" and tok.value in {"define", "template", "block"}:
            raise self.error(tok, f"{{{{{tok.value}}}}} is not supported in --format")
        pipe = self.parse_pipe("command")
        return Action(left.pos, left.line, pipe)

    def parse_branch(self, kind: str, tok: Token) -> Node:
        """Parse an ``if``/``range``/``with`` block up to its ``end``."""
        self.vars.append(list(self.vars[-1]))
        pipe = self.parse_pipe(kind, allow_decl=True)
        if kind == "range":
            self.loop_depth += 1
        body, end = self.parse_list(stop={"end", "else"})
        if kind == "range":
            self.loop_depth -= 1
        else_body: list[Node] | None = None
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
        return Branch(tok.pos, tok.line, kind, pipe, body, else_body)

    def parse_pipe(self, context: str, allow_decl: bool = False) -> Pipe:
        """Parse a pipeline with its optional variable declaration."""
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
        cmds: list[Cmd] = []
        while True:
            tok = self.peek()
            if tok.kind in {"right", "rparen", "eof"}:
                if tok.kind == "eof":
                    raise self.error(tok, "unclosed action")
                if not cmds:
                    raise self.error(tok, f"missing value for {context}")
                if tok.kind == "right" and context != "paren":
                    self.next()
                return Pipe(start.pos, start.line, decl, cmds, is_assign)
            cmds.append(self.parse_cmd())
            tok = self.peek()
            if tok.kind == "pipe":
                self.next()

    def parse_cmd(self) -> Cmd:
        """Parse one command: operands separated by spaces."""
        first = self.peek()
        args: list[Term] = []
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
        return Cmd(first.pos, first.line, args)

    def parse_operand(self) -> Term:
        """Parse one operand with any trailing field chain."""
        tok = self.next()
        term: Term
        if tok.kind == "field":
            chain = [tok.value]
            last = tok
            while self.peek(skip_space=False).kind == "field":
                last = self.next(skip_space=False)
                chain.append(last.value)
            return Term(last.pos, tok.line, "field", chain=chain, source="." + ".".join(chain))
        if tok.kind == "var":
            if not any(tok.value in scope for scope in self.vars[-1:]):
                raise self.error(tok, f'undefined variable "{tok.value}"')
            term = Term(tok.pos, tok.line, "var", value=tok.value, source=tok.value)
        elif tok.kind == "dot":
            term = Term(tok.pos, tok.line, "dot", source=".")
        elif tok.kind == "ident":
            if tok.value in KEYWORDS:
                raise self.error(tok, f"unexpected <{tok.value}> in command")
            if tok.value not in self.funcs:
                raise self.error(tok, f'function "{tok.value}" not defined')
            return Term(tok.pos, tok.line, "ident", value=tok.value, source=tok.value)
        elif tok.kind == "string":
            term = Term(tok.pos, tok.line, "literal", value=_unquote(tok.value), source=tok.value)
        elif tok.kind == "rawstring":
            term = Term(tok.pos, tok.line, "literal", value=tok.value, source=f"`{tok.value}`")
        elif tok.kind == "char":
            term = Term(tok.pos, tok.line, "literal", value=ord(_unquote(f'"{tok.value}"')))
        elif tok.kind == "number":
            term = Term(tok.pos, tok.line, "literal", value=_number(tok, self), source=tok.value)
        elif tok.kind == "bool":
            term = Term(tok.pos, tok.line, "literal", value=tok.value == "true", source=tok.value)
        elif tok.kind == "nil":
            term = Term(tok.pos, tok.line, "literal", value=None, source="nil")
        elif tok.kind == "lparen":
            pipe = self.parse_pipe("parenthesized pipeline")
            close = self.next()
            if close.kind != "rparen":
                raise self.error(close, "unclosed left paren")
            term = Term(tok.pos, tok.line, "pipe", value=pipe, source="(...)")
        else:
            raise self.error(tok, f"unexpected {self.describe(tok)} in operand")
        while self.peek(skip_space=False).kind == "field":
            last = self.next(skip_space=False)
            term.chain.append(last.value)
            term.pos = last.pos
        if term.chain:
            term.source += "." + ".".join(term.chain)
        return term


_INT_RANGE = (-(2**63), 2**64 - 1)
"""Go keeps an integer constant when ``ParseInt`` or ``ParseUint`` takes it."""


def _number(tok: Token, parser: Parser) -> int | float:
    """A number literal's value, refused with Go's words ("integer overflow: ...")."""
    text = tok.value.replace("_", "")
    if len(text) > 1000:  # Python refuses to convert longer digit strings; Go: out of range
        raise parser.error(tok, f"illegal number syntax: {go_quote(tok.value)}")
    try:
        if re.fullmatch(r"[+-]?0[xX][0-9a-fA-F]+", text):
            value: int | float = int(text, 16)
        elif re.fullmatch(r"[+-]?\d+", text):
            value = int(text, 10)
        else:
            value = float(text)
    except ValueError:
        raise parser.error(tok, f"bad number syntax: {go_quote(tok.value)}") from None
    if isinstance(value, float) and math.isinf(value):
        raise parser.error(tok, f"illegal number syntax: {go_quote(tok.value)}")
    if isinstance(value, int) and not _INT_RANGE[0] <= value <= _INT_RANGE[1]:
        # Go then tries ParseFloat: a finite float means a too-large integer.
        finite = "x" not in text.lower() and not math.isinf(float(text))
        problem = "integer overflow" if finite else "illegal number syntax"
        raise parser.error(tok, f"{problem}: {go_quote(tok.value)}")
    return value


def _unquote(literal: str) -> str:
    return (
        json.loads(literal)
        if "\\x" not in literal
        else literal[1:-1].encode().decode("unicode_escape")
    )
