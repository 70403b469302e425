"""Every source notebook runs top to bottom without an error (solutions and hidden tests).

Each notebook runs under nbval (``pytest --nbval-lax``: every cell executes, any error
fails) in its own folder copy with its own engine state, on the sandbox and (in CI) on the
real daemon. A sandbox run gets a network namespace of its own when the machine allows it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from netns import ISOLATE, isolation_available
from notebook_harness import ASSIGNMENTS, DOCKER_ASSIGNMENTS, clean_engine, engine_env

NBVAL = [
    sys.executable,
    "-m",
    "pytest",
    "--nbval-lax",
    "-q",
    "--color=no",
    "-p",
    "no:cacheprovider",
]


def run_copy(folder: Path, engine: str, tmp_path: Path) -> str:
    """Run the notebook's copy under nbval; return nbval's report when it fails, else ""."""
    work = tmp_path / folder.name
    shutil.copytree(folder, work)
    state = tmp_path / "state"
    state.mkdir()
    command = [*NBVAL, "--rootdir", str(work), "-o", "addopts=", f"{folder.name}.ipynb"]
    if engine == "sandbox" and isolation_available():
        # The sandbox's servers publish the notebooks' fixed host ports (8080): in a network
        # namespace of its own, a run shares them with no other test running beside it.
        command = [*ISOLATE, "nbval", *command]
    try:
        result = subprocess.run(
            command,
            cwd=work,
            env=engine_env(engine, state),
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        clean_engine(engine, state)
    return "" if result.returncode == 0 else result.stdout[-12000:] + result.stderr[-2000:]


@pytest.mark.slow
@pytest.mark.parametrize("folder", ASSIGNMENTS)
def test_runs_clean_on_the_sandbox(folder: Path, tmp_path: Path) -> None:
    report = run_copy(folder, "sandbox", tmp_path)
    assert not report, report


@pytest.mark.slow
@pytest.mark.real_engine
@pytest.mark.parametrize("folder", DOCKER_ASSIGNMENTS)
def test_runs_clean_on_the_real_engine(folder: Path, tmp_path: Path) -> None:
    report = run_copy(folder, "docker", tmp_path)
    assert not report, report
