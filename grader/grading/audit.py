"""Defence in depth inside a submission's child: an audit hook on files and programs.

No student Python runs in the grader, but the student's data does travel through the
course's code (command lines into the engine, paths into file writes). Should any of
that code be tricked, this hook (:func:`sys.addaudithook`, which cannot be removed) still
refuses, with :class:`PermissionError`:

- opening a file for writing (or an SQLite database) outside the submission's own folders;
- opening, even to read, the course's protected places: the source notebooks, the
  gradebook, ``submitted/``, ``autograded/`` and ``feedback/`` (the submission's own copy
  lives in its private folder, so it needs none of them);
- starting any program but the sandbox's own helpers, the real Docker CLI and hadolint.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
REFUSED_EVENTS = ("os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile")
ALWAYS_WRITABLE = ("/dev/null",)


@dataclass(frozen=True)
class Policy:
    """What one submission's child may touch."""

    writable: tuple[str, ...]
    """Folders it may write in (its work folder, sandbox state, temporary folder)."""
    protected: tuple[str, ...]
    """Files and folders it may not open at all."""
    programs: tuple[tuple[str, ...], ...] = field(default_factory=tuple)
    """Allowed command lines, by prefix: the program's real path, then leading arguments."""

    @classmethod
    def build(
        cls,
        *,
        writable: Iterable[Path],
        protected: Iterable[Path],
        programs: Iterable[Sequence[str]],
    ) -> Policy:
        """A policy from paths (resolved now) and allowed command-line prefixes."""
        return cls(
            tuple(os.path.realpath(p) for p in writable),
            tuple(os.path.realpath(p) for p in protected),
            tuple((os.path.realpath(p[0]), *p[1:]) for p in programs if p and p[0]),
        )

    def check_open(self, path: str, writing: bool) -> None:
        """Raise PermissionError unless ``path`` may be opened (for writing if ``writing``)."""
        real = os.path.realpath(path)
        if _under(real, self.protected):
            raise PermissionError(f"grading: {path} is not readable while grading")
        if writing and real not in ALWAYS_WRITABLE and not _under(real, self.writable):
            raise PermissionError(f"grading: {path} is outside the submission's folders")

    def check_program(self, executable: object, argv: Sequence[object]) -> None:
        """Raise PermissionError unless ``argv`` starts like an allowed command line."""
        words = [os.fsdecode(a) if isinstance(a, bytes | os.PathLike) else str(a) for a in argv]
        given = isinstance(executable, str | bytes | os.PathLike) and executable
        program = os.fsdecode(given) if given else (words[0] if words else "")
        real = os.path.realpath(program)
        for allowed in self.programs:
            if real == allowed[0] and all(
                i < len(words) and words[i].startswith(prefix)
                for i, prefix in enumerate(allowed[1:], start=1)
            ):
                return
        raise PermissionError(f"grading: starting {program} is not allowed")


def _under(path: str, folders: tuple[str, ...]) -> bool:
    return any(path == folder or path.startswith(folder + os.sep) for folder in folders)


def _is_writing(mode: object, flags: object) -> bool:
    if isinstance(flags, int) and flags & WRITE_FLAGS:
        return True
    return isinstance(mode, str) and any(c in mode for c in "wax+")


def install(policy: Policy) -> None:
    """Install the hook for the rest of this process's life."""
    busy = threading.local()

    def hook(event: str, args: tuple) -> None:
        if getattr(busy, "on", False):
            return
        busy.on = True
        try:
            _check(policy, event, args)
        finally:
            busy.on = False

    sys.addaudithook(hook)


def _check(policy: Policy, event: str, args: tuple) -> None:
    if event == "open":
        path, mode, flags = (*args, None, None)[:3]
        if isinstance(path, str | bytes | os.PathLike):
            policy.check_open(os.path.abspath(os.fsdecode(path)), _is_writing(mode, flags))
    elif event == "sqlite3.connect":
        database = os.fsdecode(args[0]) if args and args[0] is not None else ""
        if database.startswith("file:"):
            database = urlsplit(database).path
        if database not in ("", ":memory:"):
            policy.check_open(os.path.abspath(database), True)
    elif event == "subprocess.Popen":
        executable, argv = args[0], args[1]
        policy.check_program(executable, [argv] if isinstance(argv, str | bytes) else argv)
    elif event.startswith(REFUSED_EVENTS):
        raise PermissionError(f"grading: {event} is not allowed")
