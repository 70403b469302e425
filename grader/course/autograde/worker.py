"""Grade one submission in this process with the lean writer, built once per process.

No ``nbgrader`` subprocess and no kernel: :class:`grader.course.autograde.writer.Writer`
runs nbgrader's preprocessors here (the sanitising ones, then
:class:`grader.grading.nbgrader.TrustedExecute`, then ``SaveAutoGrades``...), and the
execute step forks one child per submission. The grading processes of ``course
autograde`` each call :func:`grade_one` for many submissions, so nbgrader, IPython, the
course's package, the configuration and the released assignments' gradebook rows are read
once per process, not once per submission.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from grader.course.settings import ensure_tools_on_path, load_config

if TYPE_CHECKING:
    from grader.course.autograde.writer import Writer


@dataclass(frozen=True)
class Outcome:
    """What happened to one submission."""

    assignment: str
    student: str
    ok: bool
    """The submission was graded (the score is in the gradebook)."""
    seconds: float
    log: str
    """The grading log, kept for the instructor when something went wrong."""
    timed_out: bool = False
    replay_seconds: float = 0.0
    """Of ``seconds``, the trusted replay's (the rest is reading, writing, the gradebook)."""


_WRITERS: dict[tuple[Path, str, bool], Writer] = {}
"""This process's writers, by course root, engine and isolation."""


def preload() -> None:
    """Import what grading uses (run once in each grading process, before any fork)."""
    ensure_tools_on_path()
    # nbgrader's gradebook trips this SQLAlchemy warning on every autograde (its own
    # session handling; nothing is lost): keep it out of the instructor's console.
    warnings.filterwarnings("ignore", message=r"Object of type <Submitted\w+> not in session")
    import grader.course.autograde.writer  # noqa: F401 - imported for the forks' sake
    from grader.grading.nbgrader import preload as preload_grading

    preload_grading()


def writer_for(root: Path, engine: str, isolate: bool) -> Writer:
    """This process's :class:`Writer` for the course at ``root`` (built on first use)."""
    from grader.course.autograde.writer import Writer

    key = (root, engine, isolate)
    if key not in _WRITERS:
        config = load_config(root)
        config.CourseSettings.grading_engine = engine
        config.TrustedExecute.isolate = "always" if isolate else "never"
        _WRITERS[key] = Writer(config)
    return _WRITERS[key]


def grade_one(
    *,
    root: Path,
    assignment: str,
    student: str,
    engine: str,
    isolate: bool = False,
) -> Outcome:
    """Autograde ``student``'s ``assignment`` (forced) with the trusted execute step.

    Args:
        root: the course root.
        assignment: the assignment id.
        student: the student id.
        engine: ``sandbox`` or ``docker``.
        isolate: give the submission a network namespace of its own.
    """
    from grader.grading.nbgrader import REPLAY_SECONDS

    started = time.monotonic()
    written = writer_for(root, engine, isolate).grade(assignment, student)
    return Outcome(
        assignment,
        student,
        written.ok,
        time.monotonic() - started,
        written.log,
        written.timed_out,
        sum(REPLAY_SECONDS),
    )
