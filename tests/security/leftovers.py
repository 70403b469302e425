"""Finding the processes a grading run left behind, wherever they were reparented to.

Two nets: while grading runs, the test process is the *child subreaper* of everything it
starts (``prctl(PR_SET_CHILD_SUBREAPER)``), so a grandchild whose parent exits becomes
the test's child instead of init's, even one that called ``setsid()``; and a process that
escaped that (or was started by a daemon) still carries the campaign's marks: the
``TMPDIR`` every grading process inherits, or the token every attack puts on its command
line.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36


@dataclass(frozen=True)
class Process:
    pid: int
    ppid: int
    state: str
    cmdline: bytes
    environ: bytes


def processes() -> list[Process]:
    """Every process this user can read in ``/proc`` (gone ones skipped)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        found.append(Process(int(entry.name), int(fields[1]), fields[0], cmdline, environ))
    return found


@contextlib.contextmanager
def subreaper() -> Iterator[None]:
    """Make this process the subreaper of its descendants for the block."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")
    try:
        yield
    finally:
        libc.prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)


def leftovers(before: set[int], *marks: str) -> dict[int, str]:
    """``pid -> command line`` of live processes that are new descendants or carry a mark.

    Args:
        before: pids that existed before grading (never counted as descendants).
        marks: strings that only the campaign's processes hold in argv or environment.
    """
    table = processes()
    parents = {p.pid: p.ppid for p in table}
    me = os.getpid()

    def descends(pid: int) -> bool:
        seen = set()
        while pid > 1 and pid not in seen:
            seen.add(pid)
            pid = parents.get(pid, 0)
            if pid == me:
                return True
        return False

    found = {}
    for process in table:
        if process.pid == me or process.state == "Z":
            continue
        marked = any(m.encode() in process.cmdline + process.environ for m in marks)
        if marked or (process.pid not in before and descends(process.pid)):
            found[process.pid] = process.cmdline.replace(b"\0", b" ").decode(errors="replace")
    return found


def reap_orphans(before: set[int]) -> None:
    """Collect the exit status of orphans that were reparented here and have exited."""
    for process in processes():
        if process.ppid == os.getpid() and process.pid not in before and process.state == "Z":
            with contextlib.suppress(ChildProcessError):
                os.waitpid(process.pid, os.WNOHANG)


def kill(pids: list[int]) -> None:
    """SIGKILL each of ``pids`` (processes the campaign started) and reap our own."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for pid in pids:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
