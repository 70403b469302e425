"""Fixtures every test folder shares: an isolated sandbox, and the real daemon when present.

A test that needs the real Docker Engine asks for ``real_engine`` (or is marked
``real_engine``). Without a daemon it is skipped, except when ``COURSE_REQUIRE_DOCKER=1``
(set by ``.ci/run``): then it fails, so CI can never go green by skipping the real part.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from grader.engine import daemon_answers, docker_host


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


@pytest.fixture(scope="session")
def missing_real_part() -> Callable[[str], NoReturn]:
    """Call it with what is missing: the test skips, or fails under COURSE_REQUIRE_DOCKER=1."""
    return _missing_real_part


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Hold every ``real_engine``-marked test (or parameter) to the daemon rule."""
    if item.get_closest_marker("real_engine"):
        _daemon_or_skip()


@pytest.fixture
def sandbox_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh sandbox state folder, selected for this test through the environment."""
    state = tmp_path / "sandbox"
    state.mkdir()
    monkeypatch.setenv("COURSE_SANDBOX_DIR", str(state))
    monkeypatch.setenv("COURSE_ENGINE", "sandbox")
    yield state
    try:
        from grader.engine.sandbox import SandboxEngine
    except ImportError:
        return
    shutdown = getattr(SandboxEngine, "shutdown_all", None)
    if shutdown is not None:
        shutdown(state)


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
