"""Run one submission's grading in a forked child and get its result back as JSON.

The grading process imports everything once; each submission then gets a child forked
from it (milliseconds, no new interpreter) that:

- is a *child subreaper* (``prctl(PR_SET_CHILD_SUBREAPER)``), so the helper processes the
  sandbox starts, and anything they start, stay its descendants and are killed when the
  submission ends;
- can get a user and network namespace of its own (``unshare(CLONE_NEWUSER |
  CLONE_NEWNET)`` with its loopback brought up), so two submissions' ``-p 8080:80`` never
  collide and nothing reaches the network; where the machine refuses namespaces the child
  runs in the grader's network;
- has a time budget: past it, the child and every descendant are killed and
  :class:`GradingTimeout` is raised in the parent, which goes on with the next submission.
"""

from __future__ import annotations

import ctypes
import fcntl
import functools
import json
import os
import select
import signal
import socket
import struct
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

PR_SET_CHILD_SUBREAPER = 36
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1


class GradingTimeout(Exception):
    """The submission ran out of time; its processes were killed."""


class GradingCrashed(Exception):
    """The child ended without sending a result (killed, or crashed in the interpreter)."""


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def become_subreaper() -> None:
    """Make this process the reaper of its orphaned descendants (Linux 3.4+)."""
    _libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def enter_network_namespace() -> bool:
    """Move this (single-threaded) process into new user + network namespaces, ``lo`` up.

    Returns:
        False when the machine does not allow it (nothing changed then).
    """
    uid, gid = os.getuid(), os.getgid()
    if _libc().unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return False
    try:
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
        Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    except OSError:
        pass  # the mapping may be refused; root in the namespace is not needed
    _loopback_up()
    return True


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


@functools.cache
def namespaces_available() -> bool:
    """Whether a forked child can enter its own network namespace on this machine."""
    try:
        run_isolated(lambda: {"ok": True}, timeout=30, network=True, require_network=True)
    except (GradingCrashed, GradingTimeout):
        return False
    return True


def descendants(pid: int) -> list[int]:
    """Every process whose parent chain leads to ``pid`` (read from ``/proc``)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def kill_tree(pid: int, *, include_self: bool) -> None:
    """Kill ``pid``'s descendants (and ``pid``): stop them all until none appears, then kill.

    Stopped processes cannot fork, so once a listing finds nobody new the whole tree is
    held; then every member gets SIGKILL. Without ``include_self`` (a process cleaning up
    after itself, as their subreaper) the dead are reaped too.
    """
    held: list[int] = []
    for _ in range(50):
        found = ([pid] if include_self else []) + descendants(pid)
        new = [victim for victim in found if victim not in held]
        if not new:
            break
        for victim in new:
            _signal(victim, signal.SIGSTOP)
        held += new
    for victim in held:
        _signal(victim, signal.SIGKILL)
    if not include_self:
        for victim in held:
            try:
                os.waitpid(victim, 0)
            except ChildProcessError:
                continue  # not our child: its own parent (also killed) held it
        _reap()


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def run_isolated(
    job: Callable[[], dict[str, Any]],
    *,
    timeout: float,
    network: bool,
    require_network: bool = False,
) -> dict[str, Any]:
    """Run ``job`` in a forked child and return the JSON-able dict it returns.

    Args:
        job: what the child does; its return value comes back over a pipe as JSON.
        timeout: seconds before the child and its descendants are killed.
        network: give the child a network namespace of its own when the machine allows.
        require_network: fail (:class:`GradingCrashed`) instead of running without one.

    Raises:
        GradingTimeout: the child ran out of time.
        GradingCrashed: the child died or raised; the message says how.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(job, write_end, network, require_network)
    os.close(write_end)
    try:
        data, timed_out = _read_all(read_end, time.monotonic() + timeout)
    finally:
        os.close(read_end)
    if timed_out:
        kill_tree(pid, include_self=True)
    _, status = os.waitpid(pid, 0)
    if timed_out:
        raise GradingTimeout(f"stopped: grading took longer than {timeout:.0f} s")
    try:
        message = json.loads(data)
    except ValueError:
        raise GradingCrashed(f"the grading process ended without a result ({status})") from None
    if "error" in message:
        raise GradingCrashed(message["error"])
    return message["result"]


def _read_all(fd: int, deadline: float) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return b"", True
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return b"", True
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)


def _child(job: Callable[[], dict[str, Any]], fd: int, network: bool, required: bool) -> None:
    code = 0
    message: dict[str, Any]
    try:
        os.setpgid(0, 0)
        become_subreaper()
        if network and not enter_network_namespace() and required:
            raise OSError("this machine does not allow network namespaces")
        message = {"result": job()}
    except BaseException as error:  # noqa: BLE001 - everything goes back to the parent
        message = {"error": "".join(traceback.format_exception_only(type(error), error)).strip()}
        message["traceback"] = traceback.format_exc()
        code = 1
    try:
        kill_tree(os.getpid(), include_self=False)
        payload = json.dumps(message, default=str).encode()
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os._exit(code)
