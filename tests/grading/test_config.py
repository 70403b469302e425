"""Every way of grading uses the trusted execute step, never nbgrader's kernel Execute."""

from __future__ import annotations

from pathlib import Path

from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute, SaveAutoGrades

from grader.course.settings import load_config
from grader.grading.nbgrader import TrustedExecute, trusted_preprocessors

REPO = Path(__file__).resolve().parents[2]


def test_the_course_configuration_grades_with_trusted_execute() -> None:
    config = load_config(REPO)
    steps = Autograde(config=config).autograde_preprocessors
    assert steps[0] is TrustedExecute
    assert not [step for step in steps if step is Execute]
    assert config.OverwriteCells.add_missing_cells is True


def test_course_autograde_puts_it_back_whatever_the_configuration() -> None:
    assert trusted_preprocessors([Execute, SaveAutoGrades]) == [TrustedExecute, SaveAutoGrades]
    assert trusted_preprocessors(["nbgrader.preprocessors.Execute"]) == [TrustedExecute]
    assert trusted_preprocessors([SaveAutoGrades]) == [TrustedExecute, SaveAutoGrades]
