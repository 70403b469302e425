"""Released courses built once per test run and shared by every xdist worker.

Releasing an assignment (``course release``: nbgrader's ``generate_assignment``) costs
seconds of CPU, and the graded round trips of both engines, the leak tests and the grading
corpora all start from the release of the same folder. :class:`Releases` builds each one
once: the first worker that asks builds it under a file lock in the run's temporary folder
(the one every worker's ``tmp_path_factory`` folder lives in), the others wait for the lock
and copy the result. A release is keyed by the content of the assignment's folder and of
``nbgrader_config.py``, so a test that changes either gets a release of its own.

The first ask for one of the assignments releases all of them (the course's and the test
fixtures'), each into its own
course root, in one process: most of a ``course release`` is starting Python and importing
nbgrader (~4 s of CPU), an assignment itself ~0.6 s, and every assignment's release is
asked for in a full run.
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
SOURCES = (REPO / "notebooks", REPO / "tests" / "data" / "course" / "notebooks")
"""Where assignments live: the course's, then the test fixtures (ps0, ps1)."""


def assignment_folders() -> list[Path]:
    """Every assignment folder (one holding ``<name>.ipynb``) of :data:`SOURCES`, in order."""
    return [
        folder
        for parent in SOURCES
        for folder in sorted(parent.glob("*/"))
        if (folder / f"{folder.name}.ipynb").is_file()
    ]


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

    def built(self, folder: Path) -> Path:
        """Where ``folder``'s release is (or will be) kept for this run."""
        return self.store / f"{folder.name}-{content_key(folder)}"

    def course(self, folder: Path, root: Path) -> None:
        """Make ``root`` a course root with ``folder``'s assignment released.

        ``root`` (which must not exist) gets ``nbgrader_config.py``, ``notebooks/<name>/``,
        ``release/<name>/`` and the gradebook that records the release.
        """
        built = self.built(folder)
        self.store.mkdir(parents=True, exist_ok=True)
        with (self.store / "releases.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not built.is_dir():
                wanted = [f for f in batch(folder) if not self.built(f).is_dir()]
                _release({f: self.built(f) for f in wanted})
        shutil.copytree(built, root, symlinks=True)


def batch(folder: Path) -> list[Path]:
    """What to release with ``folder``: every assignment when it is one of them, else
    ``folder`` alone (a test's modified copy)."""
    known = assignment_folders()
    return known if folder.resolve() in known else [folder]


RELEASE_EACH = """
import sys
from pathlib import Path
from grader.course.release import main
for root, name in zip(sys.argv[1::2], sys.argv[2::2]):
    main(root=Path(root), assignments=[name])
"""
"""Release each (course root, assignment) pair of the command line, in one process."""


def _release(folders: dict[Path, Path]) -> None:
    """Release each folder in a new course root of its own, then move each root to its
    place in ``folders`` in one step."""
    partials = {}
    for folder, built in folders.items():
        partial = built.with_name(f"{built.name}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        shutil.copy(CONFIG, partial)
        shutil.copytree(folder, partial / "notebooks" / folder.name)
        partials[folder] = partial
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    pairs = [str(word) for f, partial in partials.items() for word in (partial, f.name)]
    done = subprocess.run(
        [sys.executable, "-c", RELEASE_EACH, *pairs], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for folder, partial in partials.items():
        partial.rename(folders[folder])
