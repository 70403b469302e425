"""The ``docker`` shim's client: forward one command to the sandbox daemon, start it if needed.

A terminal's ``docker ps`` used to import the course (~60 ms) for every command. This
client imports only modules built into the interpreter (``posix``, ``_socket``,
``_signal``: even ``os`` and ``socket`` cost milliseconds), sends one datagram to the
daemon's course-private socket ``$COURSE_SANDBOX_DIR/course.sock`` (starting the daemon,
``python -m grader serve``, when nothing is there): the command's argv, working folder
and environment, with its standard input, output and error and one end of a socket pair
attached (``SCM_RIGHTS``). A worker of the daemon runs the course's command on them (see
:mod:`grader.serve.workers`) and sends back the exit code. Signals the terminal sends
(Ctrl-C, a closed terminal) are forwarded as one byte each.

When no daemon can be started (or ``COURSE_DAEMON=off``), the command runs in this
process, as the shim always did. (No ``from __future__ import annotations`` here: that
import is one more module to load.)
"""

import _signal  # type: ignore[import-not-found]
import _socket
import posix
import sys
import time

COURSE_SOCKET = b"course.sock"
"""The daemon's course-private socket, beside ``docker.sock``."""
START_TIMEOUT = 15.0
"""Seconds to wait for a daemon this client started to answer."""
FORWARDED = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")
"""Signals relayed to the command (the terminal sends them to this process only)."""


def sandbox_folder() -> bytes:
    """``COURSE_SANDBOX_DIR`` (absolute), else the per-user default of ``grader.engine``."""
    env = posix.environ
    home = env.get(b"HOME") or b"/"
    folder = env.get(b"COURSE_SANDBOX_DIR")
    if folder:
        if folder == b"~" or folder.startswith(b"~/"):
            folder = home + folder[1:]
    else:
        base = env.get(b"XDG_STATE_HOME") or home + b"/.local/state"
        folder = base + b"/docker-k8s-course/sandbox"
    if not folder.startswith(b"/"):
        folder = _cwd() + b"/" + folder
    return folder


def _cwd() -> bytes:
    try:
        return posix.getcwdb()
    except OSError:
        return b"/"


def encode_request(argv: list[bytes], cwd: bytes, env: dict[bytes, bytes]) -> bytes:
    """A command as sent: NUL-separated cwd, argument count, argv, then env items."""
    words = [cwd, b"%d" % len(argv), *argv, *(key + b"=" + value for key, value in env.items())]
    return b"\0".join(words)


def decode_request(body: bytes) -> tuple[list[str], str, dict[str, str]]:
    """(argv, cwd, env) from :func:`encode_request`'s bytes."""
    words = [word.decode("utf-8", "surrogateescape") for word in body.split(b"\0")]
    cwd, count = words[0], int(words[1])
    argv = words[2 : 2 + count]
    env = dict(item.partition("=")[::2] for item in words[2 + count :] if "=" in item)
    return argv, cwd, env


def connect(folder: bytes) -> _socket.socket | None:
    """A datagram socket addressed to the folder's daemon, or None when none is there."""
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_DGRAM)
    path = folder + b"/" + COURSE_SOCKET
    try:
        if len(path) < 100:
            sock.connect(path)
        else:  # longer than a socket address may be: go through the folder's descriptor
            fd = posix.open(folder, posix.O_RDONLY)
            try:
                sock.connect(b"/proc/self/fd/%d/%s" % (fd, COURSE_SOCKET))
            finally:
                posix.close(fd)
    except OSError:
        sock.close()
        return None
    return sock


def start_daemon(folder: bytes) -> None:
    """Start ``python -m grader serve`` for ``folder``, detached from this terminal."""
    code = (
        f"import sys; sys.path[:] = {sys.path!r}; "
        "from grader.serve.daemon import main; sys.exit(main([]))"
    )
    env = dict(posix.environ)
    env[b"COURSE_SANDBOX_DIR"] = folder
    pid = posix.fork()
    if pid == 0:
        try:
            posix.setsid()
            if posix.fork() == 0:
                null = posix.open(b"/dev/null", posix.O_RDWR)
                for target in (0, 1, 2):
                    posix.dup2(null, target)
                posix.chdir(b"/")
                posix.execve(sys.executable, [sys.executable, "-I", "-S", "-c", code], env)
        finally:
            posix._exit(0)
    posix.waitpid(pid, 0)


def daemon_connection(folder: bytes) -> _socket.socket | None:
    """Connect to the folder's daemon, starting it when nothing answers."""
    sock = connect(folder)
    if sock is not None:
        return sock
    start_daemon(folder)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        time.sleep(0.005)
        sock = connect(folder)
        if sock is not None:
            return sock
    return None


def _stdio() -> list[int]:
    """This process's standard descriptors (``/dev/null`` in place of a closed one)."""
    fds = []
    for fd in (0, 1, 2):
        try:
            posix.fstat(fd)
            fds.append(fd)
        except OSError:
            fds.append(posix.open(b"/dev/null", posix.O_RDWR))
    return fds


def _read_until(sock: _socket.socket, end: bytes) -> bytes:
    """Read until ``end`` arrives or the connection closes."""
    data = b""
    while end not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def forward(sock: _socket.socket, argv: list[str]) -> int | None:
    """Run ``docker ARGV`` through the daemon; its exit code, or None when none took it."""
    body = encode_request(
        [word.encode("utf-8", "surrogateescape") for word in argv], _cwd(), dict(posix.environ)
    )
    mine, theirs = _socket.socketpair(_socket.AF_UNIX, _socket.SOCK_STREAM)

    def relay(number: int, frame: object) -> None:
        try:
            mine.send(bytes([number]))
        except OSError:
            pass

    for name in FORWARDED:  # before sending: the command may start printing at once
        _signal.signal(getattr(_signal, name), relay)
    fds = b"".join(fd.to_bytes(4, sys.byteorder) for fd in (*_stdio(), theirs.fileno()))
    try:
        sock.sendmsg([body], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)])
    finally:
        theirs.close()
    answer = _read_until(mine, b"\n")
    mine.close()
    if not answer.startswith(b"R"):
        return None  # the daemon left before a worker took the command
    if not answer.endswith(b"\n"):
        sys.stderr.write("docker: the course's sandbox daemon stopped during the command\n")
        return 1
    return int(answer[1:])


def main(argv: list[str]) -> int:
    """``docker ARGV`` in a terminal: through the daemon, else in this process."""
    if posix.environ.get(b"COURSE_DAEMON", b"").lower() not in (b"off", b"0", b"no"):
        folder = sandbox_folder()
        for _ in range(2):  # once more when the daemon was leaving as the command came
            sock = daemon_connection(folder)
            if sock is None:
                break
            try:
                code = forward(sock, argv)
            except OSError:
                code = None
            sock.close()
            if code is not None:
                return code
    from grader.dockercli.main import main as run_here

    return run_here(argv)
