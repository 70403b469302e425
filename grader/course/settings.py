"""Load the course's nbgrader configuration and build nbgrader's API on it.

Every verb works on a course root (the folder holding ``nbgrader_config.py``). nbgrader
runs ``alembic`` as a subprocess when it first creates the gradebook, so the folder of the
running interpreter is put on ``PATH`` before nbgrader is used.
"""

from __future__ import annotations

import os
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from grader.grading.settings import CourseSettings, bin_dir

CONFIG_FILE = "nbgrader_config.py"


def ensure_tools_on_path() -> None:
    """Put the interpreter's folder first on ``PATH`` so nbgrader finds ``alembic``."""
    current = os.environ.get("PATH", "")
    if current.split(os.pathsep)[0] != bin_dir():
        os.environ["PATH"] = os.pathsep.join([bin_dir(), current]) if current else bin_dir()


def find_root(start: Path | None = None) -> Path:
    """The course root: ``start`` (default: cwd) or the nearest parent with the config file.

    Raises:
        FileNotFoundError: no folder up from ``start`` holds ``nbgrader_config.py``.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise FileNotFoundError(f"no {CONFIG_FILE} in {here} or its parents: is this a course?")


def load_config(root: Path) -> Config:
    """Read ``nbgrader_config.py`` from ``root`` and pin the course root to ``root``."""
    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    return config


def course_settings(root: Path) -> CourseSettings:
    """The :class:`CourseSettings` configured for the course at ``root``."""
    return CourseSettings(config=load_config(root))


def coursedir(root: Path):
    """The nbgrader ``CourseDirectory`` for the course at ``root``."""
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=load_config(root))


def nbgrader_api(root: Path):
    """An ``nbgrader.apps.NbGraderAPI`` for the course at ``root``."""
    ensure_tools_on_path()
    from nbgrader.apps import NbGraderAPI

    config = load_config(root)
    return NbGraderAPI(coursedir=coursedir(root), config=config)


def source_assignments(root: Path) -> list[str]:
    """The assignment ids in the source folder (folders holding at least one notebook)."""
    source = root / coursedir(root).source_directory
    if not source.is_dir():
        return []
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
