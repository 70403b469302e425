"""Fixtures of the hostile-input tests: a capped sandbox runner and the real tools' answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_tools import Hostile

DATA = Path(__file__).resolve().parents[1] / "data" / "hostile"


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Hostile]:
    """A private sandbox driven through capped subprocesses; stopped afterwards."""
    runner = Hostile(tmp_path)
    yield runner
    from grader.engine.sandbox.ports import shutdown_all

    shutdown_all(runner.state)


@pytest.fixture(scope="session")
def clients() -> dict[str, dict[str, str]]:
    """What the real Docker 28 CLI, dockerd and kubectl 1.32 answered (tests/data/hostile)."""
    return json.loads((DATA / "clients.json").read_text())
