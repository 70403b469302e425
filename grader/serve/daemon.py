"""``python -m grader serve``: the sandbox as a Docker Engine on ``$COURSE_SANDBOX_DIR``.

It listens on ``docker.sock`` in the sandbox folder. One daemon per folder: it holds an
exclusive lock on ``docker.pid`` (which names its process), so a second one started for
the same folder leaves at once. It serves the
Docker Engine API (see :mod:`grader.serve.routes`) on a threaded Unix-socket HTTP server,
so the Docker CLI and docker-py work with ``DOCKER_HOST=unix://.../docker.sock``; its
zygote runs the course's own terminal commands, sent on ``course.sock`` (see
:mod:`grader.serve.workers`).

The daemon keeps no state of its own beyond exec instances: everything is in the folder's
SQLite database, shared with notebook kernels. So it may leave at any time: after
``--idle`` seconds without a request (``COURSE_DAEMON_IDLE``, default 15 minutes), when its
folder or its socket goes, or on SIGTERM; the next command starts a new one.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import signal
import socketserver
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from grader.engine.errors import EngineError
from grader.serve import routes
from grader.serve.http import SERVER, Reply, parse_request, read_body

SOCKET_NAME = "docker.sock"
PID_NAME = "docker.pid"
DEFAULT_IDLE = 900.0
WATCH_EVERY = 1.0
"""Seconds between two checks of the idle time, the folder and the socket."""


def socket_path(folder: Path) -> Path:
    """Where the daemon of ``folder`` listens."""
    return Path(folder) / SOCKET_NAME


class Handler(BaseHTTPRequestHandler):
    """One connection: Engine API requests, kept alive as the Docker CLI expects."""

    protocol_version = "HTTP/1.1"
    server: Daemon

    def version_string(self) -> str:
        """The ``Server`` header dockerd sends."""
        return SERVER

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """No access log (dockerd keeps none either)."""

    def _dispatch(self) -> None:
        self.server.activity(+1)
        try:
            self._serve()
        finally:
            self.server.activity(-1)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _dispatch

    def _serve(self) -> None:
        req = parse_request(self.command, self.path, self.headers, read_body(self))
        reply = Reply(self)
        found = routes.find(req.method, req.path)
        if found is None:  # dockerd: 404 for an unknown path and for a wrong method alike
            reply.error(404, "page not found")
            return
        endpoint, groups = found
        req.groups = groups
        try:
            endpoint(self.server.engine, req, reply)
        except EngineError as error:
            self._fail(reply, error.status_code, error.explanation)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as error:  # the course's own fault: a 500, as dockerd would
            traceback.print_exc()
            self._fail(reply, 500, f"{type(error).__name__}: {error}")

    def _fail(self, reply: Reply, status: int, message: str) -> None:
        if reply.sent:  # a stream already began: all the client can learn is its end
            self.close_connection = True
            return
        reply.error(status, message)


class Daemon(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """The server of one sandbox folder."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, folder: Path, idle: float, lock: int) -> None:
        from grader.serve.workers import Zygote

        self.folder = folder
        self.idle = idle
        self._active = 0
        self._last = time.monotonic()
        self._lock = threading.Lock()
        # sockets are bound from inside the folder: its path may be longer than an address
        os.chdir(folder)
        self.zygote = Zygote(folder, (lock,))  # before any thread or database connection exists
        with contextlib.suppress(FileNotFoundError):
            os.unlink(SOCKET_NAME)
        super().__init__(SOCKET_NAME, Handler)
        os.chmod(SOCKET_NAME, 0o600)
        self.socket_inode = os.stat(SOCKET_NAME).st_ino
        from grader.engine.sandbox import SandboxEngine

        self.engine = SandboxEngine(folder)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-request is no error; anything else is logged."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def activity(self, delta: int) -> None:
        """Count a request beginning (+1) or ending (-1)."""
        with self._lock:
            self._active += delta
            self._last = time.monotonic()

    def should_leave(self) -> str | None:
        """Why the daemon should exit now (idle, folder or socket gone), or None."""
        try:
            if os.stat(self.folder / SOCKET_NAME).st_ino != self.socket_inode:
                return "its socket was replaced"
        except FileNotFoundError:
            return "its folder or socket is gone"
        from grader.serve.workers import busy, last_used

        with self._lock:
            quiet = time.monotonic() - self._last > self.idle and self._active == 0
        if quiet and time.time() - last_used(self.folder) > self.idle and not busy(self.folder):
            return f"idle for {self.idle:g} s"
        return None


def _watch(daemon: Daemon) -> None:
    while True:
        time.sleep(WATCH_EVERY if daemon.idle > WATCH_EVERY else daemon.idle / 4)
        reason = daemon.should_leave()
        if reason:
            print(f"grader serve: leaving: {reason}", file=sys.stderr, flush=True)
            daemon.shutdown()
            return


def _lock(folder: Path) -> int | None:
    """Take the folder's daemon lock (``docker.pid``); None when another daemon holds it."""
    fd = os.open(folder / PID_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def running(folder: Path) -> int | None:
    """The pid of the daemon serving ``folder``, or None."""
    try:
        fd = os.open(Path(folder) / PID_NAME, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        with contextlib.suppress(ValueError):
            return int(os.pread(fd, 32, 0).decode().strip())
        return None
    finally:
        os.close(fd)
    return None


def stop(folder: Path, timeout: float = 10.0) -> bool:
    """Stop the daemon of ``folder`` (SIGTERM) and wait until it has gone; False if none."""
    pid = running(folder)
    if pid is None:
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while running(folder) is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    return True


def serve(folder: Path, idle: float) -> int:
    """Serve ``folder`` until idle, gone, or SIGTERM; 0, or 1 when another daemon serves it."""
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    lock = _lock(folder)
    if lock is None:
        print(f"grader serve: a daemon already serves {folder}", file=sys.stderr)
        return 1
    os.environ["COURSE_SANDBOX_DIR"] = str(folder)
    daemon = Daemon(folder, idle, lock)
    for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(number, lambda *_: threading.Thread(target=daemon.shutdown).start())
    threading.Thread(target=_watch, args=(daemon,), daemon=True, name="watch").start()
    print(f"API listen on {folder / SOCKET_NAME}", file=sys.stderr, flush=True)
    try:
        daemon.serve_forever(poll_interval=0.5)
    finally:
        daemon.server_close()
        with contextlib.suppress(FileNotFoundError):
            if os.stat(SOCKET_NAME).st_ino == daemon.socket_inode:
                os.unlink(SOCKET_NAME)
        daemon.zygote.close()
        os.close(lock)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m grader serve [--idle SECONDS] [--folder DIR]``."""
    from grader.engine import sandbox_dir

    parser = argparse.ArgumentParser(
        prog="python -m grader serve",
        description="Serve the sandbox as a Docker Engine on $COURSE_SANDBOX_DIR/docker.sock.",
    )
    parser.add_argument("--folder", type=Path, default=None, help="the sandbox folder")
    parser.add_argument(
        "--idle",
        type=float,
        default=float(os.environ.get("COURSE_DAEMON_IDLE") or DEFAULT_IDLE),
        help="seconds without a request before the daemon leaves",
    )
    args = parser.parse_args(argv)
    return serve(args.folder or sandbox_dir(), args.idle)
