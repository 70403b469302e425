"""Name resolution between sandbox containers, as Docker's networks give it.

On a user-defined network Docker's embedded DNS server (127.0.0.11 in every container)
answers for the running containers on the same network: their names, their
``--network-alias`` aliases and short ids (the ``DNSNames`` of their endpoint). The default
bridge has no such server: there a container reaches another only by IP address, and a
name is looked up by the host's resolver, which knows nothing of containers. Nothing
outside the sandbox is reachable (no internet), so other names are not found.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from typing import Any

from grader.engine.sandbox.store import Store

EMBEDDED_DNS = "127.0.0.11"
"""The address of Docker's embedded DNS server inside a container on a user network."""
HOST_RESOLVER = "8.8.8.8"
"""The resolver a default-bridge container is given when the host's is a loopback one."""
_PREDEFINED = ("bridge", "host", "none")
_LOOPBACK = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


@dataclass
class Peer:
    """Where a name led: an address, and the running container holding it (or None)."""

    address: str
    container: dict[str, Any] | None
    name: str = ""
    """The name the server answered for, when it completed the one asked (a search domain)."""
    authoritative: bool = False
    """Whether the server answers for the name's zone itself (a cluster's DNS does)."""


def resolver(container: dict[str, Any]) -> str:
    """The name server in the container's ``/etc/resolv.conf``."""
    networks = container["NetworkSettings"]["Networks"]
    return EMBEDDED_DNS if any(name not in _PREDEFINED for name in networks) else HOST_RESOLVER


def _running(store: Store) -> list[dict[str, Any]]:
    rows = store.db.execute(
        "SELECT doc FROM containers WHERE json_extract(doc, '$.State.Running') = 1"
    )
    return [json.loads(raw) for (raw,) in rows]


def _joined(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The networks a container has an address on: {name: endpoint}."""
    return {
        name: endpoint
        for name, endpoint in container["NetworkSettings"]["Networks"].items()
        if endpoint.get("IPAddress")
    }


def lookup(store: Store, container: dict[str, Any], host: str) -> Peer | None:
    """Resolve ``host`` from inside ``container``; None when no server knows the name.

    An IP address is taken as it is (the container holding it, when the asker shares a
    network with it); ``localhost`` and the container's own hostname are the container.
    """
    if host in _LOOPBACK or host == container["Config"].get("Hostname"):
        return Peer("127.0.0.1", container)
    mine = _joined(container)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        for other in _running(store):
            for name, endpoint in _joined(other).items():
                if endpoint["IPAddress"] == host:
                    return Peer(host, other if name in mine else None)
        return Peer(host, None)
    for other in _running(store):
        for name, endpoint in _joined(other).items():
            if name in _PREDEFINED or name not in mine:
                continue
            if host in (endpoint.get("DNSNames") or []):
                return Peer(endpoint["IPAddress"], other)
    return None
