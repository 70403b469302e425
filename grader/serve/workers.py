"""The course's own ``docker`` commands, run by the daemon on the terminal that typed them.

Beside ``docker.sock`` the daemon has ``course.sock``, the course-private datagram socket
of the thin client (:mod:`grader.serve.client`). A client sends one datagram: the
command's argv, working folder and environment, with four file descriptors attached
(``SCM_RIGHTS``): its standard input, output and error, and one end of a socket pair that
carries the answer. One system call delivers the whole command, so the worker wakes once,
with everything it needs. A *worker* process runs
``grader.dockercli.main.main(argv)`` with exactly those descriptors, that environment and
that folder, so output, prompts, ``run -it`` and ``exec -it`` go straight to the
student's terminal as when the shim ran the course itself. The worker answers ``R`` (the
command was taken) and a line with the exit code; each byte the client sends meanwhile is
a signal number (Ctrl-C) for the worker's process group (see :class:`_Answer`).

Workers are forked from a *zygote*: a single-threaded process forked when the daemon starts,
before any thread or database connection exists (forking the threaded daemon could copy a
lock another thread holds), with the course's modules imported and warmed up on a
throw-away sandbox. It keeps SPARES workers forked in advance, each blocked reading
``course.sock`` with the database already open, and forks a new one whenever one takes
a command: a command starts without a fork, an import or a round trip through the daemon.
While a worker runs a command it holds a shared lock on ``course.busy`` and it touches that
file, which is how the daemon tells it is in use (see :func:`busy`, :func:`last_used`).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import importlib
import io
import os
import shutil
import signal
import socket
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

from grader.engine.api import EngineAPI
from grader.serve.client import COURSE_SOCKET, decode_request

PRELOAD = (
    "grader.dockercli.main",
    "grader.dockercli.executor",
    "grader.engine.sandbox",
    "grader.engine.sandbox.coreutils",
    "grader.engine.sandbox.programs",
    "grader.engine.sandbox.shell",
    "grader.history",
)
"""Modules every worker would import: imported once, in the zygote."""
WARM_UP = (
    ["run", "-d", "--name", "warm", "nginx"],
    ["ps"],
    ["ps", "-a", "--format", "{{.Names}} {{.Status}}"],
    ["images"],
    ["logs", "warm"],
    ["exec", "warm", "ls", "/"],
    ["inspect", "warm"],
    ["run", "--rm", "busybox", "echo", "warm"],
    ["volume", "ls"],
    ["network", "ls"],
    ["rm", "-f", "warm"],
)
"""Commands the zygote runs once on a throw-away sandbox, so their first use in a worker
finds every lazy import done and every cache (regular expressions, templates) filled."""
MAX_REQUEST = 1 << 18
"""The largest command (argv + environment) a worker reads, in bytes (a datagram is also
bounded by the client's socket send buffer, about 200 kB by default)."""
SPARES = 2
"""Workers kept forked and waiting, so no command waits for a fork."""
BUSY_NAME = "course.busy"
TAKEN_AFTER = 0.05
"""Seconds after which a running command tells its client it was taken."""


class Zygote:
    """The forking process, from the daemon's side."""

    def __init__(self, folder: Path, private: tuple[int, ...] = ()) -> None:
        """Bind ``course.sock`` in ``folder`` (the current folder) and fork the zygote.

        Args:
            folder: the sandbox folder.
            private: the daemon's descriptors the zygote closes (its lock on the folder).
        """
        for name in PRELOAD:
            importlib.import_module(name)
        for target in _handler_modules():
            importlib.import_module(target)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(COURSE_SOCKET)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        listener.bind(COURSE_SOCKET.decode())
        os.chmod(COURSE_SOCKET, 0o600)
        self.inode = os.stat(COURSE_SOCKET).st_ino
        (folder / BUSY_NAME).touch()
        life_read, life_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            for fd in (life_write, *private):
                os.close(fd)
            _zygote_loop(listener, life_read, folder)
        listener.close()
        os.close(life_read)
        self.pid = pid
        self._life = life_write

    def close(self) -> None:
        """Let the zygote go; it ends its waiting workers."""
        os.close(self._life)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        with contextlib.suppress(FileNotFoundError):
            if os.stat(COURSE_SOCKET).st_ino == self.inode:
                os.unlink(COURSE_SOCKET)


def busy(folder: Path) -> bool:
    """Whether a worker is running a command for ``folder``."""
    fd = os.open(folder / BUSY_NAME, os.O_RDONLY | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def last_used(folder: Path) -> float:
    """When a worker last started or ended a command (Unix time; 0 when never)."""
    try:
        return (folder / BUSY_NAME).stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _handler_modules() -> list[str]:
    from grader.dockercli.executor import HANDLERS

    return sorted({f"grader.dockercli.{target.partition('.')[0]}" for target in HANDLERS.values()})


def _warm_up() -> None:
    """Run WARM_UP on a throw-away sandbox and close every connection it opened."""
    from grader.dockercli.executor import execute
    from grader.engine.sandbox import SandboxEngine

    folder = tempfile.mkdtemp(prefix="course-warm-up-")
    try:
        engine = SandboxEngine(folder)
        for argv in WARM_UP:
            execute(list(argv), engine, stdout=io.StringIO(), stderr=io.StringIO())
        engine.store.close()
    finally:
        SandboxEngine.shutdown_all(Path(folder))
        shutil.rmtree(folder, ignore_errors=True)


def _reap() -> set[int]:
    """Collect the children that have exited; return their pids."""
    ended = set()
    with contextlib.suppress(ChildProcessError):
        while True:
            pid, _ = os.waitpid(-1, os.WNOHANG)
            if not pid:
                break
            ended.add(pid)
    return ended


def _zygote_loop(listener: socket.socket, life: int, folder: Path) -> NoReturn:
    """Keep SPARES workers waiting for commands.

    A worker that takes a command is replaced once its command has ended, off the
    command's critical path (a fork and a database opening compete for the CPU with the
    command itself); at once only when no worker is left waiting. Leaves when the daemon
    does (``life`` reaches end of file), ending the waiting ones.
    """
    import select

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):
        _warm_up()
    gc.freeze()  # the preloaded objects stay out of the workers' collections (fewer copies)
    taken_read, taken_write = os.pipe()
    ended_read, ended_write = os.pipe()
    os.set_blocking(ended_write, False)
    signal.set_wakeup_fd(ended_write)  # a child's exit (SIGCHLD) wakes the select below
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    waiting = {_fork_spare(listener, taken_write, folder) for _ in range(SPARES)}
    busy: set[int] = set()
    gone: set[int] = set()  # reaped before their "taken" message was read
    while True:
        ready, _, _ = select.select([taken_read, ended_read, life], [], [])
        if ended_read in ready:
            os.read(ended_read, 512)
        if life in ready:
            for pid in waiting:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            os._exit(0)
        if taken_read in ready:
            pid = int.from_bytes(os.read(taken_read, 4), sys.byteorder)
            waiting.discard(pid)
            if pid in gone:
                gone.discard(pid)
            else:
                busy.add(pid)
        for pid in _reap():
            if pid in busy:
                busy.discard(pid)
            else:
                waiting.discard(pid)
                gone.add(pid)
        while len(waiting) < SPARES and (not waiting or len(waiting) + len(busy) < SPARES):
            waiting.add(_fork_spare(listener, taken_write, folder))


def _fork_spare(listener: socket.socket, taken: int, folder: Path) -> int:
    """Fork a worker that opens the database, takes one command, and runs it."""
    pid = os.fork()
    if pid != 0:
        return pid
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from grader.engine.sandbox import SandboxEngine

    engine = SandboxEngine(folder)  # opened while waiting: the command finds it ready
    with contextlib.suppress(Exception):  # and touched: the pages a command needs are copied
        from grader.dockercli.executor import execute

        execute(["ps"], engine, stdout=io.StringIO(), stderr=io.StringIO())
    body, fds, _, _ = socket.recv_fds(listener, MAX_REQUEST, 4)
    os.write(taken, os.getpid().to_bytes(4, sys.byteorder))
    listener.close()
    os.close(taken)
    if len(fds) != 4:
        os._exit(1)
    _worker(body, fds[:3], socket.socket(fileno=fds[3]), folder, engine)


def _worker(
    body: bytes, fds: list[int], connection: socket.socket, folder: Path, engine: EngineAPI
) -> NoReturn:
    """Run one command with the client's descriptors, environment and folder."""
    lock = os.open(folder / BUSY_NAME, os.O_RDONLY | os.O_CREAT, 0o644)
    fcntl.flock(lock, fcntl.LOCK_SH)
    os.utime(lock)
    os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for fd, target in zip(fds, (0, 1, 2), strict=True):
        os.dup2(fd, target)
    for fd in set(fds) - {0, 1, 2}:
        os.close(fd)
    connection.set_inheritable(False)
    argv, cwd, env = decode_request(body)
    _take_environment(env)
    with contextlib.suppress(OSError):
        os.chdir(cwd)
    _offer(engine, folder)
    sys.stdin = open(0, encoding="utf-8", errors="surrogateescape", closefd=False)  # noqa: SIM115
    sys.stdout = open(  # noqa: SIM115
        1, "w", 1 if os.isatty(1) else -1, "utf-8", "surrogateescape", closefd=False
    )
    sys.stderr = open(2, "w", 1, "utf-8", "backslashreplace", closefd=False)  # noqa: SIM115
    answer = _Answer(connection)
    answer.listen()
    code = 1
    try:
        from grader.dockercli.main import main

        code = main(argv)
    except SystemExit as leaving:
        code = leaving.code if isinstance(leaving.code, int) else 1
    except BaseException as error:  # a fault of the course's own code: one line
        sys.stderr.write(f"docker: unexpected error: {type(error).__name__}: {error}\n")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the client's leaving is no Ctrl-C now
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        answer.exit(code)
        with contextlib.suppress(OSError):
            os.utime(lock)
        os._exit(code & 0xFF)


def _take_environment(env: dict[str, str]) -> None:
    """Make ``os.environ`` the command's environment, changing only what differs.

    Usually little does (the daemon was started from such a terminal); clearing and
    refilling ``os.environ`` cost a command about half a millisecond.
    """
    for key in [key for key in os.environ if key not in env]:
        del os.environ[key]
    for key, value in env.items():
        if os.environ.get(key) != value:
            os.environ[key] = value


def _offer(engine: EngineAPI, folder: Path) -> None:
    """Make ``grader.engine.get_engine`` give the command this worker's open engine.

    Only for this folder's sandbox (the command's environment may select another engine
    or folder). The worker runs one command and exits, so the substitution ends with it.
    """
    import grader.engine as engines

    chosen = engines.get_engine

    def get_engine(kind: str | None = None) -> EngineAPI:
        kind = kind or engines.selected_kind()
        if kind == "sandbox" and (
            os.environ.get("COURSE_SANDBOX_DIR") == str(folder)  # as the client sends it
            or engines.sandbox_dir().resolve() == folder
        ):
            return engine
        return chosen(kind)

    engines.get_engine = get_engine


class _Answer:
    r"""The worker's side of the client's connection.

    The client learns that a worker took its command (``R``) and the exit code. A command
    that ends within TAKEN_AFTER seconds sends both at once (``R0\\n``): the client then
    wakes once, not twice. Each byte the client sends is a signal number for the worker's
    process group; the client going away interrupts the command, as Ctrl-C would.

    No thread does this (starting one cost a command up to milliseconds): the kernel
    signals the worker when the client writes or leaves (``SIGIO``, the connection being
    ``O_ASYNC`` and owned by the worker) and when TAKEN_AFTER has passed (``SIGALRM``).
    The handlers run in the command's thread between two steps, as the relayed
    ``SIGINT`` does.
    """

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self._taken = False
        self._listening = False

    def listen(self) -> None:
        """Relay the client's signals from now on; say ``R`` after TAKEN_AFTER seconds."""
        fd = self.connection.fileno()
        self.connection.setblocking(False)
        signal.signal(signal.SIGIO, self._client_wrote)
        signal.signal(signal.SIGALRM, self._say_taken)
        fcntl.fcntl(fd, fcntl.F_SETOWN, os.getpid())
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_ASYNC)
        self._listening = True
        signal.setitimer(signal.ITIMER_REAL, TAKEN_AFTER)
        self._client_wrote()  # what came before the connection was ours raised no SIGIO

    def _say_taken(self, *_: object) -> None:
        if not self._taken:
            self._taken = True
            with contextlib.suppress(OSError):
                self.connection.sendall(b"R")

    def _client_wrote(self, *_: object) -> None:
        """Relay each byte the client sent as a signal; its leaving as ``SIGINT``."""
        while self._listening:
            try:
                data = self.connection.recv(16)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._listening = False
                signal.signal(signal.SIGIO, signal.SIG_IGN)
                os.killpg(0, signal.SIGINT)
                return
            for number in data:
                os.killpg(0, number)

    def exit(self, code: int) -> None:
        """Stop listening and send the exit code (after ``R`` when it was not sent yet)."""
        signal.setitimer(signal.ITIMER_REAL, 0)
        self._listening = False
        signal.signal(signal.SIGIO, signal.SIG_IGN)
        prefix, self._taken = (b"" if self._taken else b"R"), True
        with contextlib.suppress(OSError):
            self.connection.sendall(prefix + b"%d\n" % code)
