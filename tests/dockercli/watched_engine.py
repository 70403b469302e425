"""An engine whose calls a test watches: how ``docker attach`` uses its registered wait."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Watched:
    """An engine (sandbox or real) with its calls noted, as the Docker CLI's requests would be.

    A plain ``wait`` fails the test: ``attach`` takes the exit code from the wait it
    registered first. ``after_lookup`` runs once, right after the first look-up.
    """

    def __init__(self, engine: Any, after_lookup: Callable[[], object] | None = None) -> None:
        self.engine, self.after_lookup = engine, after_lookup
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        member = getattr(self.engine, name)
        if not callable(member):
            return member

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            assert name != "wait", "attach waited again instead of reading its registered wait"
            result = member(*args, **kwargs)
            if name == "inspect_container" and self.after_lookup is not None:
                self.after_lookup, act = None, self.after_lookup
                act()
            return result

        return call
