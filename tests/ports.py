"""Free TCP ports on 127.0.0.1 for tests, which never use fixed ports."""

from __future__ import annotations

import socket


def unused_ports(count: int) -> list[int]:
    """``count`` distinct ports nothing listens on right now, in ascending order.

    All are held open together while they are chosen, so that no two are the same.
    """
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return sorted(probe.getsockname()[1] for probe in probes)
    finally:
        for probe in probes:
            probe.close()


def unused_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    return unused_ports(1)[0]
