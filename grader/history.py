"""The log of docker/kubectl command lines the student ran, shared by kernel and terminal.

Every command run through the ``%%docker`` magic or the ``docker`` shim is appended here
(one JSON object a line) so the checks can look at *how* the student got to a state, not
only at the state. The log lives beside the sandbox state (``COURSE_SANDBOX_DIR``), whatever
the engine, because that folder is per-user and already shared by the kernel and terminals.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from grader.state import sandbox_dir


@dataclass(frozen=True)
class Entry:
    """One command line as the student ran it."""

    argv: list[str]
    """The words, ``docker`` or ``kubectl`` first, after the shell expanded them."""
    exit_code: int
    engine: str
    """"docker" (real daemon), "sandbox" or "cluster-sim"."""
    source: str
    """"magic" (a notebook cell) or "shim" (a terminal)."""
    time: float
    """Unix time when the command finished."""


def history_path() -> Path:
    """The history file: ``history.jsonl`` in the course's state folder."""
    return sandbox_dir() / "history.jsonl"


def record(argv: list[str], exit_code: int, engine: str, source: str) -> None:
    """Append one command to the history (never raises: history is best-effort)."""
    entry = Entry(list(argv), int(exit_code), engine, source, time.time())
    try:
        path = history_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(entry)) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)
    except OSError:
        pass


def entries(since: float = 0.0) -> list[Entry]:
    """Every recorded command that finished at or after ``since``, oldest first."""
    try:
        lines = history_path().read_text().splitlines()
    except OSError:
        return []
    result = []
    for line in lines:
        try:
            entry = Entry(**json.loads(line))
        except (ValueError, TypeError):
            continue
        if entry.time >= since:
            result.append(entry)
    return result
