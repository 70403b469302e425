"""Fixtures for the sandbox engine's tests: a fresh engine and free host ports."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from grader.engine.sandbox import SandboxEngine


@pytest.fixture
def engine(sandbox_dir: Path) -> SandboxEngine:
    """A sandbox engine on a fresh state folder (helper processes stopped afterwards)."""
    return SandboxEngine(sandbox_dir)


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("0.0.0.0", 0))
        return sock.getsockname()[1]


@pytest.fixture
def port() -> int:
    """A free host port for one test."""
    return free_port()
