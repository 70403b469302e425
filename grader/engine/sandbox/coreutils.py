"""The programs a sandbox container can run: shell builtins and the usual utilities.

A program runs only when its file exists in the container's ``$PATH`` (``bash`` is missing
from busybox and alpine, ``ps`` from the nginx image), and speaks with the wording of the
image's flavour: busybox applets on busybox/alpine, GNU coreutils on Debian/Ubuntu.
"""

from __future__ import annotations

import posixpath
import shlex
import time
from collections.abc import Callable
from datetime import UTC, datetime

from grader.engine.sandbox import packages
from grader.engine.sandbox.fs import FsError
from grader.engine.sandbox.shell import Context, ExitShell, LoopControl, Result, run

SHELLS = {"sh", "bash", "ash", "dash"}
INLINE_CODE = {"-e", "--eval", "-p", "--print", "-c"}
"""Interpreter options that run code given on the command line (``node -e``, ``python -c``):
the sandbox cannot run it, says so, and the command ends."""
_BUILTINS = {
    "cd",
    "export",
    "unset",
    "exit",
    "break",
    "continue",
    "true",
    "false",
    "echo",
    "printf",
    "pwd",
    "test",
    "[",
    ":",
    "command",
    "type",
    "read",
}


class ExecutableNotFound(Exception):
    """The program is not in the container (the runtime refuses to start it)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def busybox(ctx: Context) -> bool:
    """True for busybox-based images (busybox, alpine)."""
    return ctx.fs.exists("/bin/busybox")


def lookup(name: str, ctx: Context) -> str | None:
    """The path of ``name`` in the container's ``$PATH``, like ``which``."""
    if "/" in name:
        entry = ctx.fs.stat(name, ctx.cwd)
        return (
            posixpath.normpath(posixpath.join(ctx.cwd, name))
            if entry and entry.kind == "f"
            else None
        )
    for directory in ctx.env.get("PATH", "/usr/local/bin:/usr/bin:/bin").split(":"):
        candidate = posixpath.join(directory or ".", name)
        entry = ctx.fs.stat(candidate)
        if entry is not None and entry.kind == "f" and entry.mode & 0o111:
            return candidate
    return None


def execute(argv: list[str], ctx: Context, in_shell: bool = True) -> Result:
    """Run one command: a builtin (inside a shell) or a program found in ``$PATH``.

    Raises:
        ExecutableNotFound: outside a shell, when the program does not exist.
    """
    name = argv[0]
    if in_shell and name in _BUILTINS:
        return _PROGRAMS[name](argv, ctx)
    path = lookup(name, ctx)
    if path is None:
        if not in_shell:
            raise ExecutableNotFound(name)
        return 127, b"", _not_found(name, ctx)
    program = _PROGRAMS.get(posixpath.basename(path)) or _PROGRAMS.get(posixpath.basename(name))
    if program is None:
        entry = ctx.fs.stat(path)
        if entry is not None and (entry.data or b"").startswith(b"#!"):
            return _sh([path, path, *argv[1:]], ctx)
        base = posixpath.basename(path)
        return 126, b"", f"{base}: this program cannot run in the course sandbox\n".encode()
    return program(argv, ctx)


def _not_found(name: str, ctx: Context) -> bytes:
    if ctx.shell == "bash":
        return f"bash: {name}: command not found\n".encode()
    if busybox(ctx):
        return f"{ctx.prefix}: {name}: not found\n".encode()
    return f"{ctx.prefix}: 1: {name}: not found\n".encode()


def _err(ctx: Context, prog: str, path: str, reason: str, gnu_form: str = "") -> bytes:
    if busybox(ctx) or not gnu_form:
        return f"{prog}: {path}: {reason}\n".encode()
    return f"{prog}: {gnu_form.format(path=path)}: {reason}\n".encode()


def _flags(argv: list[str]) -> tuple[set[str], list[str]]:
    flags: set[str] = set()
    args: list[str] = []
    for arg in argv[1:]:
        if arg.startswith("-") and len(arg) > 1 and not args and arg != "--":
            flags.update(arg[1:]) if not arg.startswith("--") else flags.add(arg)
        else:
            args.append(arg)
    return flags, args


# -- builtins -----------------------------------------------------------------------
def _echo(argv: list[str], ctx: Context) -> Result:
    args = argv[1:]
    newline = True
    while args and args[0] in ("-n", "-e", "-E", "-ne", "-en"):
        newline = newline and "n" not in args[0]
        args = args[1:]
    text = " ".join(args)
    return 0, (text + ("\n" if newline else "")).encode(), b""


def _printf(argv: list[str], ctx: Context) -> Result:
    if len(argv) < 2:
        return 2, b"", b"printf: usage: printf format [arguments]\n"
    fmt = argv[1].encode().decode("unicode_escape")
    args = argv[2:]
    count = max(1, fmt.count("%s") + fmt.count("%d")) if "%" in fmt else 1
    out = []
    while True:
        chunk, args = args[:count], args[count:]
        values = tuple(int(a) if i < len(chunk) and "%d" in fmt else a for i, a in enumerate(chunk))
        try:
            filled = fmt.replace("%d", "%s") % (
                values + ("",) * (fmt.count("%s") + fmt.count("%d") - len(values))
            )
        except (TypeError, ValueError):
            filled = fmt
        out.append(filled)
        if not args:
            break
    return 0, "".join(out).encode(), b""


def _pwd(argv: list[str], ctx: Context) -> Result:
    return 0, (ctx.cwd + "\n").encode(), b""


def _cd(argv: list[str], ctx: Context) -> Result:
    target = argv[1] if len(argv) > 1 else ctx.env.get("HOME", "/")
    entry = ctx.fs.stat(target, ctx.cwd)
    if entry is None or entry.kind != "d":
        reason = "No such file or directory" if entry is None else "Not a directory"
        if ctx.shell == "bash":
            return 1, b"", f"bash: cd: {target}: {reason}\n".encode()
        if busybox(ctx):
            return 2, b"", f"{ctx.prefix}: cd: can't cd to {target}: {reason}\n".encode()
        return 2, b"", f"{ctx.prefix}: 1: cd: can't cd to {target}\n".encode()
    ctx.cwd = ctx.fs.resolve(target, ctx.cwd)
    ctx.env["PWD"] = ctx.cwd
    return 0, b"", b""


def _export(argv: list[str], ctx: Context) -> Result:
    for arg in argv[1:]:
        name, eq, value = arg.partition("=")
        if eq:
            ctx.env[name] = value
    if len(argv) == 1:
        text = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in sorted(ctx.env.items()))
        return 0, text.encode(), b""
    return 0, b"", b""


def _unset(argv: list[str], ctx: Context) -> Result:
    for name in argv[1:]:
        ctx.env.pop(name, None)
    return 0, b"", b""


def _exit(argv: list[str], ctx: Context) -> Result:
    code = int(argv[1]) if len(argv) > 1 and argv[1].lstrip("-").isdigit() else ctx.last_status
    raise ExitShell(code & 0xFF)


def _loop_control(argv: list[str], ctx: Context) -> Result:
    raise LoopControl(argv[0])


def _true(argv: list[str], ctx: Context) -> Result:
    return 0, b"", b""


def _false(argv: list[str], ctx: Context) -> Result:
    return 1, b"", b""


def _test(argv: list[str], ctx: Context) -> Result:
    args = argv[1:-1] if argv[0] == "[" else argv[1:]
    negate = bool(args) and args[0] == "!"
    if negate:
        args = args[1:]
    ok = False
    if len(args) == 1:
        ok = args[0] != ""
    elif len(args) == 2:
        op, value = args
        entry = ctx.fs.stat(value, ctx.cwd)
        ok = {
            "-e": entry is not None,
            "-f": entry is not None and entry.kind == "f",
            "-d": entry is not None and entry.kind == "d",
            "-x": entry is not None and bool(entry.mode & 0o111),
            "-s": entry is not None and entry.size > 0,
            "-z": value == "",
            "-n": value != "",
        }.get(op, False)
    elif len(args) == 3:
        left, op, right = args
        numeric = {
            "-eq": int.__eq__,
            "-ne": int.__ne__,
            "-lt": int.__lt__,
            "-gt": int.__gt__,
            "-le": int.__le__,
            "-ge": int.__ge__,
        }
        if op in ("=", "=="):
            ok = left == right
        elif op == "!=":
            ok = left != right
        elif op in numeric:
            try:
                ok = numeric[op](int(left), int(right))
            except ValueError:
                return 2, b"", f"sh: {left}: bad number\n".encode()
    return (0 if ok != negate else 1), b"", b""


def _command(argv: list[str], ctx: Context) -> Result:
    if len(argv) > 2 and argv[1] == "-v":
        name = argv[2]
        if name in _BUILTINS:
            return 0, f"{name}\n".encode(), b""
        path = lookup(name, ctx)
        return (0, f"{path}\n".encode(), b"") if path else (1, b"", b"")
    return execute(argv[1:], ctx) if len(argv) > 1 else (0, b"", b"")


def _type(argv: list[str], ctx: Context) -> Result:
    out, status = [], 0
    for name in argv[1:]:
        if name in _BUILTINS:
            out.append(f"{name} is a shell builtin")
        elif path := lookup(name, ctx):
            out.append(f"{name} is {path}")
        else:
            out.append(f"{name}: not found")
            status = 1
    return status, "".join(line + "\n" for line in out).encode(), b""


def _sleep(argv: list[str], ctx: Context) -> Result:
    try:
        seconds = float(argv[1].rstrip("s")) if len(argv) > 1 else 0.0
    except ValueError:
        return 1, b"", f"sleep: invalid number '{argv[1]}'\n".encode()
    ctx.elapsed += seconds
    return 0, b"", b""


def _read(argv: list[str], ctx: Context) -> Result:
    line, _, rest = ctx.stdin.partition(b"\n")
    ctx.stdin = rest
    for name in argv[1:2]:
        ctx.env[name] = line.decode()
    return (0 if line or rest else 1), b"", b""


# -- shells ---------------------------------------------------------------------------
def _sh(argv: list[str], ctx: Context) -> Result:
    name = posixpath.basename(argv[0])
    sub = Context(
        fs=ctx.fs,
        env=dict(ctx.env),
        cwd=ctx.cwd,
        container=ctx.container,
        network=ctx.network,
        shell="bash" if name == "bash" else "sh",
        name=argv[0],
        stdin=ctx.stdin,
        elapsed=ctx.elapsed,
        events=None if ctx.in_script else ctx.events,
        horizon=ctx.horizon,
        steps=ctx.steps,
    )
    args = argv[1:]
    while args and args[0] in ("-e", "-x", "-l", "-i", "-eu", "-ex", "-eux"):
        args = args[1:]
    if args and args[0] == "-c":
        if len(args) < 2:
            return 2, b"", f"{sub.prefix}: -c: option requires an argument\n".encode()
        if len(args) > 2:  # sh -c SCRIPT NAME ARG...: $0 and the positional parameters
            sub.name, sub.params = args[2], args[3:]
        result = run(args[1], sub)
    elif args:
        try:
            script = ctx.fs.read(args[0], ctx.cwd).decode(errors="replace")
        except FsError as error:
            return (
                127 if busybox(ctx) else 2,
                b"",
                f"{sub.prefix}: {args[0]}: {error.reason}\n".encode(),
            )
        sub.name, sub.params = args[0], args[1:]
        result = run(script, sub)
    else:
        result = run(ctx.stdin.decode(errors="replace"), sub)
    ctx.elapsed = sub.elapsed
    ctx.steps = sub.steps
    return result


# -- files ----------------------------------------------------------------------------
def _ls(argv: list[str], ctx: Context) -> Result:
    flags, args = _flags(argv)
    paths = args or ["."]
    out, err = [], bytearray()
    status = 0
    show_all = "a" in flags or "A" in flags
    long = "l" in flags
    files, dirs = [], []
    for path in paths:
        entry = ctx.fs.stat(path, ctx.cwd)
        if entry is None:
            err += _err(ctx, "ls", path, "No such file or directory", "cannot access '{path}'")
            status = 1 if busybox(ctx) else 2
        elif entry.kind == "d" and "d" not in flags:
            dirs.append(path)
        else:
            files.append(path)
    if files:
        out.extend(_ls_lines(files, ctx, ctx.cwd, long, absolute=True))
    for i, path in enumerate(dirs):
        if len(paths) > 1:
            out.append(("\n" if files or i else "") + f"{path}:")
        names = ctx.fs.listdir(path, ctx.cwd)
        if show_all:
            names = ([".", ".."] if "a" in flags else []) + names
        else:
            names = [n for n in names if not n.startswith(".")]
        base = ctx.fs.resolve(path, ctx.cwd)
        if long:
            out.append(f"total {8 * len(names)}")
        out.extend(_ls_lines(names, ctx, base, long))
    return status, "".join(line + "\n" for line in out).encode(), bytes(err)


def _ls_lines(
    names: list[str], ctx: Context, base: str, long: bool, absolute: bool = False
) -> list[str]:
    if not long:
        return names
    rows = []
    for name in names:
        entry = ctx.fs.stat(name if absolute else posixpath.join(base, name), base)
        if entry is None:
            continue
        kind = {"d": "d", "l": "l"}.get(entry.kind, "-")
        perms = "".join(
            ch if entry.mode & (1 << (8 - i)) else "-" for i, ch in enumerate("rwxrwxrwx")
        )
        if entry.mode & 0o1000:
            perms = perms[:-1] + "t"
        size = entry.size
        stamp = datetime.fromtimestamp(entry.mtime or time.time(), UTC).strftime("%b %e %H:%M")
        links = 2 if entry.kind == "d" else 1
        rows.append((f"{kind}{perms}", str(links), "root", "root", str(size), stamp, name))
    widths = [max(len(r[i]) for r in rows) for i in range(5)] if rows else [0] * 5
    if busybox(ctx):
        return [f"{r[0]}{r[1]:>5} {r[2]:<8} {r[3]:<8} {r[4]:>9} {r[5]} {r[6]}" for r in rows]
    return [
        f"{r[0]} {r[1]:>{widths[1]}} {r[2]:<{widths[2]}} {r[3]:<{widths[3]}} {r[4]:>{widths[4]}} "
        f"{r[5]} {r[6]}"
        for r in rows
    ]


def _cat(argv: list[str], ctx: Context) -> Result:
    _, args = _flags(argv)
    if not args:
        return 0, ctx.stdin, b""
    out, err, status = bytearray(), bytearray(), 0
    for path in args:
        try:
            out += ctx.fs.read(path, ctx.cwd)
        except FsError as error:
            status = 1
            if busybox(ctx):
                err += f"cat: can't open '{path}': {error.reason}\n".encode()
            else:
                err += f"cat: {path}: {error.reason}\n".encode()
    return status, bytes(out), bytes(err)


def _mkdir(argv: list[str], ctx: Context) -> Result:
    flags, args = _flags(argv)
    err, status = bytearray(), 0
    if not args:
        return 1, b"", b"mkdir: missing operand\n"
    for path in args:
        try:
            ctx.fs.mkdir(path, parents="p" in flags, cwd=ctx.cwd)
        except FsError as error:
            status = 1
            if busybox(ctx):
                err += f"mkdir: can't create directory '{path}': {error.reason}\n".encode()
            else:
                err += f"mkdir: cannot create directory '{path}': {error.reason}\n".encode()
    return status, b"", bytes(err)


def _touch(argv: list[str], ctx: Context) -> Result:
    _, args = _flags(argv)
    err, status = bytearray(), 0
    for path in args:
        try:
            ctx.fs.touch(path, cwd=ctx.cwd)
        except FsError as error:
            status = 1
            err += _err(ctx, "touch", path, error.reason, "cannot touch '{path}'")
    return status, b"", bytes(err)


def _rm(argv: list[str], ctx: Context) -> Result:
    flags, args = _flags(argv)
    err, status = bytearray(), 0
    for path in args:
        try:
            ctx.fs.remove(path, recursive="r" in flags or "R" in flags, cwd=ctx.cwd)
        except FsError as error:
            if "f" in flags and error.reason == "No such file or directory":
                continue
            status = 1
            if busybox(ctx):
                reason = "is a directory" if error.reason == "Is a directory" else error.reason
                err += f"rm: can't remove '{path}': {reason}\n".encode()
            else:
                err += f"rm: cannot remove '{path}': {error.reason}\n".encode()
    return status, b"", bytes(err)


def _cp(argv: list[str], ctx: Context) -> Result:
    _, args = _flags(argv)
    if len(args) < 2:
        return 1, b"", b"cp: missing file operand\n"
    *sources, target = args
    err, status = bytearray(), 0
    for source in sources:
        try:
            data = ctx.fs.read(source, ctx.cwd)
            dest = target
            entry = ctx.fs.stat(target, ctx.cwd)
            if entry is not None and entry.kind == "d":
                dest = posixpath.join(target, posixpath.basename(source))
            ctx.fs.write(dest, data, cwd=ctx.cwd)
        except FsError as error:
            status = 1
            err += _err(ctx, "cp", source, error.reason, "cannot stat '{path}'")
    return status, b"", bytes(err)


def _mv(argv: list[str], ctx: Context) -> Result:
    status, out, err = _cp(argv, ctx)
    if status == 0:
        for source in _flags(argv)[1][:-1]:
            ctx.fs.remove(source, recursive=True, cwd=ctx.cwd)
    return status, out, err


def _head_tail(argv: list[str], ctx: Context) -> Result:
    count = 10
    args = []
    it = iter(argv[1:])
    for arg in it:
        if arg == "-n":
            count = int(next(it, "10"))
        elif arg.startswith("-n"):
            count = int(arg[2:])
        elif arg.startswith("-") and arg[1:].isdigit():
            count = int(arg[1:])
        elif arg == "-f":
            continue
        else:
            args.append(arg)
    try:
        data = ctx.fs.read(args[0], ctx.cwd) if args else ctx.stdin
    except FsError as error:
        return 1, b"", _err(ctx, argv[0], args[0], error.reason, "cannot open '{path}' for reading")
    lines = data.splitlines(keepends=True)
    picked = (
        lines[:count] if posixpath.basename(argv[0]) == "head" else lines[-count:] if count else []
    )
    return 0, b"".join(picked), b""


def _wc(argv: list[str], ctx: Context) -> Result:
    flags, args = _flags(argv)
    try:
        data = ctx.fs.read(args[0], ctx.cwd) if args else ctx.stdin
    except FsError as error:
        return 1, b"", _err(ctx, "wc", args[0], error.reason)
    counts = {"l": data.count(b"\n"), "w": len(data.split()), "c": len(data)}
    chosen = [counts[f] for f in "lwc" if f in flags] or list(counts.values())
    suffix = f" {args[0]}" if args else ""
    width = 1 if len(chosen) == 1 else 7
    return 0, (" ".join(f"{c:>{width}}" for c in chosen) + suffix + "\n").encode(), b""


def _grep(argv: list[str], ctx: Context) -> Result:
    import re

    flags, args = _flags(argv)
    if not args:
        return 2, b"", b"Usage: grep [OPTION]... PATTERNS [FILE]...\n"
    pattern, files = args[0], args[1:]
    regex = re.compile(pattern, re.IGNORECASE if "i" in flags else 0)
    sources = (
        [(f, ctx.fs.read(f, ctx.cwd)) for f in files if ctx.fs.exists(f, ctx.cwd)]
        if files
        else [("", ctx.stdin)]
    )
    missing = [f for f in files if not ctx.fs.exists(f, ctx.cwd)]
    errors = "".join(f"grep: {f}: No such file or directory\n" for f in missing).encode()
    out = []
    for name, data in sources:
        for line in data.decode(errors="replace").splitlines():
            if bool(regex.search(line)) != ("v" in flags):
                out.append(f"{name}:{line}" if len(files) > 1 else line)
    if "c" in flags:
        return (2 if missing else 0), f"{len(out)}\n".encode(), errors
    code = 2 if missing else (0 if out else 1)
    return code, "".join(line + "\n" for line in out).encode(), errors


# -- system information -------------------------------------------------------------------
def _hostname(argv: list[str], ctx: Context) -> Result:
    return 0, (ctx.container["Config"]["Hostname"] + "\n").encode(), b""


def _user(ctx: Context) -> tuple[str, int, int]:
    name = ctx.container["Config"].get("User") or "root"
    user = name.split(":")[0]
    if user.isdigit():
        uid = int(user)
        return ("root" if uid == 0 else user), uid, uid
    try:
        passwd = ctx.fs.read("/etc/passwd").decode()
    except FsError:
        passwd = ""
    for line in passwd.splitlines():
        fields = line.split(":")
        if fields[0] == user and len(fields) > 3:
            return user, int(fields[2]), int(fields[3])
    return user, 0, 0


def _whoami(argv: list[str], ctx: Context) -> Result:
    return 0, (_user(ctx)[0] + "\n").encode(), b""


def _id(argv: list[str], ctx: Context) -> Result:
    name, uid, gid = _user(ctx)
    group = "root" if gid == 0 else name
    extra = (
        ",1(bin),2(daemon),3(sys),4(adm),6(disk),10(wheel),11(floppy),20(dialout),26(tape),27(video)"
        if busybox(ctx) and uid == 0 and ctx.fs.exists("/etc/alpine-release")
        else ""
    )
    return 0, f"uid={uid}({name}) gid={gid}({group}) groups={gid}({group}){extra}\n".encode(), b""


def _env(argv: list[str], ctx: Context) -> Result:
    if len(argv) > 1:
        assigns = {}
        rest = argv[1:]
        while rest and "=" in rest[0]:
            key, _, value = rest.pop(0).partition("=")
            assigns[key] = value
        if rest:
            saved = dict(ctx.env)
            ctx.env.update(assigns)
            try:
                return execute(rest, ctx, in_shell=False)
            except Exception:  # noqa: BLE001 - report like env does
                return 127, b"", f"env: '{rest[0]}': No such file or directory\n".encode()
            finally:
                ctx.env.clear()
                ctx.env.update(saved)
        env = {**ctx.env, **assigns}
    else:
        env = ctx.env
    return 0, "".join(f"{k}={v}\n" for k, v in env.items()).encode(), b""


def _printenv(argv: list[str], ctx: Context) -> Result:
    """Every variable, or the values of those named (exit code 1 when one is not set)."""
    if len(argv) == 1:
        return 0, "".join(f"{k}={v}\n" for k, v in ctx.env.items()).encode(), b""
    found = [ctx.env[name] for name in argv[1:] if name in ctx.env]
    return (0 if len(found) == len(argv) - 1 else 1), "".join(v + "\n" for v in found).encode(), b""


def _date(argv: list[str], ctx: Context) -> Result:
    return 0, (datetime.now(UTC).strftime("%a %b %e %H:%M:%S UTC %Y") + "\n").encode(), b""


def _uname(argv: list[str], ctx: Context) -> Result:
    flags, _ = _flags(argv)
    host = ctx.container["Config"]["Hostname"]
    if "a" in flags:
        text = f"Linux {host} 6.8.0-60-generic #63-Ubuntu SMP PREEMPT_DYNAMIC x86_64 GNU/Linux"
        if busybox(ctx):
            text = f"Linux {host} 6.8.0-60-generic #63-Ubuntu SMP PREEMPT_DYNAMIC x86_64 Linux"
    elif "r" in flags:
        text = "6.8.0-60-generic"
    elif "m" in flags:
        text = "x86_64"
    else:
        text = "Linux"
    return 0, (text + "\n").encode(), b""


def _which(argv: list[str], ctx: Context) -> Result:
    out, status = [], 0
    for name in argv[1:]:
        path = lookup(name, ctx)
        if path:
            out.append(path)
        else:
            status = 1
    return status, "".join(p + "\n" for p in out).encode(), b""


def _ps(argv: list[str], ctx: Context) -> Result:
    from grader.engine.sandbox.processes import process_table

    rows = process_table(ctx.container, extra=shlex.join(argv))
    if busybox(ctx):
        lines = ["PID   USER     TIME  COMMAND"]
        lines += [f"{pid:>5} {user:<8} 0:00 {cmd}" for pid, user, cmd in rows]
    else:
        tty = "pts/0" if ctx.container["Config"].get("Tty") else "?"
        lines = ["    PID TTY          TIME CMD"]
        lines += [
            f"{pid:>7} {tty:<8} 00:00:00 {cmd.split()[0].rsplit('/', 1)[-1]}"
            for pid, _, cmd in rows
        ]
    return 0, "".join(line + "\n" for line in lines).encode(), b""


def _nginx(argv: list[str], ctx: Context) -> Result:
    version = next(
        (
            e.split("=", 1)[1]
            for e in ctx.container["Config"].get("Env") or []
            if e.startswith("NGINX_VERSION=")
        ),
        "1.27.5",
    )
    if "-v" in argv:
        return 0, b"", f"nginx version: nginx/{version}\n".encode()
    if "-V" in argv:
        return (
            0,
            b"",
            f"nginx version: nginx/{version}\nbuilt by gcc 12.2.0 (Debian 12.2.0-14)\n".encode(),
        )
    if "-t" in argv or "-T" in argv:
        return (
            0,
            b"",
            (
                b"nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n"
                b"nginx: configuration file /etc/nginx/nginx.conf test is successful\n"
            ),
        )
    if "-s" in argv:
        stamp = datetime.now(UTC).strftime("%Y/%m/%d %H:%M:%S")
        return 0, b"", f"{stamp} [notice] 40#40: signal process started\n".encode()
    stamp = datetime.now(UTC).strftime("%Y/%m/%d %H:%M:%S")
    return (
        1,
        b"",
        (
            f"{stamp} [emerg] 40#40: bind() to 0.0.0.0:80 failed (98: Address already in use)\n"
            f"nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)\n"
        ).encode(),
    )


def _http_get(
    url: str, method: str, ctx: Context, agent: str = "curl/7.88.1"
) -> tuple[int, bytes] | str:
    """(status, raw response) from the server that ``url`` names, or curl's error text.

    The host is resolved, and the request answered, by the container's network
    (:class:`~.reach.Network`).
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url if "://" in url else f"http://{url}")
    host, port = parts.hostname or "", parts.port or 80
    peer = ctx.network.lookup(host)
    if peer is None:
        return f"(6) Could not resolve host: {host}"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = f"{method} {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUser-Agent: {agent}\r\n\r\n"
    raw = ctx.network.fetch(peer, port, request.encode())
    if raw is None:
        return f"(7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"
    return int(raw.split(b" ", 2)[1]), raw


def _curl(argv: list[str], ctx: Context) -> Result:
    flags: set[str] = set()
    urls: list[str] = []
    output: str | None = None
    args = iter(argv[1:])
    for arg in args:
        if arg in ("-o", "--output"):
            output = next(args, None)
        elif arg.startswith("-") and not arg.startswith("--"):
            flags.update(arg[1:])
        elif arg.startswith("--"):
            flags.add(arg)
        else:
            urls.append(arg)
    if not urls:
        return 2, b"", b"curl: try 'curl --help' or 'curl --manual' for more information\n"
    result = _http_get(urls[0], "HEAD" if "I" in flags else "GET", ctx)
    if isinstance(result, str):
        return int(result[1:].split(")")[0]), b"", f"curl: {result}\n".encode()
    status, raw = result
    head, _, body = raw.partition(b"\r\n\r\n")
    if "f" in flags and status >= 400:
        return 22, b"", f"curl: (22) The requested URL returned error: {status}\n".encode()
    shown = head + b"\r\n\r\n" if "I" in flags else body
    if "i" in flags:
        shown = head + b"\r\n\r\n" + body
    if output:
        ctx.fs.write(output, shown, cwd=ctx.cwd)
        return 0, b"", b""
    return 0, shown, b""


_WGET_VALUES = frozenset("oPTUYe")
"""busybox wget's one-letter options that take a value (besides -O)."""


def _wget(argv: list[str], ctx: Context) -> Result:
    quiet, output, urls = False, None, []
    args = iter(argv[1:])
    for arg in args:
        if not arg.startswith("-") or arg == "-":
            urls.append(arg)
            continue
        cluster = arg[1:]
        for index, letter in enumerate(cluster):
            if letter == "q":
                quiet = True
            elif letter == "O":
                output = cluster[index + 1 :] or next(args, None)
                break
            elif letter in _WGET_VALUES:  # -T 5, -U agent ...: a value the simulation ignores
                if not cluster[index + 1 :]:
                    next(args, None)
                break
    if not urls:
        return 1, b"", b"BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n"
    result = _http_get(urls[0], "GET", ctx, agent="Wget")
    netloc = urls[0].split("://")[-1].split("/")[0]
    host, _, port = netloc.partition(":")
    peer = ctx.network.lookup(host)
    if peer is None:
        return 1, b"", f"wget: bad address '{host}'\n".encode()
    address = f"{peer.address}:{port or 80}"
    note = b"" if quiet else f"Connecting to {netloc} ({address})\n".encode()
    if isinstance(result, str):
        refused = f"wget: can't connect to remote host ({peer.address}): Connection refused\n"
        return 1, b"", note + refused.encode()
    status, raw = result
    body = raw.partition(b"\r\n\r\n")[2]
    if status >= 400:
        reason = raw.split(b"\r\n", 1)[0].split(b" ", 1)[1].decode()
        return 1, b"", note + f"wget: server returned error: HTTP/1.1 {reason}\n".encode()
    if output == "-":
        shown = b"writing to stdout\n" + _progress("-", len(body)) + b"written to stdout\n"
        return 0, body, note + (b"" if quiet else shown)
    name = output or posixpath.basename(urls[0].split("://")[-1].partition("/")[2]) or "index.html"
    ctx.fs.write(name, body, cwd=ctx.cwd)
    shown = (
        f"saving to '{name}'\n".encode()
        + _progress(posixpath.basename(name), len(body))
        + f"'{name}' saved\n".encode()
    )
    return 0, b"", note + (b"" if quiet else shown)


def _progress(name: str, size: int) -> bytes:
    """The finished progress bar of busybox's wget (stderr not a terminal)."""
    amount = str(size) if size < 100000 else f"{size // 1024}k"
    return f"{name:<20.20}{100:4d}% |{'*' * 32}| {amount:>5}  0:00:00 ETA\n".encode()


def _ping(argv: list[str], ctx: Context) -> Result:
    """Busybox ping: replies from a container the name reaches (4 then a stop without -c)."""
    from grader.engine.sandbox.shell import BudgetExceeded

    count, hosts = 0, []
    args = iter(argv[1:])
    for arg in args:
        if arg == "-c":
            value = next(args, "")
            if not value.isdigit():
                return 1, b"", f"ping: invalid number '{value}'\n".encode()
            count = int(value)
        elif arg.startswith("-c") and arg[2:].isdigit():
            count = int(arg[2:])
        elif not arg.startswith("-"):
            hosts.append(arg)
    if not hosts:
        return 1, b"", b"BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n"
    host = hosts[0]
    peer = ctx.network.lookup(host)
    if peer is None:
        return 1, b"", f"ping: bad address '{host}'\n".encode()
    answered = peer.container is not None
    lines = [f"PING {host} ({peer.address}): 56 data bytes\n"]
    if not count:  # pings until stopped: one reply a second, as far as the simulation looks
        ahead = ctx.horizon - ctx.elapsed
        replies = 4 if ahead == float("inf") else max(0, min(int(ahead), 21600))
        if ctx.events is not None:
            ctx.events.append((ctx.elapsed, 1, lines[0].encode()))
            for n in range(replies if answered else 0):
                ctx.events.append((ctx.elapsed + n + 1, 1, _reply(peer.address, n).encode()))
        ctx.elapsed += replies
        raise BudgetExceeded(host)
    times = [_round_trip(n) for n in range(count)]
    if answered:
        lines += [_reply(peer.address, n) for n in range(count)]
    ctx.elapsed += len(times)
    received = count if answered else 0
    lines += [
        f"\n--- {host} ping statistics ---\n",
        f"{count} packets transmitted, {received} packets received, "
        f"{100 - 100 * received // count}% packet loss\n",
    ]
    if answered:
        low, high = min(times), max(times)
        lines.append(f"round-trip min/avg/max = {low:.3f}/{sum(times) / count:.3f}/{high:.3f} ms\n")
    return (0 if answered else 1), "".join(lines).encode(), b""


def _round_trip(n: int) -> float:
    """Milliseconds the n-th echo takes on a bridge (a small, varying number)."""
    return 0.061 + 0.013 * (n % 5)


def _reply(address: str, n: int) -> str:
    return f"64 bytes from {address}: seq={n} ttl=64 time={_round_trip(n):.3f} ms\n"


def _nslookup(argv: list[str], ctx: Context) -> Result:
    """Busybox nslookup: what the container's name server answers (A, then AAAA).

    A server that answers for the name's zone itself (a cluster's DNS for its Services)
    names the record it found; another one's answers are "Non-authoritative".
    """
    names = [arg for arg in argv[1:] if not arg.startswith("-")]
    if not names:
        return 1, b"", b"BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n"
    host, server = names[0], ctx.network.resolver()
    head = f"Server:\t\t{server}\nAddress:\t{server}:53\n\n"
    peer = ctx.network.lookup(host)
    if peer is None or peer.address == host:
        missing = f"** server can't find {host}: NXDOMAIN\n\n"
        return 1, (head + missing * 2).encode(), b""
    record = f"Name:\t{peer.name or host}\nAddress: {peer.address}\n\n"
    if peer.authoritative:
        return 0, (head + record).encode(), b""
    answer = "Non-authoritative answer:\n" + record
    return 0, (head + answer + "Non-authoritative answer:\n\n").encode(), b""


def _version_tool(
    version_env: str, default: str, prefix: str = ""
) -> Callable[[list[str], Context], Result]:
    def program(argv: list[str], ctx: Context) -> Result:
        version = next(
            (
                e.split("=", 1)[1]
                for e in ctx.container["Config"].get("Env") or []
                if e.startswith(version_env + "=")
            ),
            default,
        )
        if len(argv) > 1 and argv[1] in ("-v", "--version", "-V"):
            return 0, f"{prefix}{version}\n".encode(), b""
        if not ctx.stdin and not (len(argv) > 1 and argv[1] in INLINE_CODE):
            return 0, b"", b""  # no script and nothing on stdin: the interpreter just ends
        name = posixpath.basename(argv[0])
        return 1, b"", f"{name}: running programs is not available in the course sandbox\n".encode()

    return program


_PROGRAMS: dict[str, Callable[[list[str], Context], Result]] = {
    "echo": _echo,
    "printf": _printf,
    "pwd": _pwd,
    "cd": _cd,
    "export": _export,
    "unset": _unset,
    "exit": _exit,
    "break": _loop_control,
    "continue": _loop_control,
    "true": _true,
    "false": _false,
    "test": _test,
    "[": _test,
    ":": _true,
    "command": _command,
    "type": _type,
    "sleep": _sleep,
    "read": _read,
    "sh": _sh,
    "bash": _sh,
    "ash": _sh,
    "dash": _sh,
    "ls": _ls,
    "cat": _cat,
    "mkdir": _mkdir,
    "touch": _touch,
    "rm": _rm,
    "cp": _cp,
    "mv": _mv,
    "head": _head_tail,
    "tail": _head_tail,
    "wc": _wc,
    "grep": _grep,
    "hostname": _hostname,
    "whoami": _whoami,
    "id": _id,
    "env": _env,
    "printenv": _printenv,
    "date": _date,
    "uname": _uname,
    "which": _which,
    "ps": _ps,
    "nginx": _nginx,
    "curl": _curl,
    "wget": _wget,
    "ping": _ping,
    "nslookup": _nslookup,
    "node": _version_tool("NODE_VERSION", "20.19.2", "v"),
    "npm": packages.npm,
    "apt-get": packages.apt_get,
    "apt": packages.apt_get,
    "apk": packages.apk,
    "python3": _version_tool("PYTHON_VERSION", "3.12.11", "Python "),
    "python": _version_tool("PYTHON_VERSION", "3.12.11", "Python "),
}
