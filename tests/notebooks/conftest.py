"""The ``graded`` fixture: one released and autograded course per (assignment, engine)."""

from __future__ import annotations

from pathlib import Path

import pytest
from notebook_harness import GradedCourse, build_graded_course
from releases import Releases

_GRADED: dict[tuple[Path, str], GradedCourse] = {}


@pytest.fixture
def graded(tmp_path_factory: pytest.TempPathFactory, releases: Releases):
    """``graded(folder, engine)``: the :class:`GradedCourse`, built once per session."""

    def get(folder: Path, engine: str = "sandbox") -> GradedCourse:
        key = (folder, engine)
        if key not in _GRADED:
            workdir = tmp_path_factory.mktemp(f"graded-{folder.name}-{engine}")
            _GRADED[key] = build_graded_course(folder, engine, workdir, releases)
        return _GRADED[key]

    return get
