"""A small, deterministic Kubernetes cluster: the nodes, etcd, and the objects it stores.

The simulator keeps what etcd would keep (API objects as plain dicts shaped like the real
ones) plus the machines (control-plane and worker nodes, up or down). After every change
:mod:`grader.k8s.controllers` plays the control loops once, to a fixed point: the
Deployment and ReplicaSet controllers, the scheduler, the kubelets and the endpoints
controller. Time is the cluster's clock (:meth:`Cluster.now`: an injectable clock plus the
state's ``clock_offset``, which :meth:`Cluster.advance` moves forward so a notebook can "wait"
five minutes at once); what depends on time (container back-off, a lost node's grace
periods) is computed from it, and only what a real cluster would do happens (a crashed
container is restarted in its pod, a bare pod is never recreated, a lost etcd quorum
stops every request).

Use :meth:`Cluster.session` for a locked read-modify-write of the shared state, and
:meth:`Cluster.load` for a read-only look.
"""

from __future__ import annotations

import builtins
import copy
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from grader.k8s import controllers, kubelet, names, store
from grader.k8s.kinds import BY_KIND, Kind

Obj = dict[str, Any]
API_PORT = 6443
INGRESS_CLASS = "nginx"
"""The cluster's one IngressClass (ingress-nginx), not marked as the default class."""


class ClusterError(Exception):
    """A request the API server (or the machine) refuses; the message is kubectl's line."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def not_found(kind: Kind, name: str) -> ClusterError:
    """The API server's NotFound error as kubectl prints it."""
    resource = f"{kind.plural}.{kind.group}" if kind.group else kind.plural
    return ClusterError(f'Error from server (NotFound): {resource} "{name}" not found')


def _node(name: str, role: str, index: int, ip: str, cidr: int) -> Obj:
    return {
        "name": name,
        "role": role,
        "index": index,
        "ip": ip,
        "up": True,
        "schedulable": role == "worker",
        "cpu_m": 2000 if role == "worker" else 1000,
        "memory_mi": 4096 if role == "worker" else 2048,
        "pod_cidr": f"10.244.{cidr}.0/24",
    }


def new_state(control_planes: int = 1, workers: int = 2, now: float | None = None) -> Obj:
    """A fresh cluster with ``control_planes`` control-plane nodes and ``workers`` workers."""
    if control_planes < 1 or workers < 1:
        raise ValueError("a cluster needs at least one control-plane node and one worker")
    nodes = [
        _node(f"control-plane-{i}", "control-plane", i, f"192.168.56.{9 + i}", i - 1)
        for i in range(1, control_planes + 1)
    ]
    nodes += [
        _node(f"worker-{i}", "worker", i, f"192.168.56.{20 + i}", control_planes - 1 + i)
        for i in range(1, workers + 1)
    ]
    created = names.timestamp(time.time() if now is None else now)
    state: Obj = {
        "created": created,
        "nodes": nodes,
        "objects": {},
        "counters": {"uid": 0, "pods": 0, "ip": {}, "requests": 0},
        "log": [],
        "requests": [],
    }
    cluster = Cluster(state, now=lambda: names.parse_timestamp(created))
    cluster.put(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default"},
            "spec": {
                "type": "ClusterIP",
                "clusterIP": "10.96.0.1",
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
            },
        }
    )
    for ns in ("default", "kube-system", "kube-public", "kube-node-lease"):
        cluster.put({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    cluster.put(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "IngressClass",
            "metadata": {"name": INGRESS_CLASS},
            "spec": {"controller": "k8s.io/ingress-nginx"},
        }
    )
    controllers.reconcile(cluster)
    return state


def _wall_clock() -> float:
    """``time.time()``, looked up at each call (so a test's fake clock is seen)."""
    return time.time()


class Cluster:
    """The simulated cluster over its JSON state (see the module docstring)."""

    def __init__(self, state: Obj, now: Callable[[], float] | None = None):
        self.state = state
        self._clock = now or _wall_clock
        self._pinned: float | None = None

    def now(self) -> float:
        """The cluster's time: the clock plus how far :meth:`advance` moved it."""
        if self._pinned is not None:
            return self._pinned
        return self._clock() + float(self.state.get("clock_offset", 0.0))

    @contextmanager
    def pinned(self, moment: float) -> Iterator[None]:
        """Hold the clock at ``moment`` (the control loops replaying a past step)."""
        self._pinned = moment
        try:
            yield
        finally:
            self._pinned = None

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass (then the control loops catch up)."""
        self.state["clock_offset"] = float(self.state.get("clock_offset", 0.0)) + seconds
        self.event(f"{seconds:g} s passed")

    # -- loading and saving ---------------------------------------------------------------

    @classmethod
    def load(cls, folder: Path | None = None) -> Cluster:
        """A read-only view of the shared cluster (a default one when none exists yet).

        The control loops are played up to now on the copy (time-driven changes such as a
        container's restarts show), but nothing is saved.
        """
        state = store.load(folder)
        cluster = cls(state if state is not None else new_state())
        controllers.reconcile(cluster)
        return cluster

    @classmethod
    @contextmanager
    def session(cls, folder: Path | None = None) -> Iterator[Cluster]:
        """Lock the shared state, yield it played up to now, reconcile and save on success."""
        with store.locked(folder):
            state = store.load(folder)
            cluster = cls(state if state is not None else new_state())
            controllers.reconcile(cluster)  # the change applies to the cluster as it is now
            yield cluster
            controllers.reconcile(cluster)
            store.save(cluster.state, folder)

    def reset(self, control_planes: int = 1, workers: int = 2) -> None:
        """Replace everything with a fresh cluster of the given shape."""
        offset = self.state.get("clock_offset", 0.0)
        self.state = new_state(control_planes, workers, now=self.now())
        self.state["clock_offset"] = offset

    # -- machines and etcd ----------------------------------------------------------------

    @property
    def nodes(self) -> list[Obj]:
        """Every machine, control plane first."""
        return self.state["nodes"]

    def node(self, name: str) -> Obj:
        """The machine called ``name``."""
        for node in self.nodes:
            if node["name"] == name:
                return node
        raise not_found(BY_KIND["Node"], name)

    @property
    def control_plane(self) -> list[Obj]:
        """The control-plane nodes (each runs an api-server and an etcd member)."""
        return [n for n in self.nodes if n["role"] == "control-plane"]

    @property
    def workers(self) -> list[Obj]:
        """The worker nodes (they run the applications' pods)."""
        return [n for n in self.nodes if n["role"] == "worker"]

    @property
    def etcd_members(self) -> int:
        """How many etcd members the cluster has (one per control-plane node)."""
        return len(self.control_plane)

    @property
    def etcd_alive(self) -> int:
        """How many etcd members are up."""
        return sum(1 for n in self.control_plane if n["up"])

    @property
    def quorum(self) -> int:
        """Members etcd needs up to accept a write: a strict majority."""
        return self.etcd_members // 2 + 1

    @property
    def fault_tolerance(self) -> int:
        """How many members may fail while etcd keeps its quorum: (n - 1) // 2."""
        return (self.etcd_members - 1) // 2

    @property
    def has_quorum(self) -> bool:
        """True while a majority of etcd members is up (the cluster can change)."""
        return self.etcd_alive >= self.quorum

    @property
    def api_available(self) -> bool:
        """True while at least one api-server answers."""
        return self.etcd_alive > 0

    def api_endpoint(self) -> str:
        """The address kubectl talks to (the first control-plane node's api-server)."""
        return f"{self.control_plane[0]['ip']}:{API_PORT}"

    def require_api(self) -> None:
        """Refuse like kubectl does when no api-server answers."""
        if not self.api_available:
            raise ClusterError(
                f"The connection to the server {self.api_endpoint()} was refused - "
                "did you specify the right host or port?"
            )

    def require_quorum(self) -> None:
        """Refuse any request that needs etcd when it lost its quorum.

        kubectl's reads are consistent (quorum) reads, like its writes: without a majority of
        etcd members they time out too; nothing answers from a cache.
        """
        self.require_api()
        if not self.has_quorum:
            raise ClusterError("Error from server: etcdserver: request timed out")

    # -- the object store -----------------------------------------------------------------

    def _bucket(self, kind: str) -> dict[str, Obj]:
        return self.state["objects"].setdefault(kind, {})

    @staticmethod
    def _key(kind: str, namespace: str | None, name: str) -> str:
        return name if not BY_KIND[kind].namespaced else f"{namespace or 'default'}/{name}"

    def list(
        self, kind: str, namespace: str | None = "default", selector: dict[str, str] | None = None
    ) -> builtins.list[Obj]:
        """Objects of ``kind`` (in ``namespace``; ``None`` = all), matching label ``selector``."""
        if kind == "Node":
            return [controllers.node_object(self, n) for n in self.nodes]
        if kind == "Event":
            from grader.k8s.describe import events_of
            from grader.k8s.probes import failures

            return [
                event
                for pod in self.list("Pod", namespace)
                for event in events_of(pod, self.now(), failures(self, pod))
            ]
        if kind == "EndpointSlice":
            slices = [controllers.endpoint_slice(ep) for ep in self.list("Endpoints", namespace)]
            return [s for s in slices if not selector or matches(selector, s["metadata"]["labels"])]
        found = []
        for obj in self._bucket(kind).values():
            meta = obj["metadata"]
            if BY_KIND[kind].namespaced and namespace is not None:
                if meta.get("namespace") != namespace:
                    continue
            if selector and not matches(selector, meta.get("labels") or {}):
                continue
            found.append(obj)
        return sorted(
            found, key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
        )

    def find(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        """The object, or ``None``."""
        if kind == "Node":
            return next((o for o in self.list("Node") if o["metadata"]["name"] == name), None)
        return self._bucket(kind).get(self._key(kind, namespace, name))

    def get(self, kind: str, namespace: str | None, name: str) -> Obj:
        """The object, or the API server's NotFound error."""
        obj = self.find(kind, namespace, name)
        if obj is None:
            raise not_found(BY_KIND[kind], name)
        return obj

    def put(self, obj: Obj) -> Obj:
        """Store ``obj`` as the API server would (uid, timestamps, defaults); no checks."""
        kind = obj["kind"]
        meta = obj.setdefault("metadata", {})
        if BY_KIND[kind].namespaced:
            meta.setdefault("namespace", "default")
        else:
            meta.pop("namespace", None)
        old = self.find(kind, meta.get("namespace"), meta["name"])
        if old is not None:
            meta["uid"] = old["metadata"]["uid"]
            meta["creationTimestamp"] = old["metadata"]["creationTimestamp"]
            if "status" in old:
                obj.setdefault("status", old["status"])
        else:
            self.state["counters"]["uid"] += 1
            count = self.state["counters"]["uid"]
            meta["uid"] = f"{count:08x}-0000-4000-8000-{names.suffix(str(count), 12)}"
            meta["creationTimestamp"] = names.timestamp(self.now())
            meta.pop("resourceVersion", None)
        controllers.default(self, obj)
        key = self._key(kind, meta.get("namespace"), meta["name"])
        self._bucket(kind)[key] = obj
        return obj

    def remove(self, obj: Obj) -> None:
        """Forget ``obj`` (no checks, no cascade)."""
        meta = obj["metadata"]
        self._bucket(obj["kind"]).pop(self._key(obj["kind"], meta.get("namespace"), meta["name"]))
        if obj["kind"] == "Pod":
            kubelet.forget(self, meta["uid"])
            # when, on the wall clock, and how many uids were given out by then: a check can
            # tell the pods that ran before an exercise's first deletion from replacements
            removals = self.state.setdefault("pod_removals", [])
            removals[:] = [*removals[-49:], [self._clock(), self.state["counters"]["uid"]]]

    def owned_by(self, owner: Obj, kind: str) -> builtins.list[Obj]:
        """The objects of ``kind`` whose ownerReferences name ``owner``."""
        uid = owner["metadata"]["uid"]
        return [
            o
            for o in self.list(kind, owner["metadata"].get("namespace"))
            if any(ref.get("uid") == uid for ref in o["metadata"].get("ownerReferences", []))
        ]

    # -- what kubectl asks for ------------------------------------------------------------

    def apply(self, obj: Obj) -> str:
        """Create or update ``obj``; return "created", "configured" or "unchanged"."""
        self.require_quorum()
        obj = copy.deepcopy(obj)
        kind = _admitted_kind(obj, {"Node", "Endpoints", "EndpointSlice", "ReplicaSet", "Event"})
        meta = obj.setdefault("metadata", {})
        self._require_namespace(kind, meta)
        old = self.find(kind.kind, meta.get("namespace", "default"), meta["name"])
        if old is None:
            self.put(obj)
            return "created"
        before = json.dumps(_user_fields(old), sort_keys=True)
        merged = copy.deepcopy(old)
        for field in ("spec", "data", "stringData", "type"):
            if field in obj:
                merged[field] = obj[field]
        merged["metadata"]["labels"] = meta.get("labels", old["metadata"].get("labels"))
        if kind.kind == "Service":
            merged["spec"]["clusterIP"] = old["spec"].get("clusterIP")
        self.put(merged)
        after = json.dumps(_user_fields(merged), sort_keys=True)
        return "unchanged" if before == after else "configured"

    def create(self, obj: Obj) -> None:
        """Create ``obj``; AlreadyExists when it is there."""
        self.require_quorum()
        kind = _admitted_kind(obj, set())
        meta = obj.setdefault("metadata", {})
        self._require_namespace(kind, meta)
        if self.find(kind.kind, meta.get("namespace", "default"), meta["name"]) is not None:
            resource = f"{kind.plural}.{kind.group}" if kind.group else kind.plural
            raise ClusterError(
                f'Error from server (AlreadyExists): {resource} "{meta["name"]}" already exists'
            )
        self.put(copy.deepcopy(obj))

    def _require_namespace(self, kind: Kind, meta: Obj) -> None:
        namespace = meta.get("namespace", "default")
        if kind.namespaced and self.find("Namespace", None, namespace) is None:
            raise ClusterError(f'Error from server (NotFound): namespaces "{namespace}" not found')

    def delete(self, kind: str, namespace: str | None, name: str) -> None:
        """Delete an object and what it owns (cascading, as kubectl's default).

        Deleting a Namespace deletes everything in it; the system namespaces and the
        machines (Nodes) are refused.
        """
        self.require_quorum()
        obj = self.get(kind, namespace, name)
        if kind == "Node":
            raise ClusterError(
                f'Error from server (Forbidden): nodes "{name}" is forbidden: the simulated '
                "machines cannot be deleted (stop one in the diagram instead)"
            )
        if kind == "Namespace":
            if name in {"default", "kube-system", "kube-public", "kube-node-lease"}:
                raise ClusterError(
                    f'Error from server (Forbidden): namespaces "{name}" is forbidden: '
                    "this namespace may not be deleted"
                )
            for bucket in (
                "Deployment",
                "ReplicaSet",
                "Pod",
                "Service",
                "Endpoints",
                "Ingress",
                "ConfigMap",
                "Secret",
            ):
                for item in self.list(bucket, name):
                    self.remove(item)
        self._delete_tree(obj)

    def _delete_tree(self, obj: Obj) -> None:
        for child_kind in ("ReplicaSet", "Pod"):
            for child in self.owned_by(obj, child_kind):
                self._delete_tree(child)
        self.remove(obj)

    def restart(self, namespace: str, name: str) -> None:
        """``kubectl rollout restart``: the template changes, so new pods replace the old ones."""
        self.require_quorum()
        dep = self.get("Deployment", namespace, name)
        template = dep["spec"].setdefault("template", {}).setdefault("metadata", {})
        annotations = template.setdefault("annotations", {})
        annotations["kubectl.kubernetes.io/restartedAt"] = names.timestamp(self.now())

    def scale(self, kind: str, namespace: str | None, name: str, replicas: int) -> None:
        """Set a Deployment's or ReplicaSet's replica count."""
        self.require_quorum()
        obj = self.get(kind, namespace, name)
        obj["spec"]["replicas"] = replicas

    # -- faults and operations (the widgets' buttons) -------------------------------------

    def delete_pod(self, namespace: str, name: str) -> None:
        """``kubectl delete pod``: the pod is gone for good; only a controller makes a new one."""
        self.delete("Pod", namespace, name)
        self.event(f"pod {name} deleted")

    def crash_container(self, namespace: str, name: str) -> None:
        """The pod's container process is killed: its kubelet restarts it in the same pod.

        Same pod, same name, same IP; ``restartCount`` rises and ``lastState`` says how the
        previous run ended (exit code 137).
        """
        self.require_quorum()
        pod = self.get("Pod", namespace, name)
        kubelet.crash(self, pod)
        self.event(f"container of pod {name} killed; the kubelet restarts it in place")

    def set_node_up(self, name: str, up: bool) -> None:
        """Switch a machine off (crash) or back on."""
        node = self.node(name)
        if up:
            node.pop("down_since", None)
        elif node["up"]:
            node["down_since"] = self.now()
        node["up"] = up
        self.event(f"node {name} {'is back' if up else 'went down'}")

    def cordon(self, name: str, schedulable: bool = False) -> None:
        """Mark a node (un)schedulable: the scheduler stops placing new pods there."""
        self.require_quorum()
        self.node(name)["schedulable"] = schedulable

    def drain(self, name: str, force: bool = False) -> builtins.list[str]:
        """Cordon a node and evict its pods; bare pods need ``force`` (they are not recreated)."""
        self.require_quorum()
        pods = [
            p
            for p in self.list("Pod", None)
            if p["spec"].get("nodeName") == name and not controllers.is_static(p)
        ]
        bare = [p for p in pods if not p["metadata"].get("ownerReferences")]
        if bare and not force:
            listed = ", ".join(
                f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in bare
            )
            raise ClusterError(
                "error: unable to drain node "
                f'"{name}" due to error: cannot delete Pods that declare no controller (use '
                f"--force to override): {listed}"
            )
        self.node(name)["schedulable"] = False
        for pod in pods:
            self.remove(pod)
        return [p["metadata"]["name"] for p in pods]

    def event(self, text: str) -> None:
        """Remember something that happened (the widgets show the last few)."""
        self.state["log"] = (self.state["log"] + [text])[-20:]

    # -- etcd snapshots -------------------------------------------------------------------

    def snapshot_save(self, path: Path) -> int:
        """Write etcd's content (every API object) to ``path``; return the object count."""
        self.require_api()
        data = {"objects": self.state["objects"], "counters": self.state["counters"]}
        Path(path).write_text(json.dumps(data, sort_keys=True))
        self.event(f"etcd snapshot saved to {Path(path).name}")
        return sum(len(bucket) for bucket in self.state["objects"].values())

    def snapshot_restore(self, path: Path) -> None:
        """Rebuild etcd from a snapshot: every member restarts from it, objects come back.

        The machines are not in the snapshot (they are hardware); a restore is what you do
        after losing the quorum, so every control-plane node is brought back with it.
        """
        try:
            data = json.loads(Path(path).read_text())
            objects = data["objects"]
        except (OSError, ValueError, KeyError) as err:
            raise ClusterError(f"Error: snapshot restore failed: {err}") from None
        self.state["objects"] = objects
        counters = self.state["counters"]
        counters["uid"] = max(counters["uid"], data["counters"]["uid"])
        for node in self.control_plane:
            node["up"] = True
        self.event(f"etcd restored from {Path(path).name}")

    # -- the virtual network --------------------------------------------------------------

    def route(self, host: str, path: str = "/") -> dict[str, Any]:
        """Follow a browser's request through Ingress -> Service -> one pod.

        Returns the hops: ``ingress``, ``service``, ``cluster_ip``, ``port``, ``pod``,
        ``pod_ip``, ``node`` (missing hops are ``None``) and ``error`` when it stops.
        """
        hops: dict[str, Any] = dict.fromkeys(
            ("ingress", "service", "cluster_ip", "port", "pod", "pod_ip", "node", "error")
        )
        best: tuple[int, Obj, Obj] | None = None
        unserved = []
        for ing in self.list("Ingress", None):
            if not self.ingress_served(ing):
                unserved.append(ing["metadata"]["name"])
                continue
            for rule in ing["spec"].get("rules", []):
                if rule.get("host", host) != host:
                    continue
                for item in rule.get("http", {}).get("paths", []):
                    prefix = item.get("path", "/")
                    exact = item.get("pathType") == "Exact"
                    ok = path == prefix if exact else _prefix_match(prefix, path)
                    if ok and (best is None or len(prefix) > best[0]):
                        best = (len(prefix), ing, item)
        if best is None:
            hops["error"] = f"no Ingress rule matches http://{host}{path} (404 from the controller)"
            if unserved:
                hops["error"] += (
                    f"; no ingress controller serves Ingress {', '.join(unserved)}: its "
                    "spec.ingressClassName names no IngressClass (kubectl get ingressclass)"
                )
            return hops
        _, ing, item = best
        backend = item["backend"]["service"]
        hops["ingress"] = ing["metadata"]["name"]
        port = backend.get("port", {})
        hops.update(self.service_request(ing["metadata"]["namespace"], backend["name"], port))
        return hops

    def ingress_served(self, ing: Obj) -> bool:
        """True when an ingress controller picks the Ingress up: its class exists."""
        name = ing["spec"].get("ingressClassName")
        return bool(name) and self.find("IngressClass", None, name) is not None

    def service_request(
        self, namespace: str, name: str, port: dict[str, Any] | int | None = None
    ) -> dict[str, Any]:
        """Send one request to a Service: kube-proxy picks one ready endpoint (round robin)."""
        hops: dict[str, Any] = {"service": name, "error": None}
        svc = self.find("Service", namespace, name)
        if svc is None:
            hops["error"] = f'Service "{name}" does not exist (503 from the ingress controller)'
            return hops
        hops["cluster_ip"] = svc["spec"].get("clusterIP")
        svc_port = _pick_port(svc, port)
        if svc_port is None:
            hops["error"] = f'Service "{name}" has no port {_port_text(port)}'
            return hops
        hops["port"] = svc_port["port"]
        ep = self.find("Endpoints", namespace, name)
        addresses = [a for s in (ep or {}).get("subsets", []) for a in s.get("addresses", [])]
        if not addresses:
            hops["error"] = (
                f'Service "{name}" has no ready endpoints: no running pod matches its selector'
            )
            return hops
        counters = self.state["counters"]
        counters["requests"] += 1
        chosen = addresses[counters["requests"] % len(addresses)]
        pod_name = chosen["targetRef"]["name"]
        pod = self.get("Pod", namespace, pod_name)
        target = controllers.resolve_target_port(pod, svc_port.get("targetPort", svc_port["port"]))
        hops.update(pod=pod_name, pod_ip=chosen["ip"], node=chosen.get("nodeName"))
        if target is None:
            hops["error"] = (
                f"pod {pod_name} does not listen on targetPort {svc_port.get('targetPort')}: "
                "connection refused"
            )
            return hops
        hops["request"] = self.log_request(pod_name)
        return hops

    def log_request(self, pod: str) -> Obj:
        """Record one request a pod's server answered; the record, for its access-log line.

        The server puts the line in the record's ``line``; ``kubectl logs`` of the pod shows it.
        """
        record = {"pod": pod}
        self.state["requests"] = (self.state["requests"] + [record])[-50:]
        return record


def reset_shared(control_planes: int = 1, workers: int = 2, folder: Path | None = None) -> None:
    """Replace the shared cluster with a fresh one (each notebook's set-up cell calls it)."""
    with Cluster.session(folder) as cluster:
        cluster.reset(control_planes, workers)


def matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    """True when every ``key: value`` of an equality selector is among ``labels``."""
    return all(labels.get(key) == value for key, value in selector.items())


def _prefix_match(prefix: str, path: str) -> bool:
    prefix = prefix.rstrip("/")
    return not prefix or path == prefix or path.startswith(prefix + "/")


def _pick_port(svc: Obj, port: dict[str, Any] | int | None) -> dict[str, Any] | None:
    ports = svc["spec"].get("ports", [])
    if port is None or port == {}:
        return ports[0] if ports else None
    if isinstance(port, int):
        port = {"number": port}
    for item in ports:
        if "number" in port and item.get("port") == port["number"]:
            return item
        if "name" in port and item.get("name") == port["name"]:
            return item
    return None


def _port_text(port: dict[str, Any] | int | None) -> str:
    if isinstance(port, dict):
        return str(port.get("number", port.get("name", "")))
    return str(port)


def _user_fields(obj: Obj) -> Obj:
    return {
        "labels": obj["metadata"].get("labels"),
        **{k: obj.get(k) for k in ("spec", "data", "stringData", "type")},
    }


TEMPLATED = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"})
"""Kinds whose ``spec.template`` is a pod template."""


def _admitted_kind(obj: Obj, refused: set[str]) -> Kind:
    """The simulated kind of ``obj``, after the API server's structural checks.

    Raises:
        ClusterError: kubectl's "resource mapping not found" for a kind the simulator does
            not serve (or one in ``refused``), or the API server's "is invalid" answer for
            an object the simulator could not run (a pod template without containers).
    """
    kind = BY_KIND.get(obj.get("kind", ""))
    meta = obj["metadata"] if isinstance(obj.get("metadata"), dict) else {}
    if kind is None or kind.kind in refused:
        raise ClusterError(
            f"error: resource mapping not found for name: "
            f'"{meta.get("name")}"'
            f' namespace: "" from "STDIN": no matches for kind "{obj.get("kind")}" in version'
            f' "{obj.get("apiVersion")}"'
        )
    spec = obj.get("spec")
    if kind.kind == "Pod":
        pod_spec, where = spec, "spec"
    elif kind.kind in TEMPLATED:
        template = spec.get("template") if isinstance(spec, dict) else None
        pod_spec = template.get("spec") if isinstance(template, dict) else None
        where = "spec.template.spec"
    else:
        return kind
    containers = pod_spec.get("containers") if isinstance(pod_spec, dict) else None
    if not containers or not all(isinstance(c, dict) for c in containers):
        raise ClusterError(
            f'The {kind.kind} "{meta.get("name")}" is invalid: {where}.containers: Required value'
        )
    return kind
