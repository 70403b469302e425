"""Free TCP ports on 127.0.0.1 for tests, which never use fixed ports."""

from __future__ import annotations

import socket


def unused_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """``count`` distinct ports nothing listens on at ``host`` right now, in ascending order.

    All are held open together while they are chosen, so that no two are the same.
    ``host="0.0.0.0"`` finds a port free on every address, as a published port needs.
    """
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind((host, 0))
        return sorted(probe.getsockname()[1] for probe in probes)
    finally:
        for probe in probes:
            probe.close()


def unused_port(host: str = "127.0.0.1") -> int:
    """A TCP port that nothing listens on at ``host`` right now."""
    return unused_ports(1, host)[0]
