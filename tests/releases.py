"""Released courses built once per test run and shared by every xdist worker.

Releasing an assignment (``course release``: nbgrader's ``generate_assignment``) costs
seconds of CPU, and the graded round trips of both engines, the leak tests and the grading
corpora all start from the release of the same folder. :class:`Releases` builds each one
once: the first worker that asks builds it under a file lock in the run's temporary folder
(the one every worker's ``tmp_path_factory`` folder lives in), the others wait for the lock
and copy the result. A release is keyed by the content of the assignment's folder and of
``nbgrader_config.py``, so a test that changes either gets a release of its own.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "nbgrader_config.py"


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this test run, the same in every xdist worker."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def content_key(folder: Path, config: Path = CONFIG) -> str:
    """A digest of ``config`` and of every file under ``folder`` (names and bytes)."""
    digest = hashlib.sha256(config.read_bytes())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Releases:
    """Course roots holding one released assignment, built once per run in ``store``."""

    def __init__(self, store: Path) -> None:
        self.store = store

    def course(self, folder: Path, root: Path) -> None:
        """Make ``root`` a course root with ``folder``'s assignment released.

        ``root`` (which must not exist) gets ``nbgrader_config.py``, ``notebooks/<name>/``,
        ``release/<name>/`` and the gradebook that records the release.
        """
        built = self.store / f"{folder.name}-{content_key(folder)}"
        self.store.mkdir(parents=True, exist_ok=True)
        with (self.store / f"{built.name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not built.is_dir():
                _release(folder, built)
        shutil.copytree(built, root, symlinks=True)


def _release(folder: Path, built: Path) -> None:
    """Release ``folder`` in a new course root, then move the root to ``built`` in one step."""
    partial = built.with_name(f"{built.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    shutil.copy(CONFIG, partial)
    shutil.copytree(folder, partial / "notebooks" / folder.name)
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    command = [sys.executable, "-m", "grader.course.cli", "--root", str(partial)]
    done = subprocess.run(
        [*command, "release", folder.name], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    partial.rename(built)
