"""Recall questions: a short answer compared exactly, after normalising its form.

``check.recall(colour, ["grey", "gray"], name="colour")`` passes when the answer, normalised
(case, surrounding spaces and punctuation, runs of spaces, hyphens and underscores), equals
one accepted answer normalised the same way. A substring or a right type earns nothing.

The accepted answers live in the notebook's own tests, never in this package. A visible test
cell cannot list them in clear (the student's release shows it), so it lists their
*digests* instead: ``check.recall(colour, digests=["4f1c..."], name="colour")`` judges the
very same thing, and the hidden test re-verifies with the answers in clear. ``digest(name,
answer)`` gives the digest to write.
"""

from __future__ import annotations

import hashlib
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


def digest(name: str, answer: Any) -> str:
    """The digest a visible test lists for ``answer`` to the question ``name``."""
    return hashlib.sha256(f"{name}\n{normalise(answer)}".encode()).hexdigest()


def _usable(answer: Any) -> bool:
    usable = isinstance(answer, str | int) and not isinstance(answer, bool)
    return usable and bool(normalise(answer))


def recall(
    answer: Any,
    accepted: Iterable[Any] = (),
    *,
    name: str,
    digests: Iterable[str] = (),
    hint: str = "",
) -> None:
    """``answer`` equals one of ``accepted`` (or has one of ``digests``) once normalised.

    Args:
        answer: the student's literal (``picks_node = "scheduler"``).
        accepted: the right answers and their accepted synonyms, in clear (hidden tests).
        name: the variable's name, as the student reads it in the message.
        digests: ``digest(name, a)`` of every accepted answer (visible tests).
        hint: what to look at again when the answer is wrong (never the answer).
    """
    if not _usable(answer):
        raise fail(
            f"{name} holds no answer",
            expected="a text (a string) or a whole number",
            found=repr(answer),
        )
    right = {normalise(a) for a in accepted}
    if normalise(answer) not in right and digest(name, answer) not in set(digests):
        raise fail(f"{name} = {answer!r} is not the right answer", hint=hint)
    passed(f"{name} = {answer!r} is right")
