"""The log of docker/kubectl command lines the student ran, shared by kernel and terminal.

Every command run through the ``%%docker`` magic or the ``docker`` shim is appended here
(one JSON object a line) so the checks can look at *how* the student got to a state, not
only at the state. The log lives beside the sandbox state (``COURSE_SANDBOX_DIR``), whatever
the engine, because that folder is per-user and already shared by the kernel and terminals.

Secrets never reach the file (:func:`redact`): ``docker login -p``/``--password`` values,
the values of ``-e``/``--env``/``--build-arg`` variables whose name looks secret
(``DB_PASSWORD``, ``API_TOKEN`` ...) and ``kubectl create secret --from-literal`` values
are written as ``***``. The file is created ``0600`` in a ``0700`` folder.
"""

from __future__ import annotations

import json
import os
import re
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


HIDDEN = "***"
SECRET_NAME = re.compile(
    r"pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credential", re.I
)
"""A variable name whose value is kept out of the history."""
_PASSWORD_FLAGS = ("-p", "--password")
_VARIABLE_FLAGS = ("-e", "--env", "--build-arg")
_LITERAL_FLAGS = ("--from-literal",)


def _hide_value(assignment: str, always: bool) -> str:
    """``NAME=value`` -> ``NAME=***`` when ``always`` or the name looks secret."""
    name, has_value, _ = assignment.partition("=")
    if has_value and (always or SECRET_NAME.search(name)):
        return f"{name}={HIDDEN}"
    return assignment


def _hide(flag: str, value: str) -> str:
    if flag in _PASSWORD_FLAGS:
        return HIDDEN
    return _hide_value(value, always=flag in _LITERAL_FLAGS)


def redact(argv: list[str]) -> list[str]:
    """``argv`` with secret values replaced by ``***`` (see the module docstring)."""
    login = argv[:1] == ["docker"] and "login" in argv[1:3]
    secret = argv[:1] == ["kubectl"] and "secret" in argv[1:4]
    flags = (
        _VARIABLE_FLAGS + (_PASSWORD_FLAGS if login else ()) + (_LITERAL_FLAGS if secret else ())
    )
    result: list[str] = []
    pending = ""
    for word in argv:
        if pending:
            result.append(_hide(pending, word))
            pending = ""
            continue
        flag, equals, value = word.partition("=")
        if flag in flags and equals:
            result.append(f"{flag}={_hide(flag, value)}")
        elif word in flags:
            result.append(word)
            pending = word
        elif word[:2] in flags and len(word) > 2 and not word.startswith("--"):
            result.append(word[:2] + _hide(word[:2], word[2:]))  # -pS3cret, -eKEY=value
        else:
            result.append(word)
    return result


def record(argv: list[str], exit_code: int, engine: str, source: str) -> None:
    """Append one command to the history (never raises: history is best-effort)."""
    entry = Entry(redact(list(argv)), int(exit_code), engine, source, time.time())
    try:
        path = history_path()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        line = json.dumps(asdict(entry)) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
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
