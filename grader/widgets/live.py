"""The live widgets on screen, so the ``%%docker`` magic can refresh them after each cell."""

from __future__ import annotations

import weakref
from typing import Protocol


class Refreshable(Protocol):
    """Anything with a ``refresh()`` that re-reads the engine."""

    def refresh(self) -> None:
        """Re-read the engine and redraw."""


_live: weakref.WeakSet = weakref.WeakSet()


def register(widget: Refreshable) -> None:
    """Remember ``widget`` (weakly) so :func:`refresh_all` updates it."""
    _live.add(widget)


def refresh_all() -> int:
    """Refresh every live widget; returns how many were refreshed."""
    widgets = list(_live)
    for widget in widgets:
        widget.refresh()
    return len(widgets)
