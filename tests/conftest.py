"""Fixtures every test folder shares: an isolated sandbox, and the real daemon when present.

A test that needs the real Docker Engine asks for ``real_engine`` (or is marked
``real_engine``). Without a daemon it is skipped, except when ``COURSE_REQUIRE_DOCKER=1``
(set by ``.ci/run``): then it fails, so CI can never go green by skipping the real part.

The whole suite runs with ``COURSE_RAISE_UNEXPECTED=1`` (:mod:`grader.unexpected`).

The suite runs in parallel (``make test``: pytest-xdist with ``--dist loadgroup``); tests
that share something run in one worker, one after the other (:func:`shared_resource`):
everything on the real daemon (fixed container names and host ports, label-wide resets,
the registry), the browser tests (one lab per session), and the tests of one graded
notebook (built once per worker). Slow tests get a longer time limit (:data:`SLOW_TIMEOUT`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from ports import unused_port
from releases import Releases, run_folder
from second_daemon import GROUP as SECOND_DAEMON_GROUP
from second_daemon import inside as inside_second_daemon
from second_daemon import uses_second_daemon
from worker_times import CpuClock, WorkerTimes

from grader.engine import daemon_answers, docker_host

pytest_plugins = ["pytester"]

os.environ["COURSE_RAISE_UNEXPECTED"] = "1"
"""A bug of the course's own code fails the test that meets it, in this process and in every
subprocess (shims, nbval kernels), instead of printing "docker: unexpected error"."""


def _require_docker() -> bool:
    return os.environ.get("COURSE_REQUIRE_DOCKER", "") not in {"", "0", "false", "no"}


def _missing_real_part(message: str) -> NoReturn:
    """Skip for want of a real part (daemon, CLI, registry ...); fail when it is required."""
    if _require_docker():
        pytest.fail(f"{message}, and COURSE_REQUIRE_DOCKER=1 forbids skipping")
    pytest.skip(message)


def _daemon_or_skip() -> str:
    """The reachable daemon's address; skip, or fail under COURSE_REQUIRE_DOCKER=1."""
    host = docker_host()
    if not daemon_answers(host, timeout=2.0):
        _missing_real_part(f"no Docker daemon answers at {host}")
    return host


SLOW_TIMEOUT = 1200
"""Seconds a ``slow`` test may run (pyproject's ``timeout`` bounds the others)."""

DAEMON_FIXTURES = {"real_engine", "real_docker_host"}


def shared_resource(item: pytest.Item) -> str | None:
    """The xdist group of a test that shares something with others, else None."""
    if item.get_closest_marker("real_engine"):
        return SECOND_DAEMON_GROUP if uses_second_daemon(item) else "docker-daemon"
    if item.get_closest_marker("browser"):
        return "browser"
    params = item.callspec.params if hasattr(item, "callspec") else {}
    if "graded" in item.fixturenames and params.get("folder") is not None:
        return f"graded-{Path(params['folder']).name}"
    if "graded_campaign" in item.fixturenames:
        # one campaign per grading route, each graded once, in the one worker that uses it
        return f"security-campaign-{params.get('campaign', 'all')}"
    if "edition" in item.fixturenames:
        return "security-edition"
    return None


def pytest_configure(config: pytest.Config) -> None:
    """Each process running tests times their CPU; the one steering workers sums per worker."""
    config.pluginmanager.register(CpuClock(), "cpu-clock")
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(WorkerTimes(), "worker-times")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark daemon users ``real_engine``, group tests sharing a resource, time slow ones.

    Runs before ``-m`` selects, so ``-m "not real_engine"`` leaves out every test that
    asks for the daemon through a fixture too.
    """
    for item in items:
        if DAEMON_FIXTURES & set(item.fixturenames) and not item.get_closest_marker("real_engine"):
            item.add_marker(pytest.mark.real_engine)
        group = shared_resource(item)
        if group and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(group))
        _name_group(item)
        if item.get_closest_marker("slow") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(SLOW_TIMEOUT))


def _name_group(item: pytest.Item) -> None:
    """Append ``@GROUP`` to the node id in an xdist worker running ``--dist loadgroup``.

    That suffix is how loadgroup's scheduler sees an ``xdist_group``. pytest-xdist 3.8
    writes it to ``item._nodeid``, which pytest 9.2 no longer reads (the id lives in
    ``item._id``): its groups would be silently ignored. This writes the id pytest 9.2 reads.
    """
    names = sorted({str(mark.args[0]) for mark in item.iter_markers("xdist_group") if mark.args})
    if not names or not getattr(item.config.option, "loadgroup", False):
        return
    if not hasattr(item, "_id"):
        return  # an older pytest: xdist's own hook names the group
    from _pytest.nodeid import NodeId

    item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")


@pytest.fixture(scope="session")
def missing_real_part() -> Callable[[str], NoReturn]:
    """Call it with what is missing: the test skips, or fails under COURSE_REQUIRE_DOCKER=1."""
    return _missing_real_part


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """The second daemon's tests run, set-up to tear-down, in its network namespace."""
    if not (item.get_closest_marker("real_engine") and uses_second_daemon(item)):
        return (yield)
    with inside_second_daemon():
        return (yield)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Hold every ``real_engine``-marked test (or parameter) to the daemon rule."""
    if item.get_closest_marker("real_engine"):
        _daemon_or_skip()


@pytest.fixture(scope="session", autouse=True)
def private_default_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A test that names no sandbox folder uses this session's own (one per xdist worker).

    Not the user's ``~/.local/state`` folder, which the workers, a developer's lab and other
    test runs would otherwise share.
    """
    state = tmp_path_factory.mktemp("default-state")
    before = os.environ.get("COURSE_SANDBOX_DIR")
    os.environ["COURSE_SANDBOX_DIR"] = str(state)
    yield state
    if before is None:
        os.environ.pop("COURSE_SANDBOX_DIR", None)
    else:
        os.environ["COURSE_SANDBOX_DIR"] = before
    _shutdown_sandbox(state)


def _shutdown_sandbox(state: Path) -> None:
    """Stop the daemon and the helper processes (HTTP servers) of the sandbox at ``state``."""
    from grader.serve.daemon import stop

    stop(state)  # the daemon a terminal command started for this folder
    try:
        from grader.engine.sandbox import SandboxEngine
    except ImportError:
        return
    shutdown = getattr(SandboxEngine, "shutdown_all", None)
    if shutdown is not None:
        shutdown(state)


@pytest.fixture
def sandbox_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh sandbox state folder, selected for this test through the environment."""
    state = tmp_path / "sandbox"
    state.mkdir()
    monkeypatch.setenv("COURSE_SANDBOX_DIR", str(state))
    monkeypatch.setenv("COURSE_ENGINE", "sandbox")
    yield state
    _shutdown_sandbox(state)


@pytest.fixture(scope="session")
def real_docker_host() -> str:
    """The address of a reachable daemon; skip (or fail under COURSE_REQUIRE_DOCKER=1)."""
    return _daemon_or_skip()


@pytest.fixture
def real_engine(real_docker_host: str, monkeypatch: pytest.MonkeyPatch):
    """The real engine backend, selected through the environment for this test."""
    monkeypatch.setenv("COURSE_ENGINE", "docker")
    from grader.engine import get_engine

    return get_engine("docker")


@pytest.fixture
def free_port() -> Callable[[], int]:
    """Call it for a TCP port nothing listens on (tests never use fixed ports)."""
    return unused_port


_REAL_SLEEP = time.sleep


class FakeClock:
    """``time.time`` and ``time.time_ns`` that move only when a test (or a sleep) says so."""

    def __init__(self, start: float) -> None:
        self.now = start
        self._strangers = set(threading.enumerate()) - {threading.current_thread()}

    def time(self) -> float:
        return self.now

    def time_ns(self) -> int:
        return round(self.now * 1e9)

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass."""
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        """``time.sleep`` that returns at once, ``seconds`` later on this clock.

        Only for the test and the threads it starts: a thread an earlier test left polling
        (a log follower, a helper's watcher) would otherwise spin and push this clock
        minutes ahead, so threads older than the clock sleep for real. Told apart by their
        ``Thread`` objects: a thread's ident is reused once it ends, and a test's own follower
        taken for a stranger slept for real while the test waited for the clock (a CI hang).
        """
        if threading.current_thread() in self._strangers:
            _REAL_SLEEP(seconds)
            return
        self.advance(max(0.0, seconds))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """A :class:`FakeClock` in place of the wall clock (and ``time.sleep``): no real waits."""
    fake = FakeClock(time.time())
    monkeypatch.setattr(time, "time", fake.time)
    monkeypatch.setattr(time, "time_ns", fake.time_ns)
    monkeypatch.setattr(time, "sleep", fake.sleep)
    return fake


@pytest.fixture(scope="session")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Releases:
    """Released assignments built once per test run, shared by the xdist workers."""
    return Releases(run_folder(tmp_path_factory) / "releases")
