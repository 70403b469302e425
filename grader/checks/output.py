"""Checks for commands whose result is what they print: ``ps -aq``, ``inspect -f``, ``logs``.

The student's latest command (which must have worked) is run again next to a reference command (or
compared with an expected text), so the verdict is about what their command prints, while
the message shows what differs and never the reference command line.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence

from grader.checks.failure import fail
from grader.checks.progress import EvidenceText, passed
from grader.checks.routes import command
from grader.checks.runner import run
from grader.checks.state import engine
from grader.engine.api import EngineAPI


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


HUMAN_DURATION = re.compile(
    r"\b(?:Less than a second|About a minute|About an hour"
    r"|\d+ (?:second|minute|hour|day|week|month|year)s?)\b"
)
"""A duration as Docker prints one (go-units ``HumanDuration``: "Up 3 seconds", "2 hours ago")."""


def _timeless(lines: list[str]) -> list[str]:
    """``lines`` with every printed duration replaced by one mark.

    The student's command and the reference run a moment apart: "Up Less than a second" may
    be "Up 1 second" by the time the reference runs (seen in CI).
    """
    return [HUMAN_DURATION.sub("<duration>", line) for line in lines]


def _excerpt(lines: Sequence[str], limit: int = 8) -> str:
    if not lines:
        return "(nothing printed)"
    shown = list(lines[:limit])
    if len(lines) > limit:
        shown.append(f"... ({len(lines) - limit} more lines)")
    return "\n".join(shown)


def _difference(got: list[str], want: list[str]) -> str:
    if len(got) != len(want):
        return (
            f"your command printed {len(got)} line{'s' if len(got) != 1 else ''}, "
            f"the expected output has {len(want)}"
        )
    for number, (mine, theirs) in enumerate(zip(got, want, strict=True), start=1):
        if mine != theirs:
            return f"line {number} differs: expected {theirs!r}"
    return "the output differs"


def _field_forms(field: str, target: str) -> list[list[str]]:
    """What ``inspect`` prints for ``field`` of ``target``: plain, then as JSON."""
    forms = []
    for template in (f"{{{{.{field}}}}}", f"{{{{json .{field}}}}}"):
        printed = run(shlex.join(["docker", "inspect", "-f", template, target]), source="check")
        forms.append(_lines(printed.stdout))
    return forms


def output(
    name: str,
    *,
    exercise: str | None = None,
    same_as: str | None = None,
    expected: str | Callable[[EngineAPI], str] | None = None,
    contains: str | Sequence[str] | None = None,
    lines: int | None = None,
    field: str | None = None,
    of: str = "",
    hint: str = "",
) -> str:
    """Check what the student's latest ``name`` command prints now.

    Args:
        name: the command, as for ``check.command`` ("container ls", "container logs").
        exercise: only commands typed since ``check.reset(exercise)`` count.
        same_as: a reference docker command line whose output must be the same (trailing
            spaces and blank lines aside). Keep it in a hidden test: messages never show it.
        expected: the expected text, or a function of the engine that computes it.
        contains: text (or texts) the output must contain.
        lines: how many lines the output must have (blank lines at the end aside).
        field: an inspect field ("Config.Cmd") of the object ``of``: the output must be
            that field and nothing else, as a template prints it plain or as JSON (both
            ``{{.Config.Cmd}}`` and ``{{json .Config.Cmd}}`` are right).
        of: the container or image whose ``field`` is meant.
        hint: replaces the default hint of the first failure.

    Returns:
        What the student's command printed.
    """
    student = command(name, exercise=exercise, hint=hint)
    mine = run(shlex.join(["docker", *student.argv]), source="check")
    got = _lines(mine.stdout)
    shown = "docker " + shlex.join(student.argv)
    want: list[str] | None = None
    if same_as is not None:
        reference = run(same_as, source="check")
        want = _lines(reference.stdout)
    elif expected is not None:
        want = _lines(expected(engine()) if callable(expected) else expected)
    if field is not None and got not in _field_forms(field, of):
        raise fail(
            f"{shown} does not print only the {field} field of {of}",
            expected=f"one value: {of}'s {field}, plain or as JSON",
            found=_excerpt(got),
            hint=hint or "a template (--format) picks one field; which path leads to it?",
        )
    if want is not None and _timeless(got) != _timeless(want):
        raise fail(
            f"{shown} does not print what the exercise asks for",
            expected=_difference(_timeless(got), _timeless(want)),
            found=_excerpt(got),
            hint=hint or "compare your output with the exercise's description",
        )
    if lines is not None and len(got) != lines:
        raise fail(
            f"{shown} does not print what the exercise asks for",
            expected=f"{lines} line{'s' if lines != 1 else ''}",
            found=_excerpt(got),
            hint=hint or "compare your output with the exercise's description",
        )
    needles = [contains] if isinstance(contains, str) else list(contains or [])
    for needle in needles:
        if needle not in mine.stdout:
            raise fail(
                f"the output of {shown} does not contain {needle!r}",
                found=_excerpt(got),
                hint=hint or "compare your output with the exercise's description",
            )
    passed(f"{shown} prints the expected output")
    return EvidenceText(mine.stdout)
