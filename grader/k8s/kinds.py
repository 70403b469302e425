"""The resource types the simulator knows, with the names kubectl accepts for each.

``kubectl get po``, ``get pods`` and ``get pod`` all mean Pods; ``deploy/web`` is a
Deployment called web. :func:`lookup` resolves any of those spellings.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """One resource type."""

    kind: str
    """The ``kind:`` field (``Deployment``)."""
    api_version: str
    """The ``apiVersion:`` field (``apps/v1``)."""
    plural: str
    """What ``kubectl api-resources`` lists (``deployments``)."""
    short: tuple[str, ...] = ()
    """Short names (``deploy``)."""
    namespaced: bool = True

    @property
    def group(self) -> str:
        """The API group (empty for the core group)."""
        return self.api_version.rpartition("/")[0]

    @property
    def qualified(self) -> str:
        """How ``-o name`` and apply's messages spell the type (``deployment.apps``)."""
        singular = self.kind.lower()
        return f"{singular}.{self.group}" if self.group else singular


KINDS = (
    Kind("Pod", "v1", "pods", ("po",)),
    Kind("Service", "v1", "services", ("svc",)),
    Kind("Deployment", "apps/v1", "deployments", ("deploy",)),
    Kind("ReplicaSet", "apps/v1", "replicasets", ("rs",)),
    Kind("Ingress", "networking.k8s.io/v1", "ingresses", ("ing",)),
    Kind("ConfigMap", "v1", "configmaps", ("cm",)),
    Kind("Secret", "v1", "secrets"),
    Kind("Endpoints", "v1", "endpoints", ("ep",)),
    Kind("EndpointSlice", "discovery.k8s.io/v1", "endpointslices"),
    Kind("IngressClass", "networking.k8s.io/v1", "ingressclasses", namespaced=False),
    Kind("Event", "v1", "events", ("ev",)),
    Kind("Node", "v1", "nodes", ("no",), namespaced=False),
    Kind("Namespace", "v1", "namespaces", ("ns",), namespaced=False),
)
BY_KIND = {k.kind: k for k in KINDS}

ALL_KINDS = ("Pod", "Service", "Deployment", "ReplicaSet")
"""What ``kubectl get all`` lists, in its order."""


def lookup(word: str) -> Kind | None:
    """The kind ``word`` names (plural, singular, short name, kind or ``kind.group``)."""
    word = word.lower()
    for kind in KINDS:
        names = {kind.plural, kind.kind.lower(), *kind.short}
        if kind.group:
            names |= {f"{n}.{kind.group}" for n in (kind.plural, kind.kind.lower())}
        if word in names:
            return kind
    return None
