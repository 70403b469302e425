"""Immediate feedback for passing checks, and the summary line a visible test cell ends with.

Each passing check prints one ``✔`` line saying what it verified, so a student who runs a
test cell sees progress at once (like otter-grader's ``grader.check``). :func:`summary`
closes a visible test cell: it says the *public* checks passed and that more run when the
notebook is graded; it never claims "all tests passed".
"""

from __future__ import annotations

_passed: list[str] = []


def passed(description: str) -> None:
    """Report one passing check: print it and remember it for :func:`summary`."""
    _passed.append(description)
    print(f"✔ {description}")


def summary(exercise: str = "") -> int:
    """Print the public-checks summary for the checks passed since the last summary.

    Args:
        exercise: the exercise's title, shown in the summary line.

    Returns:
        How many checks passed since the previous summary.
    """
    count = len(_passed)
    _passed.clear()
    label = f"{exercise}: " if exercise else ""
    noun = "check" if count == 1 else "checks"
    print(
        f"{label}{count} public {noun} passed. "
        "Hidden tests check more when your notebook is graded."
    )
    return count
