"""What a container's network programs reach.

``curl``, ``wget``, ``ping`` and ``nslookup`` ask the network the container is on. The
programs (:mod:`.coreutils`) are written once, against :class:`Network`; the network behind
it decides the answers. :class:`DockerNetwork` is a sandbox container's (Docker's networks,
:mod:`.dns`, and the nginx of the container that holds an address); :class:`Offline` is a
build step's (nothing but the container itself); the Kubernetes simulator gives a pod's
container the cluster's network (Services, pod IPs, cluster DNS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from grader.engine.sandbox.dns import HOST_RESOLVER, Peer, lookup, resolver
from grader.engine.sandbox.processes import is_nginx
from grader.engine.sandbox.store import Store


class Network(Protocol):
    """The network one container is on, as its programs see it."""

    def resolver(self) -> str:
        """The name server in the container's ``/etc/resolv.conf``."""
        ...

    def lookup(self, host: str) -> Peer | None:
        """Where ``host`` leads from this container; None when no server knows the name."""
        ...

    def fetch(self, peer: Peer, port: int, request: bytes) -> bytes | None:
        """The raw HTTP response to ``request`` sent to ``peer``'s ``port``; None: refused."""
        ...


@dataclass
class Offline:
    """A container on no network but its own loopback, where nothing listens."""

    def resolver(self) -> str:
        """The host's resolver, which knows nothing the sandbox could reach."""
        return HOST_RESOLVER

    def lookup(self, host: str) -> Peer | None:
        """Only the loopback names resolve."""
        return Peer("127.0.0.1", None) if host in ("localhost", "127.0.0.1") else None

    def fetch(self, peer: Peer, port: int, request: bytes) -> bytes | None:
        """Nothing listens."""
        return None


@dataclass
class DockerNetwork:
    """A sandbox container's networks: names as Docker's DNS gives them, nginx answering."""

    store: Store
    container: dict[str, Any]

    def resolver(self) -> str:
        """Docker's embedded server on a user-defined network, the host's resolver otherwise."""
        return resolver(self.container)

    def lookup(self, host: str) -> Peer | None:
        """Resolved as :func:`.dns.lookup` does."""
        return lookup(self.store, self.container, host)

    def fetch(self, peer: Peer, port: int, request: bytes) -> bytes | None:
        """The answer of nginx, when the container holding the address runs it on port 80."""
        from grader.engine.sandbox.server import Site, answer

        target = peer.container
        if port != 80 or target is None or not is_nginx([target["Path"], *target["Args"]]):
            return None
        client = "127.0.0.1" if target is self.container else self._own_address(target)
        return answer(Site(self.store, target["Id"]), request, client)

    def _own_address(self, target: dict[str, Any]) -> str:
        """The asking container's address on a network it shares with ``target``."""
        shared = target["NetworkSettings"]["Networks"]
        mine = self.container["NetworkSettings"]["Networks"]
        return next(
            (e["IPAddress"] for name, e in mine.items() if e.get("IPAddress") and name in shared),
            "127.0.0.1",
        )
