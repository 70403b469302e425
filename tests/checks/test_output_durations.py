"""check.output(same_as=...) compares what was printed, not when: durations may tick between
the student's command and the reference (seen in CI: "Up Less than a second" against
"Up 1 second")."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest

from grader.checks.failure import CheckFailed

output_module = importlib.import_module("grader.checks.output")
"""The module (``grader.checks.output`` as an attribute is the check function)."""


def printed(monkeypatch: pytest.MonkeyPatch, mine: str, reference: str) -> None:
    answers = {"docker ps -a": mine, "reference": reference}
    monkeypatch.setattr(
        output_module,
        "command",
        lambda name, exercise=None, hint="": SimpleNamespace(argv=["ps", "-a"]),
    )
    monkeypatch.setattr(
        output_module,
        "run",
        lambda line, source: SimpleNamespace(stdout=answers.get(line, answers["reference"])),
    )


def test_a_duration_that_ticked_between_the_two_runs_is_the_same_output(monkeypatch) -> None:
    printed(
        monkeypatch,
        "old: Created\nwebsite: Up Less than a second\nweb2: Exited (0) 59 seconds ago\n",
        "old: Created\nwebsite: Up 1 second\nweb2: Exited (0) About a minute ago\n",
    )
    output_module.output("container ls", same_as="reference")


def test_anything_else_that_differs_still_fails(monkeypatch) -> None:
    printed(monkeypatch, "website: Up 2 seconds\n", "website: Exited (0) 2 seconds ago\n")
    with pytest.raises(CheckFailed, match="line 1 differs"):
        output_module.output("container ls", same_as="reference")
    printed(monkeypatch, "web: Up 2 seconds\n", "website: Up 2 seconds\n")
    with pytest.raises(CheckFailed):
        output_module.output("container ls", same_as="reference")
