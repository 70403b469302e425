"""Choose the engine a command runs on: the real Docker daemon or the embedded sandbox.

``COURSE_ENGINE`` = ``auto`` (default: the real daemon when one answers a ping, else the
sandbox) | ``docker`` | ``sandbox``. ``COURSE_SANDBOX_DIR`` says where the sandbox keeps
its SQLite state. The choice is made without importing the docker SDK (it costs ~100 ms):
the auto probe speaks HTTP to the daemon's socket directly.
"""

from __future__ import annotations

import os
import socket

from grader.engine.api import EngineAPI
from grader.state import sandbox_dir

DEFAULT_SOCKET = "unix:///var/run/docker.sock"


def docker_host() -> str:
    """The daemon address the real engine uses (``DOCKER_HOST`` or Docker's default)."""
    return os.environ.get("DOCKER_HOST") or DEFAULT_SOCKET


def daemon_answers(host: str | None = None, timeout: float = 0.5) -> bool:
    """True when a Docker daemon answers ``GET /_ping`` at ``host`` (unix or tcp)."""
    host = host or docker_host()
    try:
        if host.startswith("unix://"):
            path = host[len("unix://") :]
            if not os.path.exists(path):
                return False
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(path)
        elif host.startswith("tcp://"):
            hostport = host[len("tcp://") :].rstrip("/")
            name, _, port = hostport.rpartition(":")
            sock = socket.create_connection((name, int(port)), timeout=timeout)
        else:
            return False
        with sock:
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            status_line = sock.recv(64)
        return status_line.startswith(b"HTTP/1.") and b" 200 " in status_line
    except OSError:
        return False


def selected_kind() -> str:
    """Resolve ``COURSE_ENGINE`` to "docker" or "sandbox"."""
    choice = os.environ.get("COURSE_ENGINE", "auto").strip().lower() or "auto"
    if choice not in {"auto", "docker", "sandbox"}:
        raise ValueError(f"COURSE_ENGINE={choice!r} is not one of auto, docker, sandbox")
    if choice == "auto":
        return "docker" if daemon_answers() else "sandbox"
    return choice


def get_engine(kind: str | None = None) -> EngineAPI:
    """Return the engine for ``kind`` (default: :func:`selected_kind`)."""
    kind = kind or selected_kind()
    if kind == "sandbox":
        from grader.engine.sandbox import SandboxEngine

        return SandboxEngine(sandbox_dir())
    from grader.engine.real import RealEngine

    return RealEngine(docker_host())
