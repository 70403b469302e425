"""Go's duration rules, shared by every layer: ``time.ParseDuration`` and go-units' wording.

Docker's client parses ``--stop-timeout``-style flags and ``docker logs --since 42m`` with Go's
``time.ParseDuration``; its tables say how long ago something happened with go-units'
``HumanDuration``. The command grammar, the renderer and the sandbox engine all use these
two functions, so this module imports nothing from the rest of the package.
"""

from __future__ import annotations

import math
import re

_DURATION_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}


class DurationError(ValueError):
    """A duration Go's ``time.ParseDuration`` refuses; ``str()`` is Go's message."""


def parse_duration(text: str) -> float:
    """Go's ``time.ParseDuration`` ("1h30m" -> 5400.0, "-5m" -> -300.0); returns seconds.

    Raises:
        DurationError: ``time: invalid duration "x"``, ``time: missing unit in duration
            "10"`` or ``time: unknown unit "x" in duration "10x"``.
    """
    quoted = f'"{text}"'
    rest = text
    sign = 1.0
    if rest.startswith(("+", "-")):
        sign = -1.0 if rest[0] == "-" else 1.0
        rest = rest[1:]
    if rest == "0":
        return 0.0
    if not rest:
        raise DurationError(f"time: invalid duration {quoted}")
    total = 0.0
    while rest:
        number = re.match(r"(\d*)(\.\d*)?", rest)
        digits = number.group(0) if number else ""
        if not digits or digits == ".":
            raise DurationError(f"time: invalid duration {quoted}")
        rest = rest[len(digits) :]
        unit = re.split(r"[\d.]", rest, maxsplit=1)[0]
        if not unit:
            raise DurationError(f"time: missing unit in duration {quoted}")
        if unit not in _DURATION_UNITS:
            raise DurationError(f'time: unknown unit "{unit}" in duration {quoted}')
        rest = rest[len(unit) :]
        total += float(digits) * _DURATION_UNITS[unit]
        if total > _MAX_DURATION:  # Go's int64 nanoseconds overflow
            raise DurationError(f"time: invalid duration {quoted}")
    return sign * total


_MAX_DURATION = (2**63 - 1) / 1e9
"""The longest duration Go's ``time.Duration`` (int64 nanoseconds) holds, in seconds."""


def _round_half_away(value: float) -> int:
    """Go's ``math.Round``: halves round away from zero."""
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


def human_duration(seconds: float) -> str:
    """Return go-units' ``HumanDuration``: "Less than a second", "About a minute", "3 days"."""
    whole = int(seconds)
    if whole < 1:
        return "Less than a second"
    if whole == 1:
        return "1 second"
    if whole < 60:
        return f"{whole} seconds"
    minutes = int(seconds / 60)
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = _round_half_away(seconds / 3600)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(seconds / 3600) // 24 // 365} years"
