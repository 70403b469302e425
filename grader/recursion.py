"""Room for the recursive parsers (Go templates, the cell shell) on deeply nested input.

Python 3.11+ runs Python-to-Python calls without using the C stack, so a recursion limit
well above the default 1000 is safe; input nested deeper still ends in
:class:`RecursionError`, which the callers turn into their own error message.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

DEEP_FRAMES = 20_000
"""The recursion limit inside :func:`deeper` (a few frames per nesting level)."""


@contextmanager
def deeper(frames: int = DEEP_FRAMES) -> Iterator[None]:
    """Raise the recursion limit to ``frames`` for the duration of the block."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, frames))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)
