"""Grade one submission in this process with nbgrader's ``Autograde`` converter.

No ``nbgrader`` subprocess and no kernel: the converter runs here (its sanitising steps,
then :class:`grader.grading.nbgrader.TrustedExecute`, then ``SaveAutoGrades``), and the
execute step forks one child per submission. The grading processes of ``course
autograde`` each call :func:`grade_one` for many submissions, so nbgrader, IPython and the
course's package are imported once per process, not once per submission.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from grader.course.settings import ensure_tools_on_path, load_config

TIMEOUT_MARK = "GradingTimeout"
"""Appears in nbgrader's log when the execute step stopped a submission for its time."""


@dataclass(frozen=True)
class Outcome:
    """What happened to one submission."""

    assignment: str
    student: str
    ok: bool
    """nbgrader finished (the score is in the gradebook)."""
    seconds: float
    log: str
    """nbgrader's log, kept for the instructor when something went wrong."""
    timed_out: bool = False
    replay_seconds: float = 0.0
    """Of ``seconds``, the trusted replay's (the rest is nbgrader's converter and gradebook)."""


def preload() -> None:
    """Import what grading uses (run once in each grading process, before any fork)."""
    ensure_tools_on_path()
    # nbgrader's gradebook trips this SQLAlchemy warning on every autograde (its own
    # session handling; nothing is lost): keep it out of the instructor's console.
    warnings.filterwarnings("ignore", message=r"Object of type <Submitted\w+> not in session")
    import nbgrader.converters  # noqa: F401 - imported for the forks' sake

    from grader.grading.nbgrader import preload as preload_grading

    preload_grading()


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
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    from grader.grading.nbgrader import REPLAY_SECONDS, trusted_preprocessors

    started = time.monotonic()
    config = load_config(root)
    config.CourseSettings.grading_engine = engine
    config.TrustedExecute.isolate = "always" if isolate else "never"
    configured = config.Autograde.get("autograde_preprocessors")
    config.Autograde.autograde_preprocessors = trusted_preprocessors(
        configured or Autograde.autograde_preprocessors.default_value
    )
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    coursedir.student_id = student
    converter = Autograde(coursedir=coursedir, config=config)
    converter.force = True
    REPLAY_SECONDS.clear()
    result = capture_log(converter)
    log = result.get("log", "") + result.get("error", "")
    seconds = time.monotonic() - started
    return Outcome(
        assignment,
        student,
        result["success"],
        seconds,
        log,
        TIMEOUT_MARK in log,
        sum(REPLAY_SECONDS),
    )
