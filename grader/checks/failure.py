"""The failure every check raises: a teaching message, and a traceback that hides the test.

A failed check tells the student what was expected, what was found and a hint towards the
fix, never the answer itself. nbgrader shows a failing test cell's traceback, and IPython's
default traceback quotes the cell's source (hidden tests included), so :class:`CheckFailed`
renders its own one-block traceback through IPython's ``_render_traceback_`` hook, a ``✘``
line that pairs with the ``✔`` lines of the checks that passed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from grader.engine.errors import EngineError, NotFound


@dataclass
class Verdict:
    """The parts of a failure message."""

    problem: str
    """One sentence: what is wrong ("there is no container named website")."""
    expected: str = ""
    """What the exercise asks for, in words (never the command that does it)."""
    found: str = ""
    """What the engine or the history shows."""
    hint: str = ""
    """A nudge towards the fix."""

    def render(self) -> str:
        """The message as the student reads it."""
        lines = [self.problem]
        parts = (("expected", self.expected), ("found", self.found), ("hint", self.hint))
        for label, text in parts:
            if text:
                first, *rest = text.splitlines()
                lines.append(f"  {label + ':':<9} {first}")
                lines.extend(f"            {line}" for line in rest)
        return "\n".join(lines)


class CheckFailed(AssertionError):
    """A check's verdict: an ``AssertionError``, so nbgrader counts it as a failed test."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.render())
        self.verdict = verdict

    def _render_traceback_(self) -> list[str]:
        """The lines IPython shows instead of a traceback (which would quote the test)."""
        first, *rest = str(self).splitlines()
        return ["\x1b[0;31m✘ Check failed\x1b[0m: " + first, *rest]


def fail(problem: str, *, expected: str = "", found: str = "", hint: str = "") -> CheckFailed:
    """Build the exception a check raises; the caller raises it."""
    error = CheckFailed(Verdict(problem, expected, found, hint))
    error.__suppress_context__ = True
    return error


@contextmanager
def engine_refusal(problem: str, *, hint: str = "") -> Iterator[None]:
    """Turn an engine error inside the block into a failed check quoting the engine.

    Args:
        problem: the failure's first sentence.
        hint: its hint ("" for none).

    Raises:
        CheckFailed: with ``found`` the engine's explanation.
    """
    try:
        yield
    except EngineError as error:
        raise fail(problem, found=error.explanation, hint=hint) from None


@contextmanager
def missing(problem: str, *, hint: str = "") -> Iterator[None]:
    """Turn the engine's "not found" inside the block into a failed check.

    Args:
        problem: the failure's first sentence ("there is no network web").
        hint: its hint ("" for none).

    Raises:
        CheckFailed: when the engine has no such object.
    """
    try:
        yield
    except NotFound:
        raise fail(problem, hint=hint) from None
