"""The live Kubernetes diagrams, drawn from (and acting on) the simulated cluster.

- :class:`ClusterDiagram`: control-plane nodes with their components and etcd members,
  workers with their pods and pod IPs, the Services with their stable ClusterIPs and current
  endpoints. Buttons crash a pod's container (its kubelet restarts it in the same pod: same
  IP, one more restart), delete a pod (a controller, if one owns it, creates a replacement
  with a new name and IP), stop/start or drain a node, let simulated time pass (a stopped
  node is NotReady after 40 s, its pods are evicted 5 minutes later), save/restore an etcd
  snapshot, and rebuild the cluster with 1 or 3 control-plane nodes.
- :class:`RequestFlow`: one request from a browser through the Ingress rule, the Service and
  on to the pod that answered.

Both keep a text alternative in ``description`` (read by screen readers, shown as the
plain-text form) and are refreshed after each ``%%kubectl`` or ``%%docker`` cell. The
actions are Python methods, so they can be tested (and scripted) without a browser.
"""

from __future__ import annotations

from typing import Any

import traitlets

from grader.k8s import controllers, store
from grader.k8s.cluster import Cluster, ClusterError
from grader.k8s.printers import pod_status
from grader.widgets import live
from grader.widgets.base import RefreshedWidget, css, esm

STYLE = css("k8s_cluster.css")
"""The course's shared widget styles (buttons, screen-reader-only text) plus the diagram's."""


def _snapshot_path() -> Any:
    return store.state_dir() / "diagram-snapshot.db"


def cluster_picture(cluster: Cluster) -> dict[str, Any]:
    """The traits of :class:`ClusterDiagram` for ``cluster``."""
    pods = cluster.list("Pod", None)
    nodes = []
    for node in cluster.nodes:
        mine = [p for p in pods if p["spec"].get("nodeName") == node["name"]]
        nodes.append(
            {
                "name": node["name"],
                "role": node["role"],
                "ip": node["ip"],
                "up": node["up"],
                "ready": controllers.node_ready(cluster, node),
                "schedulable": node["schedulable"],
                "pod_cidr": node["pod_cidr"],
                "components": (
                    ["kube-apiserver", "kube-scheduler", "kube-controller-manager", "etcd"]
                    if node["role"] == "control-plane"
                    else ["kubelet", "containerd", "kube-proxy"]
                ),
                "pods": [
                    {
                        "name": p["metadata"]["name"],
                        "namespace": p["metadata"]["namespace"],
                        "ip": p["status"].get("podIP") or "",
                        "status": pod_status(p),
                        "restarts": sum(
                            s.get("restartCount", 0)
                            for s in p["status"].get("containerStatuses", [])
                        ),
                        "owned": bool(p["metadata"].get("ownerReferences")),
                    }
                    for p in mine
                    if not controllers.is_static(p)
                ],
            }
        )
    services = []
    for svc in cluster.list("Service", None):
        ep = cluster.find("Endpoints", svc["metadata"]["namespace"], svc["metadata"]["name"]) or {}
        services.append(
            {
                "name": svc["metadata"]["name"],
                "type": svc["spec"].get("type", "ClusterIP"),
                "cluster_ip": svc["spec"].get("clusterIP", ""),
                "endpoints": [
                    a["ip"] for s in ep.get("subsets", []) for a in s.get("addresses", [])
                ],
            }
        )
    etcd = {
        "members": cluster.etcd_members,
        "alive": cluster.etcd_alive,
        "quorum": cluster.quorum,
        "has_quorum": cluster.has_quorum,
    }
    return {"nodes": nodes, "services": services, "etcd": etcd, "events": cluster.state["log"][-6:]}


def describe_cluster(picture: dict[str, Any]) -> str:
    """The cluster in words (the diagram's text alternative)."""
    etcd = picture["etcd"]
    parts = []
    for node in picture["nodes"]:
        state = "up" if node["up"] else "DOWN" + ("" if node["ready"] else ", NotReady")
        if node["role"] == "worker":
            pods = ", ".join(
                f"{p['name']} ({p['ip'] or 'no IP'}, {p['status']}, {p['restarts']} restarts)"
                for p in node["pods"]
            )
            parts.append(f"worker {node['name']} ({state}): {pods or 'no pods'}")
        else:
            parts.append(f"control-plane {node['name']} ({state})")
    quorum = (
        "etcd has quorum: the cluster can change"
        if etcd["has_quorum"]
        else "etcd has LOST quorum: nothing can be changed"
    )
    services = "; ".join(
        f"Service {s['name']} {s['cluster_ip']} -> {', '.join(s['endpoints']) or 'no endpoints'}"
        for s in picture["services"]
    )
    return (
        f"{'. '.join(parts)}. etcd: {etcd['alive']} of {etcd['members']} members up, quorum "
        f"{etcd['quorum']}; {quorum}. {services}."
    )


class ClusterDiagram(RefreshedWidget):
    """Control plane, workers, pods and Services of the simulated cluster, with fault buttons."""

    _esm = esm("k8s_cluster.js")
    _css = STYLE
    nodes: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    services: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    etcd = traitlets.Dict().tag(sync=True)
    events: traitlets.List[str] = traitlets.List().tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    """The outcome of the last button (or its refusal)."""

    def refresh(self) -> None:
        """Read the shared cluster and redraw."""
        picture = cluster_picture(Cluster.load())
        self.set_trait("nodes", picture["nodes"])
        self.set_trait("services", picture["services"])
        self.set_trait("etcd", picture["etcd"])
        self.set_trait("events", picture["events"])
        self.description = describe_cluster(picture)

    def _act(self, action: Any, done: str) -> None:
        try:
            with Cluster.session() as cluster:
                action(cluster)
            self.message = done
        except ClusterError as err:
            self.message = err.message
        live.refresh_all()  # this diagram and the others on screen (a request flow...)

    def crash_pod(self, name: str, namespace: str = "default") -> None:
        """The pod's container is killed; its kubelet restarts it in the same pod."""
        self._act(
            lambda c: c.crash_container(namespace, name),
            f"container of {name} killed: the kubelet restarts it in the same pod",
        )

    def delete_pod(self, name: str, namespace: str = "default") -> None:
        """The pod is deleted; a controller (if one owns it) creates a replacement."""
        self._act(lambda c: c.delete_pod(namespace, name), f"pod {name} deleted")

    def wait(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass (restarts, a lost node's timeouts)."""
        self._act(lambda c: c.advance(seconds), f"{seconds:g} simulated seconds passed")

    def stop_node(self, name: str) -> None:
        """Switch a node off."""
        self._act(lambda c: c.set_node_up(name, False), f"node {name} stopped")

    def start_node(self, name: str) -> None:
        """Switch a node back on."""
        self._act(lambda c: c.set_node_up(name, True), f"node {name} started")

    def drain(self, name: str) -> None:
        """Evict every pod of a worker and cordon it (``kubectl drain --force``)."""
        self._act(lambda c: c.drain(name, force=True), f"node {name} drained")

    def uncordon(self, name: str) -> None:
        """Let the scheduler use the node again."""
        self._act(lambda c: c.cordon(name, True), f"node {name} uncordoned")

    def snapshot(self) -> None:
        """``etcdctl snapshot save``."""
        self._act(lambda c: c.snapshot_save(_snapshot_path()), "etcd snapshot saved")

    def restore(self) -> None:
        """``etcdctl snapshot restore`` of the last snapshot."""
        if not _snapshot_path().exists():
            self.message = "take a snapshot first"
            return
        self._act(lambda c: c.snapshot_restore(_snapshot_path()), "etcd snapshot restored")

    def rebuild(self, control_planes: int) -> None:
        """A fresh cluster with ``control_planes`` control-plane nodes and two workers."""
        self._act(
            lambda c: c.reset(control_planes, 2), f"new cluster, {control_planes} control plane(s)"
        )

    def handle(self, message: dict[str, Any]) -> None:
        """Run the action a button of the view asked for."""
        kind, name = message.get("type"), str(message.get("name", ""))
        actions = {
            "refresh": self.refresh,
            "crash_pod": lambda: self.crash_pod(name, str(message.get("namespace", "default"))),
            "delete_pod": lambda: self.delete_pod(name, str(message.get("namespace", "default"))),
            "wait": lambda: self.wait(float(message.get("seconds", 60))),
            "stop_node": lambda: self.stop_node(name),
            "start_node": lambda: self.start_node(name),
            "drain": lambda: self.drain(name),
            "uncordon": lambda: self.uncordon(name),
            "snapshot": self.snapshot,
            "restore": self.restore,
            "rebuild": lambda: self.rebuild(int(message.get("control_planes", 1))),
        }
        if kind in actions:
            actions[kind]()


class RequestFlow(RefreshedWidget):
    """Browser -> Ingress (host, path) -> Service -> pod, for one request at a time."""

    _esm = esm("k8s_flow.js")
    _css = STYLE
    host = traitlets.Unicode("my-app.com").tag(sync=True)
    path = traitlets.Unicode("/").tag(sync=True)
    hops = traitlets.Dict().tag(sync=True)

    def refresh(self) -> None:
        """Send the request again (after a cell changed the cluster)."""
        self.send()

    def send(self) -> dict[str, Any]:
        """Route one request to ``http://host/path`` through the cluster; returns the hops."""
        with Cluster.session() as cluster:
            hops = cluster.route(self.host, self.path or "/")
        self.hops = hops
        url = f"http://{self.host}{self.path or '/'}"
        if hops["error"]:
            self.description = f"Request to {url}: {hops['error']}."
        else:
            self.description = (
                f"Request to {url}: Ingress {hops['ingress']} -> Service {hops['service']} "
                f"({hops['cluster_ip']}:{hops['port']}) -> pod {hops['pod']} ({hops['pod_ip']}) "
                f"on {hops['node']}."
            )
        return hops

    def handle(self, message: dict[str, Any]) -> None:
        """Send the request the view's form asked for."""
        if message.get("type") == "send":
            self.host = str(message.get("host", self.host))
            self.path = str(message.get("path", self.path))
            self.send()
