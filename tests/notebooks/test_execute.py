"""Every source notebook runs top to bottom without an error (solutions and hidden tests).

This is what ``pytest --nbval-lax`` checks, done with nbclient so each notebook runs in its
own folder copy with its own engine state, on the sandbox and (in CI) on the real daemon.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from notebook_harness import ASSIGNMENTS, clean_engine, errors, execute


def run_copy(folder: Path, engine: str, tmp_path: Path) -> list[str]:
    work = tmp_path / folder.name
    shutil.copytree(folder, work)
    state = tmp_path / "state"
    state.mkdir()
    try:
        return errors(execute(work / f"{folder.name}.ipynb", engine, state))
    finally:
        clean_engine(engine, state)


@pytest.mark.slow
@pytest.mark.parametrize("folder", ASSIGNMENTS)
def test_runs_clean_on_the_sandbox(folder: Path, tmp_path: Path) -> None:
    assert run_copy(folder, "sandbox", tmp_path) == []


@pytest.mark.slow
@pytest.mark.real_engine
@pytest.mark.parametrize("folder", ASSIGNMENTS)
def test_runs_clean_on_the_real_engine(folder: Path, tmp_path: Path) -> None:
    assert run_copy(folder, "docker", tmp_path) == []
