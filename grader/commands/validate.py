"""Checks Docker's CLI makes after parsing flags but before it contacts the daemon."""

from __future__ import annotations

from grader.commands.model import Command


def validate(command: Command, path: str, usage: str) -> None:
    """Raise Docker's error when ``command`` fails a client-side check."""
