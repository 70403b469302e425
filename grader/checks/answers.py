"""Recall questions: a short answer compared exactly, after normalising its form.

``check.recall(colour, accepted=["grey", "gray"])`` passes when the
answer, normalised (case, surrounding spaces and punctuation, runs of spaces, hyphens and
underscores), equals one accepted answer normalised the same way. The accepted answers live
in the notebook's own (hidden) test cell, never in this package; a substring or a right type
earns nothing. :func:`answered` is the visible cell's form check: it grades nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from grader.checks.failure import fail
from grader.checks.progress import passed

_SEPARATORS = re.compile(r"[\s_-]+")


def normalise(answer: Any) -> str:
    """``" Light_Grey. "`` -> ``"light grey"``; numbers as their digits."""
    text = str(answer).casefold().strip().strip(".!'\"`")
    return _SEPARATORS.sub(" ", text).strip()


def _usable(answer: Any) -> bool:
    return not isinstance(answer, bool) and isinstance(answer, str | int) and bool(str(answer))


def answered(answer: Any, kind: type, *, name: str) -> None:
    """The visible form check: ``answer`` is a non-empty value of ``kind`` (no points)."""
    if isinstance(answer, bool) or not isinstance(answer, kind) or not str(answer).strip():
        raise fail(
            f"{name} should be a {'number' if kind is int else 'text (a string)'}",
            found=repr(answer),
        )
    passed(f"{name} has the right form (the answer itself is graded when the notebook is)")


def recall(answer: Any, accepted: Iterable[Any], *, name: str, hint: str = "") -> None:
    """``answer`` equals one of ``accepted`` once both are normalised."""
    if not _usable(answer):
        raise fail(f"{name} holds no answer", found=repr(answer))
    if normalise(answer) not in {normalise(a) for a in accepted}:
        raise fail(f"{name} = {answer!r} is not the right answer", hint=hint)
    passed(f"{name} is right")
