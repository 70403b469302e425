"""A tiny POSIX-like shell for commands run in sandbox containers (``exec``, ``sh -c``).

It covers what the course types inside a container: words with quotes and ``$VAR``,
``;``/``&&``/``||``, pipes, redirections (``>``, ``>>``, ``2>``, ``2>&1``, ``>&2``, ``<``),
variable assignments, ``export``, ``cd``, ``exit``, and globbing. Utilities (ls, cat, ...)
live in :mod:`grader.engine.sandbox.coreutils`; a command must exist in the container's
``$PATH`` to run, as in a real container.
"""

from __future__ import annotations

import fnmatch
import posixpath
from dataclasses import dataclass, field

from grader.engine.sandbox.fs import ContainerFS, FsError


class ShellSyntaxError(Exception):
    """The script does not parse."""


@dataclass
class Word:
    """A word as typed: segments of (text, quoting) where quoting is "", "'" or '"'."""

    parts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def raw(self) -> str:
        """The unexpanded text without quotes."""
        return "".join(text for text, _ in self.parts)


@dataclass
class Redirect:
    """``fd op target``: op is ">", ">>", "<" or ">&"."""

    fd: int
    op: str
    target: Word


@dataclass
class Simple:
    """One simple command: assignments, words and redirections."""

    assigns: list[tuple[str, Word]]
    words: list[Word]
    redirects: list[Redirect]


@dataclass
class Pipeline:
    """Commands joined with ``|``."""

    commands: list[Simple]


Script = list[tuple[Pipeline, str]]
"""Pipelines with the operator that follows each (";", "&&", "||", "&" or "")."""

_OPERATORS = (
    "&&",
    "||",
    ">>",
    "2>&1",
    ">&2",
    "1>&2",
    "2>>",
    "2>",
    "1>",
    ";",
    "|",
    ">",
    "<",
    "&",
    "\n",
)


def tokenize(text: str) -> list[Word | str]:
    """Split ``text`` into words and operator strings."""
    tokens: list[Word | str] = []
    i = 0
    word: Word | None = None
    while i < len(text):
        c = text[i]
        if c in " \t":
            if word is not None:
                tokens.append(word)
                word = None
            i += 1
            continue
        if c == "#" and word is None:
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
        if op and op[0].isdigit() and word is not None:
            op = None
        if op:
            if word is not None:
                tokens.append(word)
                word = None
            tokens.append(op)
            i += len(op)
            continue
        word = word or Word()
        if c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise ShellSyntaxError("Unterminated quoted string")
            word.parts.append((text[i + 1 : end], "'"))
            i = end + 1
        elif c == '"':
            j = i + 1
            buf = []
            while j < len(text) and text[j] != '"':
                if text[j] == "\\" and j + 1 < len(text) and text[j + 1] in '"\\$`':
                    buf.append(text[j + 1])
                    j += 2
                    continue
                buf.append(text[j])
                j += 1
            if j >= len(text):
                raise ShellSyntaxError("Unterminated quoted string")
            word.parts.append(("".join(buf), '"'))
            i = j + 1
        elif c == "\\" and i + 1 < len(text):
            word.parts.append((text[i + 1], "'"))
            i += 2
        else:
            word.parts.append((c, ""))
            i += 1
    if word is not None:
        tokens.append(word)
    return tokens


def parse(text: str) -> Script:
    """Parse a script into pipelines."""
    tokens = tokenize(text)
    script: Script = []
    commands: list[Simple] = []
    current = Simple([], [], [])
    i = 0

    def finish_command() -> None:
        nonlocal current
        if current.words or current.assigns or current.redirects:
            commands.append(current)
        elif commands:
            raise ShellSyntaxError('syntax error: unexpected "|"')
        current = Simple([], [], [])

    while i < len(tokens):
        tok = tokens[i]
        if isinstance(tok, Word):
            raw = tok.raw
            name, eq, _ = raw.partition("=")
            if (
                not current.words
                and eq
                and name.isidentifier()
                and tok.parts
                and tok.parts[0][1] == ""
            ):
                value = _strip_assign(tok, len(name) + 1)
                current.assigns.append((name, value))
            else:
                current.words.append(tok)
        elif tok in (">", ">>", "<", "2>", "2>>", "1>"):
            if i + 1 >= len(tokens) or not isinstance(tokens[i + 1], Word):
                raise ShellSyntaxError("syntax error: unexpected newline")
            fd = 2 if tok.startswith("2") else (0 if tok == "<" else 1)
            current.redirects.append(Redirect(fd, tok.lstrip("12"), tokens[i + 1]))
            i += 1
        elif tok in ("2>&1", ">&2", "1>&2"):
            fd = 2 if tok == "2>&1" else 1
            current.redirects.append(Redirect(fd, ">&", Word([("1" if fd == 2 else "2", "")])))
        elif tok == "|":
            if not current.words:
                raise ShellSyntaxError('syntax error: unexpected "|"')
            finish_command()
        else:
            finish_command()
            if commands:
                script.append((Pipeline(commands), tok.strip()))
                commands = []
            elif tok not in ("\n",):
                raise ShellSyntaxError(f'syntax error: unexpected "{tok}"')
        i += 1
    finish_command()
    if commands:
        script.append((Pipeline(commands), ""))
    elif script and script[-1][1] in ("&&", "||"):
        raise ShellSyntaxError("syntax error: unexpected end of file")
    return script


def _strip_assign(word: Word, skip: int) -> Word:
    parts: list[tuple[str, str]] = []
    for text, quote in word.parts:
        if skip >= len(text):
            skip -= len(text)
            continue
        parts.append((text[skip:], quote))
        skip = 0
    return Word(parts)


class ExitShell(Exception):
    """``exit N`` was run."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Context:
    """What a running command sees: its container, environment and streams."""

    fs: ContainerFS
    env: dict[str, str]
    cwd: str
    shell: str
    """The shell's name for messages: "sh" (busybox/dash) or "bash"."""
    container: dict
    stdin: bytes = b""
    elapsed: float = 0.0
    """Virtual seconds spent in ``sleep``."""
    last_status: int = 0
    events: list[tuple[float, int, bytes]] | None = None
    """When a list: the script's output in order, as (virtual time, stream, bytes)."""
    in_script: bool = False


def expand(word: Word, ctx: Context, glob: bool = True) -> list[str]:
    """Expand ``~``, ``$VAR`` and globs in one word into zero or more words."""
    parts = list(word.parts)
    if parts and parts[0] == ("~", "") and (len(parts) == 1 or parts[1][0].startswith("/")):
        parts[0] = (ctx.env.get("HOME", "/root"), "'")
    word = Word(parts)
    joined = _expand_vars(word, ctx)
    unquoted = all(quote == "" for _, quote in parts)
    if glob and any(q == "" and any(ch in t for ch in "*?[") for t, q in parts):
        matches = _glob(joined, ctx)
        if matches:
            return matches
    if unquoted and any("$" in text for text, _ in parts):
        return joined.split()
    return [joined]


def _expand_vars(word: Word, ctx: Context) -> str:
    result = []
    text = ""
    # re-join so "$" at the end of one part and a name in the next still work
    for part, quote in word.parts:
        if quote == "'":
            result.append(_subst(text, ctx))
            text = ""
            result.append(part)
        else:
            text += part
    result.append(_subst(text, ctx))
    return "".join(result)


def _subst(text: str, ctx: Context) -> str:
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "$" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "?":
            out.append(str(ctx.last_status))
            i += 2
        elif nxt == "{":
            end = text.find("}", i)
            name = text[i + 2 : end] if end > 0 else ""
            out.append(ctx.env.get(name, ""))
            i = end + 1 if end > 0 else len(text)
        elif nxt.isalpha() or nxt == "_":
            j = i + 1
            while j < len(text) and (text[j].isalnum() or text[j] == "_"):
                j += 1
            out.append(ctx.env.get(text[i + 1 : j], ""))
            i = j
        elif nxt == "$":
            out.append("1")
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _glob(pattern: str, ctx: Context) -> list[str]:
    absolute = pattern.startswith("/")
    base = "/" if absolute else ctx.cwd
    parts = [p for p in pattern.split("/") if p]
    candidates = [""]
    for part in parts:
        nxt = []
        for cand in candidates:
            directory = posixpath.join(base, cand) if cand else base
            if any(ch in part for ch in "*?["):
                try:
                    names = ctx.fs.listdir(directory)
                except FsError:
                    continue
                nxt.extend(
                    posixpath.join(cand, n)
                    for n in names
                    if fnmatch.fnmatchcase(n, part)
                    and (part.startswith(".") or not n.startswith("."))
                )
            else:
                nxt.append(posixpath.join(cand, part))
        candidates = nxt
    found = [c for c in candidates if ctx.fs.exists(c, base)]
    return sorted("/" + c if absolute else c for c in found)


Result = tuple[int, bytes, bytes]
"""(exit code, stdout, stderr)."""


def run(script: str, ctx: Context) -> Result:
    """Run a shell script (``sh -c SCRIPT``)."""
    try:
        parsed = parse(script)
    except ShellSyntaxError as error:
        return 2, b"", f"{ctx.shell}: {error}\n".encode()
    out, err = bytearray(), bytearray()
    status = 0
    skip_next = False
    ctx.in_script = True
    try:
        for pipeline, op in parsed:
            if not skip_next:
                status, o, e = _run_pipeline(pipeline, ctx)
                out += o
                err += e
                ctx.last_status = status
                if ctx.events is not None:
                    ctx.events += [(ctx.elapsed, n, d) for n, d in ((1, o), (2, e)) if d]
            if op == "&&":
                skip_next = status != 0
            elif op == "||":
                skip_next = status == 0
            else:
                skip_next = False
    except ExitShell as done:
        status = done.code
    return status, bytes(out), bytes(err)


def run_argv(argv: list[str], ctx: Context) -> Result:
    """Run one program with arguments, without a shell (exec form).

    Raises:
        coreutils.ExecutableNotFound: the program is not in the container.
    """
    from grader.engine.sandbox import coreutils

    try:
        return coreutils.execute(argv, ctx, in_shell=False)
    except ExitShell as done:
        return done.code, b"", b""


def _run_pipeline(pipeline: Pipeline, ctx: Context) -> Result:
    data = ctx.stdin
    err = bytearray()
    status = 0
    out = b""
    for index, command in enumerate(pipeline.commands):
        status, out, e = _run_simple(command, ctx, data if index else ctx.stdin)
        err += e
        data = out
    return status, out, bytes(err)


def _run_simple(command: Simple, ctx: Context, stdin: bytes) -> Result:
    from grader.engine.sandbox import coreutils

    argv: list[str] = []
    for word in command.words:
        argv.extend(expand(word, ctx))
    assigned = {name: _expand_vars(value, ctx) for name, value in command.assigns}
    if not argv:
        ctx.env.update(assigned)
        return 0, b"", b""
    saved_env = dict(ctx.env) if assigned else None
    ctx.env.update(assigned)
    saved_stdin, ctx.stdin = ctx.stdin, stdin
    targets: dict[int, tuple[str, str]] = {}
    dup: dict[int, int] = {}
    try:
        for redirect in command.redirects:
            target = _expand_vars(redirect.target, ctx)
            if redirect.op == ">&":
                dup[redirect.fd] = int(target)
            elif redirect.op == "<":
                try:
                    ctx.stdin = ctx.fs.read(target, ctx.cwd)
                except FsError as error:
                    return 1, b"", f"{ctx.shell}: can't open '{target}': {error.reason}\n".encode()
            else:
                targets[redirect.fd] = (target, redirect.op)
        status, out, err = coreutils.execute(argv, ctx)
    finally:
        ctx.stdin = saved_stdin
        if saved_env is not None:
            ctx.env.clear()
            ctx.env.update(saved_env)
    if dup.get(1) == 2:
        out, err = b"", err + out
    if dup.get(2) == 1:
        out, err = out + err, b""
    for fd, (target, op) in targets.items():
        data = out if fd == 1 else err
        try:
            if target != "/dev/null":
                ctx.fs.write(target, data, append=op == ">>", cwd=ctx.cwd)
        except FsError as error:
            return 1, b"", f"{ctx.shell}: can't create {target}: {error.reason}\n".encode()
        if fd == 1:
            out = b""
        else:
            err = b""
    return status, out, err
