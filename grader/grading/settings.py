"""The grading settings an instructor configures, and where the grader's tools live.

``c.CourseSettings`` in ``nbgrader_config.py`` sets them; :mod:`grader.course.settings`
reads that file for the instructor CLI, and the grader reads them from nbgrader's config.
"""

from __future__ import annotations

import sys
from pathlib import Path

from traitlets import Integer, Unicode
from traitlets.config import Configurable


class CourseSettings(Configurable):
    """The course's own settings, read from ``c.CourseSettings`` in ``nbgrader_config.py``."""

    notebook_timeout = Integer(
        900, help="Seconds one notebook may take to grade before the submission is stopped."
    ).tag(config=True)
    grading_engine = Unicode(
        "sandbox", help="COURSE_ENGINE used while grading: sandbox (default) or docker."
    ).tag(config=True)


def bin_dir() -> str:
    """The folder of the running interpreter (where ``alembic`` and ``nbgrader`` live)."""
    return str(Path(sys.executable).parent)
