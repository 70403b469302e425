"""What a sandbox container's main process does when it starts and stops.

No real process runs: starting a container decides, from its command, what Docker would
show. nginx writes its real start-up lines and keeps running (and serves HTTP when a port
is published); ``hello-world`` prints its message and exits 0; ``sleep 30`` runs for 30
seconds; a shell without ``-it`` exits at once, with ``-it`` it waits for input; short
commands (``echo hi``, ``ls /``, ``sh -c 'exit 3'``) run through the sandbox shell and
exit with their output and code.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from datetime import UTC, datetime

from grader.engine.sandbox import catalogue, coreutils
from grader.engine.sandbox.fs import ContainerFS, FsError
from grader.engine.sandbox.processes import is_nginx
from grader.engine.sandbox.reach import Network
from grader.engine.sandbox.shell import BudgetExceeded, Context, run_argv

FOREVER = None
HORIZON = 6 * 3600.0
"""Virtual seconds of a looping main process the simulation writes ahead (its later log
lines appear as their time comes)."""

STDOUT, STDERR = 1, 2


@dataclass
class Outcome:
    """The result of starting a main process."""

    lines: list[tuple[float, int, bytes]] = field(default_factory=list)
    """(seconds after start, stream, line with its newline)."""
    exit_code: int | None = None
    """The exit code, or None while it keeps running."""
    runtime: float | None = 0.0
    """Seconds until it exits by itself (None: never)."""
    error: str = ""
    """A runtime error that stops the start (Docker's "OCI runtime create failed ...")."""
    serves: str = ""
    """"nginx" when the process answers HTTP on its container port 80."""


def main_argv(container: dict) -> list[str]:
    """Path and Args as Docker stores them."""
    return [container["Path"], *container["Args"]]


DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def context(
    container: dict, fs: ContainerFS, network: Network, extra_env: list[str] | None = None
) -> Context:
    """A shell context for the container's main process or an exec.

    ``network`` is what its network programs (curl, wget, ping, nslookup) reach.

    The environment is built as dockerd does: PATH, HOSTNAME (and TERM with a TTY), then
    the container's Env and the exec's own variables (replacing or appending), then HOME
    from the user's passwd entry when nobody set it.
    """
    env = {"PATH": DEFAULT_PATH, "HOSTNAME": container["Config"]["Hostname"]}
    if container["Config"].get("Tty"):
        env["TERM"] = "xterm"
    for item in [*(container["Config"].get("Env") or []), *(extra_env or [])]:
        key, _, value = item.partition("=")
        env[key] = value
    env.setdefault("HOME", _home(container, fs))
    cwd = container["Config"].get("WorkingDir") or "/"
    return Context(fs=fs, env=env, cwd=cwd, shell="sh", container=container, network=network)


def _home(container: dict, fs: ContainerFS) -> str:
    user = (container["Config"].get("User") or "root").split(":")[0]
    try:
        passwd = fs.read("/etc/passwd").decode(errors="replace")
    except FsError:
        return "/"
    for line in passwd.splitlines():
        fields = line.split(":")
        if len(fields) > 5 and user in (fields[0], fields[2]):
            return fields[5]
    return "/"


def not_found_error(name: str) -> str:
    """Docker 28's error when the main program does not exist in the image."""
    if "/" in name:
        detail = f'exec: "{name}": stat {name}: no such file or directory'
    else:
        detail = f'exec: "{name}": executable file not found in $PATH'
    return (
        "failed to create task for container: failed to create shim task: OCI runtime create "
        "failed: runc create failed: unable to start container process: error during container "
        f"init: {detail}: unknown"
    )


def start(container: dict, fs: ContainerFS, network: Network, starts: int) -> Outcome:
    """Run the main process's start.

    Args:
        container: The container document.
        fs: Its filesystem.
        network: What its network programs reach.
        starts: How many times it started before (nginx words its second start differently).
    """
    argv = main_argv(container)
    ctx = context(container, fs, network)
    if coreutils.lookup(argv[0], ctx) is None:
        return Outcome(exit_code=127, error=not_found_error(argv[0]))
    if is_nginx(argv) and _nginx_g_unterminated(argv):
        lines = _nginx_start(container, fs, starts)
        entrypoint = [line for line in lines if argv[0] == NGINX_ENTRYPOINT and line[1] == STDOUT]
        # as dockerd 20.10's nginx prints it (recorded): the error log, on stderr
        emerg = (
            f'{_stamp()} [emerg] 1#1: unexpected end of parameter, expecting ";" in command line\n'
        )
        return _finished([*entrypoint, (0.0, STDERR, emerg.encode())], 1)
    if is_nginx(argv):
        return Outcome(
            lines=_nginx_start(container, fs, starts),
            exit_code=FOREVER,
            runtime=FOREVER,
            serves="nginx",
        )
    name = posixpath.basename(argv[0])
    if argv[0] == NGINX_ENTRYPOINT:
        missing = _nginx_entrypoint_refuses(argv[1:], ctx)
        if missing is not None:
            return _finished([(0.0, STDERR, missing)], 127)
        argv = argv[1:] or argv
        name = posixpath.basename(argv[0])
    if name == "docker-entrypoint.sh":
        rest = argv[1:]
        if not rest or rest[0].startswith("-") or coreutils.lookup(rest[0], ctx) is None:
            argv = ["node", *rest]
        else:
            argv = rest
        name = posixpath.basename(argv[0])
    interactive = bool(container["Config"].get("OpenStdin"))
    if name == "hello":
        return _finished(
            [(0.0, STDOUT, line) for line in _lines(catalogue.text("hello").encode())], 0
        )
    if (
        name in coreutils.SHELLS
        and len(argv) == 1
        or name in ("node", "python3", "python")
        and len(argv) == 1
    ):
        return Outcome(exit_code=FOREVER, runtime=FOREVER) if interactive else _finished([], 0)
    if name == "sleep" and len(argv) > 1 and argv[1] == "infinity":
        return Outcome(exit_code=FOREVER, runtime=FOREVER)
    one_shot = len(argv) > 1 and argv[1] in coreutils.INLINE_CODE | {"-v", "--version", "-V"}
    servers = ("node", "npm", "python3", "python", "yarn")
    if name == "tail" and "-f" in argv or name in servers and not one_shot:
        return Outcome(exit_code=FOREVER, runtime=FOREVER)
    ctx.events = []
    ctx.horizon = HORIZON
    try:
        status, out, err = run_argv(argv, ctx)
    except BudgetExceeded:
        lines = [(at, stream, line) for at, stream, data in ctx.events for line in _lines(data)]
        return Outcome(lines=lines, exit_code=FOREVER, runtime=FOREVER)
    events = ctx.events or [(ctx.elapsed, STDOUT, out), (ctx.elapsed, STDERR, err)]
    lines = [(at, stream, line) for at, stream, data in events for line in _lines(data)]
    outcome = _finished(lines, status)
    outcome.runtime = ctx.elapsed
    return outcome


def _nginx_g_unterminated(argv: list[str]) -> bool:
    """Whether nginx's ``-g`` directives lack their final ``;`` (``-g "daemon off"``)."""
    for index, word in enumerate(argv[:-1]):
        if word == "-g":
            return not argv[index + 1].rstrip().endswith(";")
    return False


NGINX_ENTRYPOINT = "/docker-entrypoint.sh"
"""The nginx images' entrypoint; its last line (47 in nginx 1.27) is ``exec "$@"``."""

NGINX_EXEC_LINE = 47


def _nginx_entrypoint_refuses(args: list[str], ctx: Context) -> bytes | None:
    """What nginx's entrypoint prints when ``exec "$@"`` finds no such program, else None.

    ``docker run nginx -d --name web`` passes ``-d --name web`` to the entrypoint (options
    after the image are the container's command): the script execs ``-d``, and the shell
    says so (dash in Debian images, busybox ash in Alpine ones); the container exits 127.
    """
    if not args or coreutils.lookup(args[0], ctx) is not None:
        return None
    if coreutils.busybox(ctx):
        return f"{NGINX_ENTRYPOINT}: exec: line {NGINX_EXEC_LINE}: {args[0]}: not found\n".encode()
    return f"{NGINX_ENTRYPOINT}: {NGINX_EXEC_LINE}: exec: {args[0]}: not found\n".encode()


def _finished(lines: list[tuple[float, int, bytes]], code: int) -> Outcome:
    return Outcome(lines=lines, exit_code=code, runtime=0.0)


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) if data else []


def stop_lines(container: dict, signal: str) -> list[tuple[float, int, bytes]]:
    """What the main process logs when it gets ``signal`` ("SIGQUIT" for nginx's stop)."""
    if not is_nginx(main_argv(container)) or signal not in ("SIGQUIT", "SIGTERM", "SIGINT"):
        return []
    number = {"SIGQUIT": 3, "SIGTERM": 15, "SIGINT": 2}[signal]
    stamp = _stamp()
    workers = [29 + i for i in range(container.get("_workers", 2))]
    text = [
        f"{stamp} [notice] 1#1: signal {number} ({signal}) received, "
        + ("shutting down" if signal == "SIGQUIT" else "exiting")
    ]
    for pid in workers:
        text += [
            f"{stamp} [notice] {pid}#{pid}: "
            + ("gracefully shutting down" if signal == "SIGQUIT" else "exiting"),
            f"{stamp} [notice] {pid}#{pid}: exiting",
            f"{stamp} [notice] {pid}#{pid}: exit",
        ]
    for pid in workers:
        text += [
            f"{stamp} [notice] 1#1: signal 17 (SIGCHLD) received from {pid}",
            f"{stamp} [notice] 1#1: worker process {pid} exited with code 0",
        ]
    text.append(f"{stamp} [notice] 1#1: exit")
    return [(0.0, STDERR, (line + "\n").encode()) for line in text]


def stop_exit_code(container: dict, signal: str) -> int | None:
    """Exit code after ``signal``, or None when the process ignores it (PID 1 rules)."""
    if signal in ("SIGKILL", "9", "KILL"):
        return 137
    if is_nginx(main_argv(container)):
        return 0 if signal in ("SIGQUIT", "SIGTERM", "SIGINT", "QUIT", "TERM", "INT") else None
    return None


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y/%m/%d %H:%M:%S")


def _nginx_start(container: dict, fs: ContainerFS, starts: int) -> list[tuple[float, int, bytes]]:
    entry = "/docker-entrypoint.sh"
    ipv6 = "10-listen-on-ipv6-by-default.sh"
    alpine = fs.exists("/etc/alpine-release")
    out = [
        f"{entry}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        f"{entry}: Looking for shell scripts in /docker-entrypoint.d/",
        f"{entry}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
    ]
    if starts == 0:
        out += [
            f"{ipv6}: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
            f"{ipv6}: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
        ]
    else:
        out.append(f"{ipv6}: info: IPv6 listen already enabled")
    out += [
        f"{entry}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
        f"{entry}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
        f"{entry}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
        f"{entry}: Configuration complete; ready for start up",
    ]
    version = next(
        (
            e.split("=", 1)[1]
            for e in container["Config"].get("Env") or []
            if e.startswith("NGINX_VERSION=")
        ),
        "1.27.5",
    )
    gcc = (
        "built by gcc 14.2.0 (Alpine 14.2.0) "
        if alpine
        else "built by gcc 12.2.0 (Debian 12.2.0-14) "
    )
    stamp = _stamp()
    err = [
        f'{stamp} [notice] 1#1: using the "epoll" event method',
        f"{stamp} [notice] 1#1: nginx/{version}",
        f"{stamp} [notice] 1#1: {gcc}",
        f"{stamp} [notice] 1#1: OS: Linux {os.uname().release}",
        f"{stamp} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576",
        f"{stamp} [notice] 1#1: start worker processes",
    ]
    err += [
        f"{stamp} [notice] 1#1: start worker process {29 + i}"
        for i in range(container.get("_workers", 2))
    ]
    return [(0.0, STDOUT, (line + "\n").encode()) for line in out] + [
        (0.0, STDERR, (line + "\n").encode()) for line in err
    ]
