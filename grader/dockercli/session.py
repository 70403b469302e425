"""What one docker invocation runs with: the engine, the output streams, the time bound.

Every command handler receives a :class:`Session` and writes through it, so the same code
serves a notebook cell (``StringIO``-like streams), a terminal (``sys.stdout``) and tests.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TextIO

from grader.engine.api import EngineAPI
from grader.engine.errors import EngineError


class CommandFailed(Exception):
    """A handler's refusal: ``message`` goes to stderr as is, the command exits ``code``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


EMPTY_ID = "invalid {kind} name or ID: value is empty"
"""The Docker client's refusal of an empty object name, made before any request."""


def client_id(name: str, kind: str = "container") -> str:
    """The name the Docker 28 client puts in the request path for ``name``.

    Its ``trimID`` (moby ``client/utils.go``) trims spaces and refuses what is left empty
    with :data:`EMPTY_ID`, without a request; the course does the same (a
    :class:`CommandFailed`, printed as is).
    """
    trimmed = name.strip()
    if not trimmed:
        raise CommandFailed(EMPTY_ID.format(kind=kind))
    return trimmed


def image_path_name(name: str) -> str:
    """The image name as the Docker 28 client puts it in a path (unchanged).

    An empty one leaves ``DELETE /images`` or ``GET /images/history``, paths dockerd does
    not route: it answers 404 "page not found" (checked on the real engine), and so does
    the course, without an engine call.
    """
    if not name:
        raise EngineError("page not found", 404)
    return name


def read_stdin() -> str:
    """All of standard input as text ("" when there is none to read, as in a notebook)."""
    import sys

    try:
        return sys.stdin.read() if sys.stdin is not None else ""
    except (OSError, ValueError, NotImplementedError):
        return ""


@dataclass
class Session:
    """One invocation's surroundings."""

    engine: EngineAPI
    stdout: TextIO
    stderr: TextIO
    timeout: float | None = None
    """Bound for commands that would run on (``run`` of a server, ``logs -f``); None: none."""
    cwd: str = field(default_factory=os.getcwd)
    """Folder relative paths (``-v ./site:/x``, ``docker cp``) are resolved against."""
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    """The environment ``docker`` runs in (``-e NAME`` without a value reads NAME here)."""

    def out(self, text: str) -> None:
        """Write to stdout."""
        self.stdout.write(text)

    def err(self, text: str) -> None:
        """Write to stderr."""
        self.stderr.write(text)

    def daemon_error(self, error: EngineError, prefix: str = "") -> None:
        """Print a daemon refusal as the CLI does: ``Error response from daemon: ...``."""
        self.err(f"{prefix}{daemon_text(error)}\n")


def daemon_text(error: EngineError) -> str:
    """The CLI's text for an engine error (a dead daemon has its own wording)."""
    if error.status_code == 503 and "daemon" in error.explanation.lower():
        return error.explanation
    return f"Error response from daemon: {error.explanation}"
