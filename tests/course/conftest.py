"""A throwaway course built from the repository's nbgrader_config.py and the fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from course_fixture import FIXTURE, REPO


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A course root holding the ps0 fixture assignment."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(FIXTURE, root / "notebooks")
    return root
