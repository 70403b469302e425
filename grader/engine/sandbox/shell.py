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
import re
from dataclasses import dataclass, field

from grader.engine.sandbox.fs import ContainerFS, FsError
from grader.engine.sandbox.reach import Network, Offline


class ShellSyntaxError(Exception):
    """The script does not parse; :meth:`message` words it as dash or busybox ash does.

    Args:
        found: the token met where it does not belong ("fi", "newline"); None at the end of
            the script.
        expecting: the word the shell was waiting for ("fi", ")").
        problem: a complaint of its own ("Unterminated quoted string") instead of a token.
    """

    def __init__(self, found: str | None = None, expecting: str = "", problem: str = "") -> None:
        super().__init__(problem or f"unexpected {found or 'end of file'}")
        self.found, self.expecting, self.problem = found, expecting, problem

    def message(self, prefix: str, busybox: bool) -> str:
        """The line the shell prints (dash numbers the line; ash does not)."""
        if self.problem:
            if busybox:
                return f"{prefix}: syntax error: {self.problem[0].lower()}{self.problem[1:]}"
            return f"{prefix}: 1: Syntax error: {self.problem}"
        found = "end of file" if self.found is None else f'"{self.found}"'
        if self.found == "newline":
            found = "newline"
        tail = f' (expecting "{self.expecting}")' if self.expecting else ""
        if busybox:
            return f"{prefix}: syntax error: unexpected {found}{tail}"
        return f"{prefix}: 1: Syntax error: {found} unexpected{tail}"


class ShellArithmeticError(ShellSyntaxError):
    """``$((...))`` that is not an expression the shell can evaluate."""

    def __init__(self, expression: str) -> None:
        super().__init__(problem=f"arithmetic expression: {expression}")
        self.expression = expression

    def message(self, prefix: str, busybox: bool) -> str:
        """The line dash prints names what it expected; ash only says the expression is wrong."""
        if busybox:
            return f"{prefix}: arithmetic syntax error"
        return f'{prefix}: 1: arithmetic expression: expecting primary: "{self.expression}"'


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


@dataclass
class Loop:
    """``while``/``until CONDITION; do BODY; done``."""

    until: bool
    condition: Script
    body: Script


@dataclass
class ForLoop:
    """``for NAME in WORDS; do BODY; done``."""

    name: str
    items: list[Word]
    body: Script


@dataclass
class IfClause:
    """``if C; then B; elif C; then B; else B; fi``."""

    branches: list[tuple[Script, Script]]
    otherwise: Script


Node = Pipeline | Loop | ForLoop | IfClause
Script = list[tuple[Node, str]]
"""Commands with the operator that follows each (";", "&&", "||", "&", "\n" or "")."""

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
    ")",
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
                raise ShellSyntaxError(problem="Unterminated quoted string")
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
                if text[j] == "`":
                    end = text.find("`", j + 1)
                    if end < 0:
                        raise ShellSyntaxError(problem="EOF in backquote substitution")
                    buf.append(f"$({text[j + 1 : end]})")
                    j = end + 1
                    continue
                buf.append(text[j])
                j += 1
            if j >= len(text):
                raise ShellSyntaxError(problem="Unterminated quoted string")
            word.parts.append(("".join(buf), '"'))
            i = j + 1
        elif text.startswith("$(", i):
            end = _closing_paren(text, i + 1)
            word.parts.append((text[i : end + 1], ""))
            i = end + 1
        elif c == "`":
            end = text.find("`", i + 1)
            if end < 0:
                raise ShellSyntaxError(problem="EOF in backquote substitution")
            word.parts.append((f"$({text[i + 1 : end]})", ""))
            i = end + 1
        elif c == "\\" and i + 1 < len(text):
            word.parts.append((text[i + 1], "'"))
            i += 2
        else:
            word.parts.append((c, ""))
            i += 1
    if word is not None:
        tokens.append(word)
    return tokens


_SEPARATORS = (";", "&&", "||", "&", "\n")
_REDIRECTS = (">", ">>", "<", "2>", "2>>", "1>")
_DUPS = ("2>&1", ">&2", "1>&2")
_RESERVED = {"do", "done", "then", "else", "elif", "fi"}


def _closing_paren(text: str, start: int) -> int:
    """Index of the ")" matching the "(" at ``start``."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    raise ShellSyntaxError(None, expecting=")")


def parse(text: str) -> Script:
    """Parse a script into its commands."""
    parser = _Parser(tokenize(text))
    script = parser.parse_list(set())
    if parser.i < len(parser.tokens):
        raise ShellSyntaxError(parser.describe())
    if script and script[-1][1] in ("&&", "||"):
        raise ShellSyntaxError(None)
    return script


class _Parser:
    """Recursive descent over the tokens."""

    def __init__(self, tokens: list[Word | str]) -> None:
        self.tokens = tokens
        self.i = 0

    def describe(self) -> str:
        tok = self.tokens[self.i]
        return tok.raw if isinstance(tok, Word) else tok.replace("\n", "newline")

    def keyword(self) -> str | None:
        """The next token when it is an unquoted word (a possible keyword)."""
        if self.i < len(self.tokens):
            tok = self.tokens[self.i]
            if isinstance(tok, Word) and all(q == "" for _, q in tok.parts):
                return tok.raw
        return None

    def expect(self, word: str) -> None:
        if self.keyword() != word:
            found = self.describe() if self.i < len(self.tokens) else None
            raise ShellSyntaxError(found, expecting=word)
        self.i += 1

    def skip_newlines(self) -> None:
        while self.i < len(self.tokens) and self.tokens[self.i] == "\n":
            self.i += 1

    def parse_list(self, stop: set[str]) -> Script:
        script: Script = []
        while True:
            self.skip_newlines()
            if self.i >= len(self.tokens) or self.keyword() in stop:
                return script
            tok = self.tokens[self.i]
            if isinstance(tok, str):
                raise ShellSyntaxError(str(tok))
            node = self.parse_node()
            op = ""
            if self.i < len(self.tokens) and self.tokens[self.i] in _SEPARATORS:
                op = str(self.tokens[self.i])
                self.i += 1
            script.append((node, op))
            if not op:
                return script

    def parse_node(self) -> Node:
        word = self.keyword()
        if word in ("while", "until"):
            self.i += 1
            condition = self.parse_list({"do"})
            self.expect("do")
            body = self.parse_list({"done"})
            self.expect("done")
            return Loop(word == "until", condition, body)
        if word == "for":
            self.i += 1
            name = self.keyword()
            if not name or not name.isidentifier():
                raise ShellSyntaxError(problem="Bad for loop variable")
            self.i += 1
            items: list[Word] = []
            if self.keyword() == "in":
                self.i += 1
                while self.i < len(self.tokens) and isinstance(self.tokens[self.i], Word):
                    items.append(self.tokens[self.i])  # type: ignore[arg-type]
                    self.i += 1
            if self.i < len(self.tokens) and self.tokens[self.i] in (";", "\n"):
                self.i += 1
            self.skip_newlines()
            self.expect("do")
            body = self.parse_list({"done"})
            self.expect("done")
            return ForLoop(name, items, body)
        if word == "if":
            self.i += 1
            branches = []
            otherwise: Script = []
            while True:
                condition = self.parse_list({"then"})
                self.expect("then")
                branches.append((condition, self.parse_list({"elif", "else", "fi"})))
                if self.keyword() == "elif":
                    self.i += 1
                    continue
                if self.keyword() == "else":
                    self.i += 1
                    otherwise = self.parse_list({"fi"})
                self.expect("fi")
                return IfClause(branches, otherwise)
        return self.parse_pipeline()

    def parse_pipeline(self) -> Pipeline:
        commands: list[Simple] = []
        current = Simple([], [], [])
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            if isinstance(tok, Word):
                if (
                    not current.words
                    and not current.assigns
                    and tok.raw in _RESERVED
                    and (all(q == "" for _, q in tok.parts))
                ):
                    break
                name, eq, _ = tok.raw.partition("=")
                if not current.words and eq and name.isidentifier() and tok.parts[0][1] == "":
                    current.assigns.append((name, _strip_assign(tok, len(name) + 1)))
                else:
                    current.words.append(tok)
            elif tok in _REDIRECTS:
                target = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
                if not isinstance(target, Word):
                    found = None if target is None else target.replace("\n", "newline")
                    raise ShellSyntaxError(found)
                fd = 2 if tok.startswith("2") else (0 if tok == "<" else 1)
                current.redirects.append(Redirect(fd, tok.lstrip("12"), target))
                self.i += 1
            elif tok in _DUPS:
                fd = 2 if tok == "2>&1" else 1
                current.redirects.append(Redirect(fd, ">&", Word([("1" if fd == 2 else "2", "")])))
            elif tok == "|":
                if not current.words:
                    raise ShellSyntaxError("|")
                commands.append(current)
                current = Simple([], [], [])
            else:
                break
            self.i += 1
        if not (current.words or current.assigns or current.redirects):
            if commands or self.i >= len(self.tokens):
                raise ShellSyntaxError(None)
            raise ShellSyntaxError(self.describe())
        commands.append(current)
        return Pipeline(commands)


def _strip_assign(word: Word, skip: int) -> Word:
    parts: list[tuple[str, str]] = []
    for text, quote in word.parts:
        if skip >= len(text):
            skip -= len(text)
            continue
        parts.append((text[skip:], quote))
        skip = 0
    return Word(parts)


class Unwind(Exception):
    """Control leaving several commands at once; carries what they printed so far."""

    out: bytes = b""
    err: bytes = b""

    def prepend(self, out: bytes | bytearray, err: bytes | bytearray) -> Unwind:
        """Put earlier output in front of what this carries; return self to re-raise."""
        self.out, self.err = bytes(out) + self.out, bytes(err) + self.err
        return self


class ExitShell(Unwind):
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
    """Which shell it is: "sh" (busybox/dash) or "bash"."""
    container: dict
    stdin: bytes = b""
    elapsed: float = 0.0
    """Virtual seconds spent in ``sleep``."""
    last_status: int = 0
    events: list[tuple[float, int, bytes]] | None = None
    """When a list: the script's output in order, as (virtual time, stream, bytes)."""
    in_script: bool = False
    horizon: float = float("inf")
    """Virtual seconds after which the simulation stops following the script."""
    steps: int = 0
    name: str = ""
    """``$0``: how the shell was invoked ("/bin/sh" in a RUN step); its messages start with it."""
    params: list[str] = field(default_factory=list)
    """The positional parameters ``$1``, ``$2`` ... (``sh -c SCRIPT NAME ARG...``)."""
    network: Network = field(default_factory=Offline)
    """What the network programs reach (a build step's container: nothing)."""

    @property
    def prefix(self) -> str:
        """What the shell's messages start with ("sh: 1: npm: not found")."""
        return self.name or self.shell

    def complaint(self, error: ShellSyntaxError) -> bytes:
        """What the shell prints about a script it cannot parse or expand."""
        return (error.message(self.prefix, self.fs.exists("/bin/busybox")) + "\n").encode()


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
        if text.startswith("$((", i):
            end = _closing_paren(text, i + 1)
            out.append(_arithmetic(text[i + 3 : end - 1], ctx))
            i = end + 1
        elif nxt == "(":
            end = _closing_paren(text, i + 1)
            sub = Context(
                fs=ctx.fs,
                env=dict(ctx.env),
                cwd=ctx.cwd,
                shell=ctx.shell,
                name=ctx.name,
                params=ctx.params,
                container=ctx.container,
                network=ctx.network,
                elapsed=ctx.elapsed,
                horizon=ctx.horizon,
                steps=ctx.steps,
            )
            _, captured, _ = run(text[i + 2 : end], sub)
            ctx.elapsed, ctx.steps = sub.elapsed, sub.steps
            out.append(captured.decode(errors="replace").rstrip("\n"))
            i = end + 1
        elif nxt == "?":
            out.append(str(ctx.last_status))
            i += 2
        elif nxt == "{":
            end = text.find("}", i)
            out.append(_braced(text[i + 2 : end] if end > 0 else "", ctx))
            i = end + 1 if end > 0 else len(text)
        elif nxt.isalpha() or nxt == "_":
            j = i + 1
            while j < len(text) and (text[j].isalnum() or text[j] == "_"):
                j += 1
            out.append(ctx.env.get(text[i + 1 : j], ""))
            i = j
        elif nxt.isdigit() or nxt in "#@*":
            out.append(_parameter(nxt, ctx) or "")
            i += 2
        elif nxt == "$":
            out.append("1")
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


_BRACED = re.compile(
    r"(?P<length>#?)(?P<name>[A-Za-z_]\w*|\d+|[#?@*$])(?P<op>:?[-=+])?(?P<word>.*)", re.S
)
"""``${NAME}``, ``${#NAME}``, ``${NAME:-word}``, ``${NAME-word}``, ``${NAME:=word}``,
``${NAME:+word}``."""


def _parameter(name: str, ctx: Context) -> str | None:
    """A parameter's value, or None when it is not set."""
    if name.isdigit():
        index = int(name)
        if index == 0:
            return ctx.prefix
        return ctx.params[index - 1] if index <= len(ctx.params) else None
    special = {"#": str(len(ctx.params)), "?": str(ctx.last_status), "$": "1"}
    if name in special:
        return special[name]
    if name in "@*":
        return " ".join(ctx.params)
    return ctx.env.get(name)


def _braced(inner: str, ctx: Context) -> str:
    """Expand what stands between ``${`` and ``}``."""
    match = _BRACED.fullmatch(inner)
    if match is None:
        return ""
    value = _parameter(match["name"], ctx)
    if match["length"]:
        return str(len(value or ""))
    op = match["op"]
    if not op:
        return value or ""
    unset = value is None or (op.startswith(":") and value == "")
    if op.endswith("+"):
        return "" if unset else _subst(match["word"], ctx)
    if not unset:
        return value or ""
    word = _subst(match["word"], ctx)
    if op.endswith("=") and not match["name"][0].isdigit():
        ctx.env[match["name"]] = word
    return word


def _arithmetic(expression: str, ctx: Context) -> str:
    """``$((...))``: integer arithmetic over shell variables."""
    import ast
    import operator

    ops = {
        ast.Add: operator.add,
        ast.Sub: operator.sub,
        ast.Mult: operator.mul,
        ast.FloorDiv: operator.floordiv,
        ast.Div: operator.floordiv,
        ast.Mod: operator.mod,
    }

    def value(node: ast.AST) -> int:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.Name):
            text = ctx.env.get(node.id, "0") or "0"
            return int(text) if text.lstrip("-").isdigit() else 0
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -value(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            return ops[type(node.op)](value(node.left), value(node.right))
        raise ShellArithmeticError(expression)

    try:
        tree = ast.parse(_subst(expression, ctx).replace("/", "//"), mode="eval")
        return str(value(tree.body))
    except (SyntaxError, ZeroDivisionError):
        raise ShellArithmeticError(expression) from None


def _glob(pattern: str, ctx: Context) -> list[str]:
    absolute = pattern.startswith("/")
    base = "/" if absolute else ctx.cwd
    parts = [p for p in pattern.split("/") if p]
    candidates = [""]
    for part in parts:
        nxt: list[str] = []
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


class BudgetExceeded(Exception):
    """The script runs longer than the simulation follows it (``while true`` loops)."""


class LoopControl(Unwind):
    """``break`` or ``continue``."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


MAX_STEPS = 5000
"""Commands a script may run before the simulation stops following it."""


def run(script: str, ctx: Context) -> Result:
    """Run a shell script (``sh -c SCRIPT``).

    Raises:
        BudgetExceeded: when it goes past ``ctx.horizon`` virtual seconds or
            :data:`MAX_STEPS` commands (what it printed so far is in ``ctx.events``).
    """
    try:
        parsed = parse(script)
    except ShellSyntaxError as error:
        return 2, b"", ctx.complaint(error)
    ctx.in_script = True
    try:
        return _run_script(parsed, ctx)
    except ExitShell as done:
        return done.code, done.out, done.err
    except LoopControl as control:
        return 0, control.out, control.err


def _run_script(script: Script, ctx: Context) -> Result:
    out, err = bytearray(), bytearray()
    status = 0
    skip_next = False
    for node, op in script:
        if not skip_next:
            try:
                status, o, e = _run_node(node, ctx)
            except Unwind as unwind:
                raise unwind.prepend(out, err) from None
            out += o
            err += e
            ctx.last_status = status
        if op == "&&":
            skip_next = skip_next or status != 0
        elif op == "||":
            skip_next = not skip_next and status == 0
        else:
            skip_next = False
    return status, bytes(out), bytes(err)


def _run_node(node: Node, ctx: Context) -> Result:
    ctx.steps += 1
    if ctx.steps > MAX_STEPS or ctx.elapsed > ctx.horizon:
        raise BudgetExceeded()
    if isinstance(node, Pipeline):
        status, out, err = _run_pipeline(node, ctx)
        if ctx.events is not None:
            ctx.events += [(ctx.elapsed, n, d) for n, d in ((1, out), (2, err)) if d]
        return status, out, err
    if isinstance(node, IfClause):
        for condition, body in node.branches:
            status, o, e = _run_script(condition, ctx)
            if status == 0:
                try:
                    s2, o2, e2 = _run_script(body, ctx)
                except Unwind as unwind:
                    raise unwind.prepend(o, e) from None
                return s2, o + o2, e + e2
        return _run_script(node.otherwise, ctx) if node.otherwise else (0, b"", b"")
    if isinstance(node, ForLoop):
        return _run_for(node, ctx)
    return _run_while(node, ctx)


def _run_for(node: ForLoop, ctx: Context) -> Result:
    out, err = bytearray(), bytearray()
    status = 0
    for value in [v for word in node.items for v in expand(word, ctx)]:
        ctx.env[node.name] = value
        try:
            status, o, e = _run_script(node.body, ctx)
        except LoopControl as control:
            out += control.out
            err += control.err
            status = 0
            if control.kind == "break":
                break
            continue
        except Unwind as unwind:
            raise unwind.prepend(out, err) from None
        out += o
        err += e
    return status, bytes(out), bytes(err)


def _run_while(node: Loop, ctx: Context) -> Result:
    out, err = bytearray(), bytearray()
    status = 0
    while True:
        ctx.steps += 1
        if ctx.steps > MAX_STEPS or ctx.elapsed > ctx.horizon:
            raise BudgetExceeded()
        try:
            code, o, e = _run_script(node.condition, ctx)
        except Unwind as unwind:
            raise unwind.prepend(out, err) from None
        out += o
        err += e
        if (code == 0) == node.until:
            return status, bytes(out), bytes(err)
        try:
            status, o, e = _run_script(node.body, ctx)
        except LoopControl as control:
            out += control.out
            err += control.err
            status = 0
            if control.kind == "break":
                return status, bytes(out), bytes(err)
            continue
        except Unwind as unwind:
            raise unwind.prepend(out, err) from None
        out += o
        err += e


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
    try:
        for word in command.words:
            argv.extend(expand(word, ctx))
        assigned = {name: _expand_vars(value, ctx) for name, value in command.assigns}
    except ShellSyntaxError as error:
        return 2, b"", ctx.complaint(error)
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
                    return 1, b"", f"{ctx.prefix}: can't open '{target}': {error.reason}\n".encode()
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
            return 1, b"", f"{ctx.prefix}: can't create {target}: {error.reason}\n".encode()
        if fd == 1:
            out = b""
        else:
            err = b""
    return status, out, err
