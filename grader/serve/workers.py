"""The course's own ``docker`` commands, run by the daemon on the terminal that typed them.

``POST /course/cli`` (course-private, see :mod:`grader.serve.client`) carries a command's
argv, environment and working folder; after the daemon's ``101`` the client passes its
standard input, output and error file descriptors over the socket (``SCM_RIGHTS``). A
*worker* process then runs ``grader.dockercli.main.main(argv)`` with exactly those
descriptors, that environment and that folder: output, prompts, ``run -it`` and
``exec -it`` go straight to the student's terminal, as when the shim ran the course itself.
The worker writes the exit code back on the connection; a byte the client sends on it is a
signal (Ctrl-C) for the worker's process group; the client going away interrupts it.

Workers are forked from a *zygote*: a single-threaded process forked when the daemon starts,
before any thread exists, with the course's command modules already imported. Forking the
threaded daemon itself could copy a lock another thread holds (SQLite's, the logging
module's). The zygote keeps a few workers forked in advance, each waiting on the job
socket with the database already open, so a command starts without a fork or an import.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import select
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import NoReturn

from grader.serve.client import decode_request

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
MAX_REQUEST = 1 << 20
"""The largest command (argv + environment) a client may send, in bytes."""
SPARES = 2
"""Workers kept forked and waiting, so no command waits for a fork."""


class Zygote:
    """The forking process, and the daemon's side of the job socket its workers read."""

    def __init__(self, folder: Path) -> None:
        for name in PRELOAD:
            importlib.import_module(name)
        for target in _handler_modules():
            importlib.import_module(target)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, MAX_REQUEST + 4096)
        theirs.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, MAX_REQUEST + 4096)
        life_read, life_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            ours.close()
            os.close(life_write)
            _zygote_loop(theirs, life_read, folder)
        theirs.close()
        os.close(life_read)
        self.pid = pid
        self._socket = ours
        self._life = life_write
        self._lock = threading.Lock()

    def run(self, body: bytes, connection: int, stdio: list[int]) -> int:
        """Hand one command to a waiting worker; return a descriptor that ends when it exits."""
        done_read, done_write = os.pipe()
        try:
            with self._lock:
                socket.send_fds(self._socket, [body], [connection, *stdio, done_write])
        finally:
            os.close(done_write)
        return done_read

    def close(self) -> None:
        """Let the zygote and its waiting workers go (they leave when their sockets close)."""
        self._socket.close()
        os.close(self._life)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _handler_modules() -> list[str]:
    from grader.dockercli.executor import HANDLERS

    return sorted({f"grader.dockercli.{target.partition('.')[0]}" for target in HANDLERS.values()})


def _reap(signum: int, frame: object) -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _zygote_loop(jobs: socket.socket, life: int, folder: Path) -> NoReturn:
    """Keep SPARES workers waiting for jobs; fork a new one each time one takes a job.

    The zygote leaves when the daemon does (``life`` reaches end of file); its waiting
    workers leave when the job socket closes.
    """
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()  # the preloaded objects stay out of the workers' collections (fewer copies)
    taken_read, taken_write = os.pipe()
    for _ in range(SPARES):
        _fork_spare(jobs, taken_write, folder)
    while True:
        ready, _, _ = select.select([taken_read, life], [], [])
        if life in ready:
            os._exit(0)
        if not os.read(taken_read, 1):
            os._exit(0)
        _fork_spare(jobs, taken_write, folder)


def _fork_spare(jobs: socket.socket, taken: int, folder: Path) -> None:
    """Fork a worker that warms up, waits for one job, says so on ``taken``, and runs it."""
    if os.fork() != 0:
        return
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    with contextlib.suppress(Exception):
        from grader.engine.sandbox import SandboxEngine

        SandboxEngine(folder)  # opens the database: the first command's own costs less
    try:
        body, fds, _, _ = socket.recv_fds(jobs, MAX_REQUEST, 5)
    except OSError:
        body, fds = b"", []
    with contextlib.suppress(OSError):
        os.write(taken, b"+")
    jobs.close()
    if not body or len(fds) != 5:
        os._exit(0)
    _worker(body, fds)


def _worker(body: bytes, fds: list[int]) -> NoReturn:
    """Run one command with the client's descriptors, environment and folder."""
    connection_fd, stdin, stdout, stderr, done = fds
    os.setpgid(0, 0)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
        os.dup2(fd, target)
    for fd in {stdin, stdout, stderr} - {0, 1, 2}:
        os.close(fd)
    os.set_inheritable(done, False)
    connection = socket.socket(fileno=connection_fd)
    connection.set_inheritable(False)
    argv, cwd, env = decode_request(body)
    os.environ.clear()
    os.environ.update(env)
    with contextlib.suppress(OSError):
        os.chdir(cwd)
    sys.stdin = open(0, encoding="utf-8", errors="surrogateescape", closefd=False)  # noqa: SIM115
    sys.stdout = open(  # noqa: SIM115
        1, "w", 1 if os.isatty(1) else -1, "utf-8", "surrogateescape", closefd=False
    )
    sys.stderr = open(2, "w", 1, "utf-8", "backslashreplace", closefd=False)  # noqa: SIM115
    threading.Thread(target=_relay_signals, args=(connection,), daemon=True).start()
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
        with contextlib.suppress(OSError):
            connection.sendall(b"%d\n" % code)
        os._exit(code & 0xFF)


def _relay_signals(connection: socket.socket) -> None:
    """Each byte from the client is a signal number for the worker's process group."""
    while True:
        try:
            data = connection.recv(16)
        except OSError:
            data = b""
        if not data:  # the client went away: interrupt the command, as Ctrl-C would
            os.killpg(0, signal.SIGINT)
            return
        for number in data:
            os.killpg(0, number)
