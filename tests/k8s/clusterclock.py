"""The simulated clusters' clock in the tests: a time the test moves, never the wall clock."""

from __future__ import annotations

START = 1_800_000_000.0
"""When the simulated clusters are created (a fixed time: their pages are reproducible)."""


class SimClock:
    """A simulated cluster's time, moved only by the test (no wall clock, no sleeps)."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def move_to(self, seconds: float) -> None:
        """Set the time to ``seconds`` after the cluster was created."""
        self.now = START + seconds
