r"""The small POSIX-like shell language of ``%%docker`` cells and the terminal shim.

Students write what they would type in a terminal::

    export FORMAT="ID\t{{.ID}}\nNAME\t{{.Names}}"
    docker ps --format=$FORMAT          # a comment
    docker rm -f $(docker ps -aq) && \
        docker run -d -v $(pwd):/usr/share/nginx/html:ro -p 8080:80 nginx

:func:`run_script` runs such text over two callbacks: ``execute(argv) -> exit status`` for each
simple command (the caller decides what ``docker``, ``kubectl``, ``echo`` or ``pwd`` do) and
``capture(argv) -> stdout`` for command substitutions.

Supported, as in POSIX sh: words with single quotes, double quotes (where ``\t`` stays a
backslash-t, which Docker's ``--format`` then reads), backslash escapes and line continuations;
``$NAME``, ``${NAME}``, ``${NAME:-default}``, ``$?``; ``$(...)`` and backticks (split into
words unless quoted); ``~`` at the start of a word; ``NAME=value``, ``export NAME=value``,
``unset NAME``; ``NAME=value command`` (for that command only); ``;``, ``&&``, ``||``,
newlines and ``#`` comments. Anything else (pipes, redirections, background jobs, subshells,
``if``/``for``/``while``) raises :class:`ShellError` naming the construct, before any command
of the script runs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_IFS = re.compile(r"[ \t\n]+")
_CONTROL_WORDS = {
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case",
    "esac", "function", "select",
}  # fmt: skip
_UNSUPPORTED = {
    "|": "pipes (`|`) are",
    "|&": "pipes (`|&`) are",
    ">": "redirections (`>`) are",
    ">>": "redirections (`>>`) are",
    "<": "redirections (`<`) are",
    "<<": "here-documents (`<<`) are",
    "&": "background jobs (`&`) are",
    "(": "subshells (`(...)`) are",
    ")": "subshells (`(...)`) are",
}
HINT = "run it in a terminal instead"
_TILDE_END = {"", "/", " ", "\t", "\n", ";", "&", "|", "<", ">", "(", ")"}
"""What may follow a ``~`` that means $HOME (``~user`` is left alone)."""


class ShellError(Exception):
    """A script this shell cannot run: bad syntax or a construct it does not support.

    ``message`` reads like a shell's own (``syntax error near unexpected token `&&'``);
    ``exit_code`` is 2, as sh uses for syntax errors.
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


@dataclass(frozen=True)
class Part:
    """A piece of a word: literal text, a variable, or a command substitution."""

    kind: str
    """"text", "var" (value = name, default), or "command" (value = the inner script)."""
    value: str
    quoted: bool
    default: str | None = None
    """For ``${NAME:-default}``: the text used when NAME is unset or empty (taken literally)."""


Word = tuple[Part, ...]


@dataclass(frozen=True)
class SimpleCommand:
    """Assignments and words of one command, before expansion."""

    words: tuple[Word, ...]


@dataclass(frozen=True)
class AndOr:
    """``cmd1 && cmd2 || cmd3``: each command with the operator that links it to the previous."""

    steps: tuple[tuple[str, SimpleCommand], ...]


class _Lexer:
    """Turns script text into words and operators."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    @staticmethod
    def error_unsupported(token: str) -> ShellError:
        return ShellError(f"{_UNSUPPORTED[token]} not supported in this shell: {HINT}")

    def tokens(self) -> Iterator[tuple[str, Word | str]]:
        """Yield ("word", Word) and ("op", text) tokens."""
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t":
                self.pos += 1
            elif text.startswith("\\\n", self.pos):
                self.pos += 2
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end == -1 else end
            elif char in "\n;":
                self.pos += 1
                if text.startswith(";;", self.pos - 1):
                    raise ShellError("syntax error near unexpected token `;;'")
                yield "op", "\n" if char == "\n" else ";"
            elif text.startswith("&&", self.pos) or text.startswith("||", self.pos):
                self.pos += 2
                yield "op", text[self.pos - 2 : self.pos]
            elif char in "()":
                self.pos += 1
                yield "op", char
            elif char in "|&<>":
                for token in ("|&", ">>", "<<", char):
                    if text.startswith(token, self.pos):
                        raise self.error_unsupported(token)
            elif char.isdigit() and re.match(r"\d+[<>]", text[self.pos :]):
                raise self.error_unsupported(">")
            else:
                yield "word", self.word()

    def word(self) -> Word:
        """Read one word: up to unquoted whitespace or an operator character."""
        parts: list[Part] = []
        text = self.text
        start = self.pos
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\n;&|<>()":
                break
            if char == "'":
                end = text.find("'", self.pos + 1)
                if end == -1:
                    raise ShellError("unexpected EOF while looking for matching `''")
                parts.append(Part("text", text[self.pos + 1 : end], True))
                self.pos = end + 1
            elif char == '"':
                self.pos += 1
                parts.extend(self.double_quoted())
            elif char == "\\":
                if text.startswith("\\\n", self.pos):
                    self.pos += 2
                    continue
                parts.append(Part("text", text[self.pos + 1 : self.pos + 2], True))
                self.pos += 2
            elif char == "$":
                parts.append(self.dollar(quoted=False))
            elif char == "`":
                parts.append(self.backtick(quoted=False))
            elif (
                char == "~"
                and self.pos == start
                and text[self.pos + 1 : self.pos + 2] in _TILDE_END
            ):
                parts.append(Part("var", "HOME", False))
                self.pos += 1
            else:
                match = re.compile(r"[^ \t\n;&|<>()'\"\\$`]+").match(text, self.pos)
                assert match is not None  # the branches above took every character it excludes
                parts.append(Part("text", match.group(0), False))
                self.pos = match.end()
        return tuple(parts)

    def double_quoted(self) -> list[Part]:
        """Read the inside of "...", the opening quote already consumed."""
        parts: list[Part] = [Part("text", "", True)]
        text = self.text
        while True:
            if self.pos >= len(text):
                raise ShellError("unexpected EOF while looking for matching `\"'")
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                return parts
            if char == "\\" and text[self.pos + 1 : self.pos + 2] in {"$", "`", '"', "\\", "\n"}:
                escaped = text[self.pos + 1]
                if escaped != "\n":
                    parts.append(Part("text", escaped, True))
                self.pos += 2
            elif char == "$":
                parts.append(self.dollar(quoted=True))
            elif char == "`":
                parts.append(self.backtick(quoted=True))
            else:
                parts.append(Part("text", char, True))
                self.pos += 1

    def dollar(self, quoted: bool) -> Part:
        """Read ``$NAME``, ``${...}``, ``$(...)`` or ``$?`` at the current position."""
        text = self.text
        rest = text[self.pos + 1 :]
        if rest.startswith("("):
            if rest.startswith("(("):
                raise ShellError(f"arithmetic (`$((...))`) is not supported in this shell: {HINT}")
            inner, length = _balanced(rest)
            self.pos += 1 + length
            parse_script(inner)
            return Part("command", inner, quoted)
        if rest.startswith("{"):
            end = rest.find("}")
            if end == -1:
                raise ShellError("unexpected EOF while looking for matching `}'")
            body = rest[1:end]
            self.pos += end + 2
            match = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*|\?)(?::-(.*))?", body, re.S)
            if not match:
                raise ShellError(f"${{{body}}}: bad substitution")
            return Part("var", match.group(1), quoted, match.group(2))
        if rest[:1] == "?" or rest[:1].isdigit():  # $? and the (unset) positional $1..$9
            self.pos += 2
            return Part("var", rest[0], quoted)
        match = _NAME.match(rest)
        if not match:
            self.pos += 1
            return Part("text", "$", quoted)
        self.pos += 1 + match.end()
        return Part("var", match.group(0), quoted)

    def backtick(self, quoted: bool) -> Part:
        """Read a backtick substitution at the current position."""
        text = self.text
        inner = []
        pos = self.pos + 1
        while True:
            if pos >= len(text):
                raise ShellError("unexpected EOF while looking for matching ``'")
            if text[pos] == "\\" and text[pos + 1 : pos + 2] in {"`", "\\", "$"}:
                inner.append(text[pos + 1])
                pos += 2
            elif text[pos] == "`":
                break
            else:
                inner.append(text[pos])
                pos += 1
        self.pos = pos + 1
        script = "".join(inner)
        parse_script(script)
        return Part("command", script, quoted)


def _balanced(rest: str) -> tuple[str, int]:
    """Return (inside, length) of the parenthesised text starting at ``rest[0] == "("``."""
    depth = 0
    pos = 0
    quote = ""
    while pos < len(rest):
        char = rest[pos]
        if quote:
            if char == "\\" and quote == '"':
                pos += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "\\":
            pos += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return rest[1:pos], pos + 1
        pos += 1
    raise ShellError("unexpected EOF while looking for matching `)'")


def parse_script(text: str) -> list[AndOr]:
    """Parse a whole script, raising :class:`ShellError` for anything unsupported.

    Parses are remembered: a ``$(...)`` is parsed when its enclosing line is checked and
    again when it runs, so nested substitutions would otherwise cost a power of their depth.
    """
    return list(_parse_cached(text))


@functools.lru_cache(maxsize=1024)
def _parse_cached(text: str) -> tuple[AndOr, ...]:
    lists: list[AndOr] = []
    steps: list[tuple[str, SimpleCommand]] = []
    words: list[Word] = []
    link = ""
    for _kind, value in _Lexer(text).tokens():
        if not isinstance(value, str):  # a ("word", Word) token
            if not words and _plain(value) in _CONTROL_WORDS:
                raise ShellError(
                    f"shell control flow (`{_plain(value)}`) is not supported in this shell: {HINT}"
                )
            words.append(value)
            continue
        if value in {"(", ")"}:
            if words:
                raise ShellError(f"syntax error near unexpected token `{value}'")
            raise _Lexer.error_unsupported(str(value))
        if value in {"&&", "||"}:
            if not words:
                raise ShellError(f"syntax error near unexpected token `{value}'")
            steps.append((link, SimpleCommand(tuple(words))))
            words, link = [], str(value)
            continue
        if words:
            steps.append((link, SimpleCommand(tuple(words))))
        elif link:
            if value == "\n":
                continue  # `a &&` newline `b`: the list goes on
            raise ShellError(f"syntax error near unexpected token `{value}'")
        elif value == ";" and not steps:
            raise ShellError("syntax error near unexpected token `;'")
        if steps:
            lists.append(AndOr(tuple(steps)))
        steps, words, link = [], [], ""
    if link and not words:
        raise ShellError("syntax error: unexpected end of file")
    if words:
        steps.append((link, SimpleCommand(tuple(words))))
    if steps:
        lists.append(AndOr(tuple(steps)))
    return tuple(lists)


def _plain(word: Word) -> str:
    """A word's text when it is one unquoted literal, else ""."""
    return word[0].value if len(word) == 1 and word[0].kind == "text" and not word[0].quoted else ""


class _Runner:
    """Expands and runs parsed commands against the callbacks."""

    def __init__(
        self,
        execute: Callable[[list[str]], int],
        capture: Callable[[list[str]], str],
        env: dict[str, str],
        cwd: str | Callable[[], str],
    ) -> None:
        self.execute = execute
        self.capture = capture
        self.env = env
        self.cwd = cwd
        self.status = 0

    def lookup(self, part: Part) -> str:
        if part.value == "?":
            value: str | None = str(self.status)
        elif part.value == "PWD":
            value = self.env.get("PWD", self.cwd() if callable(self.cwd) else self.cwd)
        else:
            value = self.env.get(part.value)
        if part.default is not None and not value:
            return part.default
        return value or ""

    def substitute(self, script: str) -> str:
        chunks: list[str] = []

        def collect(argv: list[str]) -> int:
            chunks.append(self.capture(argv))
            return 0

        inner = _Runner(collect, self.capture, self.env, self.cwd)
        inner.status = self.status
        inner.run(parse_script(script))
        return "".join(chunks).rstrip("\n")

    def expand(self, word: Word, split: bool = True) -> list[str]:
        """Expand one word into zero or more fields."""
        fields: list[str] = []
        current: str | None = None
        for part in word:
            if part.kind == "text":
                current = (current or "") + part.value
                continue
            value = self.lookup(part) if part.kind == "var" else self.substitute(part.value)
            if part.quoted or not split:
                current = (current or "") + value
                continue
            for index, piece in enumerate(_IFS.split(value) if value else []):
                if index > 0 and current is not None:
                    fields.append(current)
                    current = None
                if piece:
                    current = (current or "") + piece
        if current is not None:
            fields.append(current)
        return fields

    def assignment(self, word: Word) -> tuple[str, str] | None:
        """(name, value) when ``word`` is ``NAME=value``."""
        if not word or word[0].kind != "text" or word[0].quoted:
            return None
        match = _ASSIGNMENT.match(word[0].value)
        if not match:
            return None
        rest = (Part("text", word[0].value[match.end() :], True), *word[1:])
        return match.group(1), "".join(self.expand(rest, split=False))

    def run_simple(self, command: SimpleCommand) -> int:
        words = list(command.words)
        assignments = []
        while words and (pair := self.assignment(words[0])) is not None:
            assignments.append(pair)
            words.pop(0)
        argv = [field for word in words for field in self.expand(word)]
        if not argv:
            self.env.update(assignments)
            return 0
        if argv[0] == "export" or argv[0] == "unset":
            return self.builtin(argv, command.words[len(assignments) :])
        saved = {name: self.env.get(name) for name, _ in assignments}
        self.env.update(assignments)
        try:
            return self.execute(argv)
        finally:
            for name, old in saved.items():
                if old is None:
                    self.env.pop(name, None)
                else:
                    self.env[name] = old

    def builtin(self, argv: list[str], words: tuple[Word, ...]) -> int:
        """``export NAME=value`` and ``unset NAME`` (values are not word-split)."""
        for word in words[1:]:
            pair = self.assignment(word)
            if pair is not None:
                name, value = pair
                if argv[0] == "unset":
                    raise ShellError(f"unset: `{name}={value}': not a valid identifier", 1)
                self.env[name] = value
                continue
            for name in self.expand(word):
                if not _NAME.fullmatch(name):
                    raise ShellError(f"{argv[0]}: `{name}': not a valid identifier", 1)
                if argv[0] == "unset":
                    self.env.pop(name, None)
                else:
                    self.env.setdefault(name, "")
        return 0

    def run(self, lists: list[AndOr]) -> int:
        for and_or in lists:
            for link, command in and_or.steps:
                if (link == "&&" and self.status != 0) or (link == "||" and self.status == 0):
                    continue
                self.status = self.run_simple(command)
        return self.status


def run_script(
    text: str,
    *,
    execute: Callable[[list[str]], int],
    capture: Callable[[list[str]], str],
    env: dict[str, str],
    cwd: str | Callable[[], str],
) -> int:
    """Run a cell or terminal line; return the exit status of the last command run.

    Args:
        text: the script (several lines, comments, continuations).
        execute: runs one simple command's argv and returns its exit status.
        capture: runs one command inside ``$(...)`` or backticks and returns its stdout.
        env: shell variables; ``export``/``NAME=value`` update it in place.
        cwd: the working folder, the value of ``$PWD`` unless ``env`` sets it; pass a
            function to have ``$PWD`` follow a ``cd`` your ``execute`` performs.

    Raises:
        ShellError: for a syntax error or an unsupported construct, before anything runs;
            also for ``export 1x`` (exit 1) when it is reached.
    """
    lists = parse_script(text)
    return _Runner(execute, capture, env, cwd).run(lists)


def split_words(text: str, env: dict[str, str] | None = None) -> list[str]:
    """Expand one simple command into its argv, without running anything.

    Variables come from ``env``; command substitutions are refused.

    Raises:
        ShellError: for syntax errors, several commands, or a substitution.
    """
    lists = parse_script(text)
    if len(lists) > 1 or (lists and len(lists[0].steps) > 1):
        raise ShellError("expected one command")
    if not lists:
        return []

    def refuse(argv: list[str]) -> str:
        raise ShellError("command substitution is not allowed here")

    runner = _Runner(lambda argv: 0, refuse, dict(env or {}), "")
    command = lists[0].steps[0][1]
    return [field for word in command.words for field in runner.expand(word)]
