"""A second Docker daemon for the notebooks' real-engine tests, in a network namespace.

The real-engine tests share one daemon and so run one after the other on one xdist worker
(the ``docker-daemon`` group): the notebooks use fixed container names and host ports
(8080), the registry at 127.0.0.1:5000, and clean up every course-labelled container. That
group was the longest stretch of CI's test step. When CI starts a second daemon and registry
in a network namespace of their own (``.ci/services.sh start-ns``), it names them in
:data:`NETNS_VARIABLE` and :data:`HOST_VARIABLE`, and the notebooks' real-engine runs and
round trips (most of them: :data:`FIRST_DAEMON_NOTEBOOKS`) become a second group,
``docker-daemon-2``, run against that daemon beside the first group: each of its tests runs
inside the namespace (this thread's network namespace is switched, so the kernels, shims
and grading processes it starts are in it too, and 127.0.0.1:8080 or :5000 are the second
daemon's) with ``DOCKER_HOST`` set to its socket.
Without those variables (a developer's machine) every real-engine test stays in one group.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

NETNS_VARIABLE = "COURSE_TEST_NETNS_2"
"""The file holding the second daemon's network namespace (``.ci/services.sh start-ns``)."""
HOST_VARIABLE = "COURSE_TEST_DOCKER_HOST_2"
"""The second daemon's address (a unix socket: reachable from any network namespace)."""
GROUP = "docker-daemon-2"
FIRST_DAEMON_NOTEBOOKS = frozenset(
    {"01-docker-intro", "03-dockerfiles", "04-registries", "10-capstone"}
)
"""Notebooks whose real-engine tests stay on the first daemon, beside the other real-engine
tests, so that the two groups take about as long: measured in CI on 2026-12-03 with every
notebook on the second daemon, the first group took 127 s and the notebooks 345 s (08: 95,
05: 90, 02: 46, 10: 34, 03: 33, 01: 18, 04: 18, ps1: 12). A new notebook goes to the second."""

CLONE_NEWNET = 0x40000000
_LIBC = ctypes.CDLL(None, use_errno=True)


def configured() -> bool:
    """Whether CI named a second daemon."""
    return bool(os.environ.get(NETNS_VARIABLE) and os.environ.get(HOST_VARIABLE))


def uses_second_daemon(item: pytest.Item) -> bool:
    """The notebooks' real-engine runs and round trips (tests taking a notebook ``folder``)
    but those of :data:`FIRST_DAEMON_NOTEBOOKS`, when a second daemon is configured."""
    params = item.callspec.params if hasattr(item, "callspec") else {}
    folder = params.get("folder")
    return configured() and folder is not None and Path(folder).name not in FIRST_DAEMON_NOTEBOOKS


def _enter(namespace: int) -> None:
    """Move this thread into the network namespace open at file descriptor ``namespace``."""
    if _LIBC.setns(namespace, CLONE_NEWNET) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"setns: {os.strerror(error)}")


@contextmanager
def inside() -> Iterator[None]:
    """Run the block in the second daemon's namespace, ``DOCKER_HOST`` set to it."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(Path(os.environ[NETNS_VARIABLE]), os.O_RDONLY)
    before = os.environ.get("DOCKER_HOST")
    try:
        _enter(target)
        os.environ["DOCKER_HOST"] = os.environ[HOST_VARIABLE]
        yield
    finally:
        _enter(home)
        if before is None:
            os.environ.pop("DOCKER_HOST", None)
        else:
            os.environ["DOCKER_HOST"] = before
        os.close(target)
        os.close(home)
