"""Fixtures for the sandbox engine's tests: a fresh engine and free host ports."""

from __future__ import annotations

from pathlib import Path

import pytest
from ports import unused_port

from grader.engine.sandbox import SandboxEngine


@pytest.fixture
def engine(sandbox_dir: Path) -> SandboxEngine:
    """A sandbox engine on a fresh state folder (helper processes stopped afterwards)."""
    return SandboxEngine(sandbox_dir)


@pytest.fixture
def port() -> int:
    """A free host port for one test."""
    return unused_port("0.0.0.0")
