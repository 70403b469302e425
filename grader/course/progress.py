"""Progress lines for long steps: ``[3/50] alice 01-docker-intro: 7/10 (4.2 s)``."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts finished items of a long step and prints one line per item.

    Args:
        total: how many items the step has.
        label: what the step does ("grading", "releasing"), printed at the start.
        stream: where lines go (default: stderr, so stdout stays for results).
    """

    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self._print(f"{label}: {total} item{'s' if total != 1 else ''}")

    def _print(self, line: str) -> None:
        print(line, file=self.stream, flush=True)

    def step(self, message: str) -> None:
        """Record one finished item and print its line."""
        self.done += 1
        width = len(str(self.total))
        self._print(f"[{self.done:>{width}}/{self.total}] {message}")

    def finish(self) -> float:
        """Print the elapsed time and return it in seconds."""
        elapsed = time.monotonic() - self.started
        self._print(f"done in {elapsed:.1f} s")
        return elapsed
