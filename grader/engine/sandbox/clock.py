"""Time and id helpers: Docker's RFC 3339 timestamps, Unix seconds, and hex ids."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

ZERO_TIME = "0001-01-01T00:00:00Z"
"""What Docker shows for a time that never happened (FinishedAt of a running container)."""


def now_ns() -> int:
    """The wall clock in Unix nanoseconds."""
    return time.time_ns()


def rfc3339_ns(ns: int) -> str:
    """Format Unix nanoseconds as Docker does: ``2024-08-02T13:23:38.123456789Z``."""
    seconds, frac = divmod(ns, 1_000_000_000)
    stamp = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{frac:09d}Z"


def rfc3339_s(seconds: float) -> str:
    """Format Unix seconds without a fraction: ``2024-08-02T13:23:38Z`` (volumes)."""
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text: str) -> float:
    """Parse Docker's RFC 3339 (nanoseconds allowed) into Unix seconds; 0 for ZERO_TIME."""
    if not text or text.startswith("0001-01-01"):
        return 0.0
    main, _, rest = text.partition(".")
    frac = ""
    zone = "Z"
    if rest:
        digits = len(rest) - len(rest.lstrip("0123456789"))
        frac, zone = rest[:digits], rest[digits:] or "Z"
    else:
        for sign in ("Z", "+", "-"):
            idx = main.find(sign, 11)
            if idx > 0:
                main, zone = main[:idx], main[idx:]
                break
    zone = "+00:00" if zone in ("Z", "") else zone
    base = datetime.fromisoformat(main + zone).timestamp()
    return base + (float("0." + frac) if frac else 0.0)


def new_id() -> str:
    """A fresh 64-hex id like a container's or a volume's."""
    return os.urandom(32).hex()
