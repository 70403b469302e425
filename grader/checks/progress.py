"""Immediate feedback for passing checks, and the summary line a visible test cell ends with.

Each passing check prints one ``✔`` line saying what it verified, so a student who runs a
test cell sees progress at once (like otter-grader's ``grader.check``). :func:`summary`
closes a visible test cell: it says the *public* checks passed and that more run when the
notebook is graded; it never claims "all tests passed". In IPython the count starts afresh
at each cell, so it always equals the ✔ lines above it (a cell that failed half-way and is
run again does not add its earlier ✔ lines).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import TypeIs  # typing.TypeIs from Python 3.13

_passed: list[str] = []


def _forget_at_each_cell() -> None:
    """In IPython, count afresh at each cell, so a summary counts only its own cell's ✔."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and _on_cell not in shell.events.callbacks["pre_run_cell"]:
        shell.events.register("pre_run_cell", _on_cell)


def _on_cell(*_info: object) -> None:
    _passed.clear()


def passed(description: str) -> None:
    """Report one passing check: print it and remember it for :func:`summary`."""
    _forget_at_each_cell()
    _passed.append(description)
    print(f"✔ {description}")


def settle_absence(
    found: object,
    exists: bool,
    *,
    gone: str,
    still: Callable[[], Exception],
    missing: Callable[[], Exception],
) -> TypeIs[None]:
    """The common start of a check that an object exists, or (``exists=False``) does not.

    Args:
        found: what the engine returned for the object, None when it has none.
        exists: whether the exercise wants the object.
        gone: the passing line when it is rightly absent.
        still: makes the failure for an object that should be gone.
        missing: makes the failure for an object that should be there.

    Returns:
        True when the check is over (the object is rightly absent); False when it exists
        as wanted and the caller goes on checking it (so ``found`` is not None after a
        False, which the return type tells the type checker).
    """
    if not exists:
        if found is not None:
            raise still()
        passed(gone)
        return True
    if found is None:
        raise missing()
    return False


def forget() -> None:
    """Start counting afresh (an exercise starts)."""
    _passed.clear()


def summary(exercise: str = "") -> None:
    """Print the public-checks summary for the checks passed since the last summary.

    Args:
        exercise: the exercise's title, shown in the summary line.
    """
    count = len(_passed)
    _passed.clear()
    label = f"{exercise}: " if exercise else ""
    noun = "check" if count == 1 else "checks"
    print(
        f"{label}{count} public {noun} passed. "
        "Hidden tests check more when your notebook is graded."
    )


_forget_at_each_cell()


class Evidence(dict):
    """What a check found (inspect JSON): usable like a dict, silent as a cell's last value."""

    def _ipython_display_(self) -> None:
        """Show nothing: the check already printed its ✔ line."""


class EvidenceText(str):
    """What a check read (a page, an output): usable like a str, silent as a cell's value."""

    def _ipython_display_(self) -> None:
        """Show nothing: the check already printed its ✔ line."""
