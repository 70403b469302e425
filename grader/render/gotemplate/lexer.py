"""Split a template into text and action tokens, as Go's ``text/template/parse`` lexer."""

from __future__ import annotations

import re
from collections.abc import Callable

from grader.render.gotemplate.errors import TemplateParseError
from grader.render.gotemplate.values import go_char


class Token:
    """One lexer token: its kind, text, byte position and line.

    Kinds: text, left, right, field, var, ident, string, rawstring, number, char, bool, nil,
    dot, pipe, lparen, rparen, decl, assign, comma, space, eof.
    """

    __slots__ = ("kind", "value", "pos", "line")

    def __init__(self, kind: str, value: str, pos: int, line: int) -> None:
        self.kind, self.value, self.pos, self.line = kind, value, pos, line


KEYWORDS = {"if", "else", "end", "range", "with", "break", "continue", "define", "template"}
NUMBER = re.compile(
    r"[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]+|(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?)"
)


def lex(text: str) -> list[Token]:
    """Split ``text`` into tokens, raising Go's error for an unclosed action or bad character."""
    toks: list[Token] = []
    pos = 0
    n = len(text)

    def line_of(p: int) -> int:
        return text.count("\n", 0, p) + 1

    while pos < n:
        start = text.find("{{", pos)
        if start < 0:
            toks.append(Token("text", text[pos:], pos, line_of(pos)))
            break
        trim_left = text.startswith("{{- ", start) or text.startswith("{{-\t", start)
        trim_left = trim_left or text.startswith("{{-\n", start)
        chunk = text[pos:start]
        if trim_left:
            chunk = chunk.rstrip(" \t\r\n")
        if chunk:
            toks.append(Token("text", chunk, pos, line_of(pos)))
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
        toks.append(Token("left", "{{", start, line_of(start)))
        pos, trim_right = _lex_action(text, inner, toks, line_of)
        if trim_right:
            pos = _skip_space(text, pos)
    toks.append(Token("eof", "", n, line_of(n)))
    return toks


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _lex_action(
    text: str, pos: int, toks: list[Token], line_of: Callable[[int], int]
) -> tuple[int, bool]:
    n = len(text)
    depth = 0
    while True:
        if pos >= n:
            raise TemplateParseError(f"template: :{line_of(pos)}: unclosed action")
        if text.startswith(" -}}", pos) or text.startswith("\t-}}", pos):
            if depth:
                raise TemplateParseError(f"template: :{line_of(pos)}: unclosed left paren")
            toks.append(Token("right", "}}", pos, line_of(pos)))
            return pos + 4, True
        if text.startswith("}}", pos):
            if depth:
                raise TemplateParseError(f"template: :{line_of(pos)}: unclosed left paren")
            toks.append(Token("right", "}}", pos, line_of(pos)))
            return pos + 2, False
        char = text[pos]
        line = line_of(pos)
        if char in " \t\r\n":
            end = _skip_space(text, pos)
            if text.startswith("}}", end) or text.startswith("-}}", end):
                if text.startswith("-}}", end) and end > pos:
                    toks.append(Token("right", "}}", end, line))
                    return end + 3, True
            toks.append(Token("space", " ", pos, line))
            pos = end
        elif char == "|":
            toks.append(Token("pipe", "|", pos, line))
            pos += 1
        elif char == "(":
            depth += 1
            toks.append(Token("lparen", "(", pos, line))
            pos += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise TemplateParseError(f"template: :{line}: unexpected right paren")
            toks.append(Token("rparen", ")", pos, line))
            pos += 1
        elif char == ",":
            toks.append(Token("comma", ",", pos, line))
            pos += 1
        elif text.startswith(":=", pos):
            toks.append(Token("decl", ":=", pos, line))
            pos += 2
        elif char == "=":
            toks.append(Token("assign", "=", pos, line))
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
            toks.append(Token("string", text[pos : end + 1], pos, line))
            pos = end + 1
        elif char == "`":
            end = text.find("`", pos + 1)
            if end < 0:
                raise TemplateParseError(f"template: :{line}: unterminated raw quoted string")
            toks.append(Token("rawstring", text[pos + 1 : end], pos, line))
            pos = end + 1
        elif char == "'":
            match = re.match(r"'(\\.|[^\\'])'", text[pos:])
            if not match:
                raise TemplateParseError(f"template: :{line}: unterminated character constant")
            toks.append(Token("char", match.group(1), pos, line))
            pos += match.end()
        elif char == "$":
            match = re.match(r"\$\w*", text[pos:])
            assert match is not None
            toks.append(Token("var", match.group(0), pos, line))
            pos += match.end()
        elif char == ".":
            match = re.match(r"\.\w+", text[pos:])
            if match and not match.group(0)[1].isdigit():
                toks.append(Token("field", match.group(0)[1:], pos, line))
                pos += match.end()
            elif match:
                number = NUMBER.match(text, pos)
                assert number is not None
                toks.append(Token("number", number.group(0), pos, line))
                pos = number.end()
            else:
                toks.append(Token("dot", ".", pos, line))
                pos += 1
        elif char.isdigit() or (char in "+-" and pos + 1 < n and text[pos + 1].isdigit()):
            number = NUMBER.match(text, pos)
            assert number is not None and number.group(0)
            toks.append(Token("number", number.group(0), pos, line))
            pos = number.end()
        elif char.isalpha() or char == "_":
            match = re.match(r"\w+", text[pos:])
            assert match is not None
            word = match.group(0)
            kind = "bool" if word in {"true", "false"} else "nil" if word == "nil" else "ident"
            toks.append(Token(kind, word, pos, line))
            pos += match.end()
        else:
            raise TemplateParseError(
                f"template: :{line}: bad character U+{ord(char):04X} {go_char(char)}"
            )
