"""The cluster's network, as the network programs a pod's container runs see it.

``curl``, ``wget``, ``ping`` and ``nslookup``, run by ``kubectl exec`` or by the container's
own command, ask it.

The cluster's DNS (the ``kube-dns`` Service) answers for Services by their short name in the
pod's namespace, ``NAME.NAMESPACE``, ``NAME.NAMESPACE.svc`` and the full
``NAME.NAMESPACE.svc.cluster.local``, with the Service's ClusterIP; it is the authority for
those names, so ``nslookup`` names the full record. A request to a ClusterIP goes through
kube-proxy to one ready endpoint (:meth:`Cluster.service_request`); a request to a pod IP
reaches that pod when one of its processes listens on the port. A ClusterIP is virtual: it
forwards TCP but answers no ``ping``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grader.engine.sandbox.dns import Peer
from grader.engine.sandbox.server import answer
from grader.k8s.controllers import listening_ports
from grader.k8s.podweb import PodWebRoot

if TYPE_CHECKING:
    from grader.k8s.cluster import Cluster

Obj = dict[str, Any]
CLUSTER_DOMAIN = "cluster.local"
DNS_SERVICE_IP = "10.96.0.10"
"""The ``kube-dns`` Service's ClusterIP: the name server in every pod's resolv.conf."""
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass
class PodNetwork:
    """What ``pod``'s network programs reach in ``cluster``."""

    cluster: Cluster
    pod: Obj

    def resolver(self) -> str:
        """The cluster's DNS Service."""
        return DNS_SERVICE_IP

    def lookup(self, host: str) -> Peer | None:
        """A Service's name or ClusterIP, a pod IP, the pod's own name, or loopback."""
        if host in _LOOPBACK:
            return Peer("127.0.0.1", self.pod)
        if host == self.pod["metadata"]["name"]:
            return Peer(self.pod["status"].get("podIP", "127.0.0.1"), self.pod)
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return self._service_by_name(host)
        for other in self.cluster.list("Pod", None):
            if other["status"].get("podIP") == host:
                return Peer(host, other)
        return Peer(host, None)

    def _service_by_name(self, host: str) -> Peer | None:
        parts = host.removesuffix("." + CLUSTER_DOMAIN).split(".")
        if len(parts) > 3 or (len(parts) == 3 and parts[2] != "svc"):
            return None
        namespace = parts[1] if len(parts) > 1 else self.pod["metadata"]["namespace"]
        svc = self.cluster.find("Service", namespace, parts[0])
        if svc is None or svc["spec"].get("clusterIP") in (None, "None"):
            return None
        full = f"{parts[0]}.{namespace}.svc.{CLUSTER_DOMAIN}"
        return Peer(svc["spec"]["clusterIP"], None, name=full, authoritative=True)

    def fetch(self, peer: Peer, port: int, request: bytes) -> bytes | None:
        """The answer of the pod the address leads to (through a Service's kube-proxy)."""
        client = self.pod["status"].get("podIP", "127.0.0.1")
        if peer.container is not None:
            if port not in listening_ports(peer.container).values():
                return None
            record = self.cluster.log_request(peer.container["metadata"]["name"])
            return answer(PodWebRoot(self.cluster, peer.container, record), request, client)
        for svc in self.cluster.list("Service", None):
            if svc["spec"].get("clusterIP") == peer.address:
                meta = svc["metadata"]
                hops = self.cluster.service_request(meta["namespace"], meta["name"], port)
                if hops["error"]:
                    return None
                server = self.cluster.get("Pod", meta["namespace"], hops["pod"])
                return answer(PodWebRoot(self.cluster, server, hops["request"]), request, client)
        return None
