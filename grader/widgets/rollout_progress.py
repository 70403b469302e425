"""A Deployment's rolling update pod by pod, drawn from (and stepped on) the simulated cluster.

One row per revision (its ReplicaSet and image) with a square per pod: available (ready for
``minReadySeconds``), ready but not yet available, not ready yet (starting, or its readiness
probe failing), or failing (an image that cannot be pulled, a crash loop). The bounds the
update keeps are beside it: at most ``replicas + maxSurge`` pods, at least
``replicas - maxUnavailable`` available. Every refresh that finds the pods changed adds a
step to the timeline, so the widget shows the update as it went; **Next step** moves the
cluster's clock to the moment the rollout can next change (as ``kubectl rollout status``
does) and :meth:`RolloutProgress.play` steps to the end. The controller's ``Scaled up/down
replica set`` events list the steps taken inside one cell.
"""

from __future__ import annotations

from typing import Any

import traitlets

from grader.k8s import deployments
from grader.k8s.cluster import Cluster
from grader.k8s.kubelet import is_ready
from grader.k8s.printers import pod_status
from grader.widgets import live
from grader.widgets.base import RefreshedWidget, css, esm

MAX_STEPS = 12
"""The timeline keeps this many steps, the latest ones."""

WATCH_STEP = 30.0
"""How far a step moves the clock when no pod is about to become available (a stall)."""

WAITING = ("Pending", "ContainerCreating", "Running", "Terminating")
"""Statuses of a pod not ready yet but not failing (anything else not ready is failing)."""


def _pod(pod: dict[str, Any], min_ready: int, now: float) -> dict[str, str]:
    status = pod_status(pod)
    if deployments.available(pod, min_ready, now):
        state = "available"
    elif is_ready(pod):
        state = "ready"
    elif status in WAITING:
        state = "waiting"
    else:
        state = "failing"
    return {"name": pod["metadata"]["name"], "state": state, "status": status}


def phase(cluster: Cluster, dep: dict[str, Any], revisions: list[dict[str, Any]]) -> str:
    """``complete``, ``progressing``, ``stalled`` (a new pod failing) or ``deadline exceeded``."""
    status = deployments.status(cluster, dep)
    progressing = next(
        (c for c in status["conditions"] if c["type"] == "Progressing"), {"reason": ""}
    )
    if progressing["reason"] == "NewReplicaSetAvailable":
        return "complete"
    if progressing["reason"] == "ProgressDeadlineExceeded":
        return "deadline exceeded"
    newest = revisions[-1]["pods"] if revisions else []
    return "stalled" if any(p["state"] == "failing" for p in newest) else "progressing"


def read_rollout(cluster: Cluster, namespace: str, name: str) -> dict[str, Any] | None:
    """The Deployment's revisions with their pods now, its bounds and phase (None: no such)."""
    dep = cluster.find("Deployment", namespace, name)
    if dep is None:
        return None
    now = cluster.now()
    min_ready = int(dep["spec"].get("minReadySeconds", 0))
    revisions = []
    for rs in sorted(cluster.owned_by(dep, "ReplicaSet"), key=deployments.revision):
        pods = [
            _pod(p, min_ready, now)
            for p in cluster.owned_by(rs, "Pod")
            if not p["metadata"].get("deletionTimestamp")
        ]
        if pods or rs["spec"].get("replicas"):
            containers = rs["spec"]["template"].get("spec", {}).get("containers", [])
            revisions.append(
                {
                    "revision": deployments.revision(rs),
                    "replicaset": rs["metadata"]["name"],
                    "image": ", ".join(c.get("image", "") for c in containers),
                    "desired": int(rs["spec"].get("replicas", 0)),
                    "pods": sorted(pods, key=lambda p: p["name"]),
                }
            )
    replicas = int(dep["spec"].get("replicas", 1))
    surge, unavailable = deployments.limits(dep)
    shown = deployments.events(cluster, dep)[-8:]
    first = shown[0][0] if shown else now
    return {
        "deployment": name,
        "replicas": replicas,
        "max_surge": surge,
        "max_unavailable": unavailable,
        "max_pods": replicas + surge,
        "min_available": replicas - unavailable,
        "min_ready_seconds": min_ready,
        "revisions": revisions,
        "phase": phase(cluster, dep, revisions),
        "events": [f"+{when - first:.0f} s {text}" for when, text in shown],
    }


def count(revision: dict[str, Any], state: str) -> int:
    """How many of the revision's pods are in ``state``."""
    return sum(1 for p in revision["pods"] if p["state"] == state)


def describe_step(revisions: list[dict[str, Any]]) -> str:
    """One step in words: pods per revision and how many of them are available."""
    parts = []
    for revision in revisions:
        pods = revision["pods"]
        failing = sorted({p["status"] for p in pods if p["state"] == "failing"})
        part = (
            f"revision {revision['revision']} ({revision['image']}): {len(pods)} "
            f"pod{'' if len(pods) == 1 else 's'}, "
            f"{count(revision, 'available')} available"
        )
        parts.append(part + (f", failing: {', '.join(failing)}" if failing else ""))
    return "; ".join(parts) or "no pods"


def describe(picture: dict[str, Any] | None, deployment: str, steps: list[Any]) -> str:
    """The rollout in words (the widget's text alternative)."""
    if picture is None:
        return f"There is no Deployment {deployment}."
    total = sum(len(r["pods"]) for r in picture["revisions"])
    available = sum(count(r, "available") for r in picture["revisions"])
    text = (
        f"Deployment {deployment}: {picture['replicas']} replicas, maxSurge "
        f"{picture['max_surge']} (at most {picture['max_pods']} pods), maxUnavailable "
        f"{picture['max_unavailable']} (at least {picture['min_available']} available). "
        f"Rollout {picture['phase']}: {total} pods, {available} available. "
        f"Now: {describe_step(picture['revisions'])}."
    )
    if len(steps) > 1:
        text += " Steps seen: " + " ".join(
            f"{index}. {describe_step(step)}." for index, step in enumerate(steps, 1)
        )
    return text


class RolloutProgress(RefreshedWidget):
    """Old and new ReplicaSets of one Deployment, pod by pod, step by step."""

    _esm = esm("rollout.js")
    _css = css("diagrams.css")
    deployment = traitlets.Unicode("web").tag(sync=True)
    namespace = traitlets.Unicode("default").tag(sync=True)
    current = traitlets.Dict().tag(sync=True)
    """What :func:`read_rollout` returns now (empty when there is no such Deployment)."""
    steps: traitlets.List[list[dict[str, Any]]] = traitlets.List().tag(sync=True)
    """The revisions at each step seen, oldest first."""

    def refresh(self) -> None:
        """Read the cluster again; a change of the pods is a new step."""
        picture = read_rollout(Cluster.load(), self.namespace, self.deployment)
        revisions = picture["revisions"] if picture else []
        if revisions and (not self.steps or _shape(self.steps[-1]) != _shape(revisions)):
            self.steps = [*self.steps, revisions][-MAX_STEPS:]
        self.current = picture or {}
        self.description = describe(picture, self.deployment, self.steps)

    def step(self) -> None:
        """Move the cluster's clock to when the rollout can next change, and redraw."""
        with Cluster.session() as cluster:
            now = cluster.now()
            due = deployments.next_due(cluster, now, now + WATCH_STEP)
            cluster.advance((due - now) if due is not None else WATCH_STEP)
        live.refresh_all()

    def play(self, most: int = 20) -> None:
        """Step until the rollout is complete or stalled (at most ``most`` steps)."""
        for _ in range(most):
            if self.current.get("phase", "complete") != "progressing":
                return
            self.step()

    def handle(self, message: dict[str, Any]) -> None:
        """Refresh, or take one step, as the view's buttons ask."""
        if message.get("type") == "step":
            self.step()
        else:
            super().handle(message)

    @traitlets.observe("deployment", "namespace")
    def _renamed(self, _change: Any) -> None:
        self.steps = []
        self.refresh()


def _shape(revisions: list[dict[str, Any]]) -> list[tuple[int, list[str]]]:
    """What makes two steps differ: each revision's pods and their states."""
    return [(r["revision"], [f"{p['name']}:{p['state']}" for p in r["pods"]]) for r in revisions]
