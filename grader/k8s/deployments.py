"""The Deployment controller: one ReplicaSet per pod template, revisions, rolling updates.

What kube-controller-manager's Deployment controller does, step for step:

- every pod template gets its own ReplicaSet (named after the template's hash); a new
  template (``kubectl set image``, ``apply``, ``rollout restart``, ``rollout undo``) makes
  it the *new* ReplicaSet and gives it the next revision (``deployment.kubernetes.io/revision``),
  carrying the Deployment's ``kubernetes.io/change-cause`` into ``rollout history``;
- ``RollingUpdate`` (the default, ``maxSurge`` and ``maxUnavailable`` 25 %: surge rounded
  up, unavailable rounded down, never both 0) scales the new ReplicaSet up while the total
  stays within ``replicas + maxSurge``, and the old ones down while at least
  ``replicas - maxUnavailable`` pods stay available; old pods that are not available go
  first. A new pod that never becomes available (an image that cannot be pulled) stalls
  the rollout with the old pods still serving, and after ``progressDeadlineSeconds`` (600)
  the Deployment's ``Progressing`` condition turns False (``ProgressDeadlineExceeded``);
- ``Recreate`` scales every old ReplicaSet to 0 first, then the new one up;
- a pod is *available* once Ready for ``minReadySeconds``. The simulator's containers start
  at once, so with the default 0 a rollout is over in one instant (still in the order
  above, as the ``Scaled up/down`` events show); with ``minReadySeconds: N`` it advances
  one step every N seconds of the cluster's clock, pod by pod;
- old ReplicaSets are kept at 0 replicas for history, ``revisionHistoryLimit`` (10) of them;
- a paused Deployment (``rollout pause``) is left alone until ``rollout resume``.

:func:`next_due` tells the control loops when a waiting rollout can take its next step, so
a clock that jumped (a wait, a later command) replays the steps at the times they happened.
"""

from __future__ import annotations

import copy
import math
from typing import TYPE_CHECKING, Any

from grader.k8s import names
from grader.k8s.kubelet import is_ready

if TYPE_CHECKING:
    from grader.k8s.cluster import Cluster

Obj = dict[str, Any]
REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
HASH_LABEL = "pod-template-hash"
PROGRESS_DEADLINE = 600
HISTORY_LIMIT = 10


def owner_ref(owner: Obj) -> Obj:
    """The ``ownerReferences`` entry a controller writes into what it creates."""
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def revision(obj: Obj) -> int:
    """The revision annotation of a ReplicaSet or Deployment (0 when it has none)."""
    text = (obj["metadata"].get("annotations") or {}).get(REVISION, "0")
    return int(text) if str(text).isdigit() else 0


def memory(cluster: Cluster, dep: Obj) -> Obj:
    """The controller's own notes on one Deployment (when it last made progress, events)."""
    rollouts = cluster.state.setdefault("rollouts", {})
    return rollouts.setdefault(dep["metadata"]["uid"], {})


def ready_since(pod: Obj) -> float | None:
    """When the pod's containers last (re)started, if the pod is Ready now."""
    if not is_ready(pod):
        return None
    starts = [
        names.parse_timestamp(s["state"]["running"]["startedAt"])
        for s in pod["status"].get("containerStatuses", [])
        if "running" in s.get("state", {})
    ]
    return max(starts, default=None)


def available(pod: Obj, min_ready: int, now: float) -> bool:
    """Ready for at least ``min_ready`` seconds (what a Deployment counts as available)."""
    since = ready_since(pod)
    return since is not None and now - since >= min_ready


def limits(dep: Obj) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) in pods for the Deployment's replica count."""
    replicas = dep["spec"].get("replicas", 1)
    rolling = (dep["spec"].get("strategy") or {}).get("rollingUpdate") or {}

    def resolve(value: Any, round_up: bool) -> int:
        text = str(value)
        if text.endswith("%"):
            exact = int(text[:-1]) * replicas / 100
            return math.ceil(exact) if round_up else math.floor(exact)
        return int(text)

    surge = resolve(rolling.get("maxSurge", "25%"), True)
    unavailable = resolve(rolling.get("maxUnavailable", "25%"), False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def sync(cluster: Cluster) -> None:
    """One pass of the Deployment controller over every Deployment."""
    for dep in cluster.list("Deployment", None):
        _sync(cluster, dep)


def _owned_sets(cluster: Cluster, dep: Obj) -> list[Obj]:
    return sorted(
        cluster.owned_by(dep, "ReplicaSet"),
        key=lambda rs: (revision(rs), rs["metadata"]["creationTimestamp"]),
    )


def _new_set(cluster: Cluster, dep: Obj, sets: list[Obj]) -> Obj:
    """The ReplicaSet of the current template, created or brought back with a new revision."""
    template = dep["spec"].get("template", {})
    pod_hash = names.template_hash(template)
    name = f"{dep['metadata']['name']}-{pod_hash}"
    latest = max((revision(rs) for rs in sets), default=0)
    current = next((rs for rs in sets if rs["metadata"]["name"] == name), None)
    cause = (dep["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)
    if current is None:
        labels = {**(template.get("metadata", {}).get("labels") or {}), HASH_LABEL: pod_hash}
        rs_template = copy.deepcopy(template)
        rs_template.setdefault("metadata", {})["labels"] = labels
        selector = copy.deepcopy(dep["spec"].get("selector", {}))
        selector.setdefault("matchLabels", {})[HASH_LABEL] = pod_hash
        annotations = {REVISION: str(latest + 1)}
        if cause:
            annotations[CHANGE_CAUSE] = cause
        current = cluster.put(
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {
                    "name": name,
                    "namespace": dep["metadata"]["namespace"],
                    "labels": labels,
                    "annotations": annotations,
                    "ownerReferences": [owner_ref(dep)],
                },
                "spec": {"replicas": 0, "selector": selector, "template": rs_template},
            }
        )
        memory(cluster, dep)["progress"] = cluster.now()
    else:
        annotations = current["metadata"].setdefault("annotations", {})
        if revision(current) < latest:
            annotations[REVISION] = str(latest + 1)  # a rollback: the old template is new again
            memory(cluster, dep)["progress"] = cluster.now()
        if cause:
            annotations[CHANGE_CAUSE] = cause
    dep["metadata"].setdefault("annotations", {})[REVISION] = str(revision(current))
    return current


def _sync(cluster: Cluster, dep: Obj) -> None:
    if dep["spec"].get("paused"):
        return  # ``rollout pause``: template changes wait, the ReplicaSets stay as they are
    sets = _owned_sets(cluster, dep)
    new = _new_set(cluster, dep, sets)
    old = [rs for rs in _owned_sets(cluster, dep) if rs is not new]
    replicas = dep["spec"].get("replicas", 1)
    if not any(rs["spec"].get("replicas") for rs in old):
        if new["spec"].get("replicas") != replicas:
            _scale(cluster, dep, new, replicas)
        _clean_history(cluster, dep, old)
        return
    strategy = (dep["spec"].get("strategy") or {}).get("type", "RollingUpdate")
    if strategy == "Recreate":
        for rs in old:
            _scale(cluster, dep, rs, 0)
        return
    _roll(cluster, dep, new, old, replicas)


def _roll(cluster: Cluster, dep: Obj, new: Obj, old: list[Obj], replicas: int) -> None:
    """One pass of a rolling update: scale the new ReplicaSet up, then the old ones down."""
    surge, max_unavailable = limits(dep)
    min_ready = int(dep["spec"].get("minReadySeconds", 0))
    now = cluster.now()

    def available_in(rs: Obj) -> int:
        return sum(1 for p in _pods(cluster, rs) if available(p, min_ready, now))

    every = [*old, new]
    total = sum(rs["spec"].get("replicas", 0) for rs in every)
    new_count = new["spec"].get("replicas", 0)
    if new_count > replicas:
        _scale(cluster, dep, new, replicas)
    elif total < replicas + surge and new_count < replicas:
        _scale(cluster, dep, new, new_count + min(replicas + surge - total, replicas - new_count))
    total = sum(rs["spec"].get("replicas", 0) for rs in every)
    min_available = replicas - max_unavailable
    new_unavailable = new["spec"].get("replicas", 0) - available_in(new)
    budget = total - min_available - new_unavailable
    if budget <= 0:
        return
    for rs in old:  # old pods that serve nobody go first
        unhealthy = rs["spec"].get("replicas", 0) - available_in(rs)
        cut = min(budget, unhealthy)
        if cut > 0:
            _scale(cluster, dep, rs, rs["spec"]["replicas"] - cut)
            budget -= cut
    extra = sum(available_in(rs) for rs in every) - min_available
    for rs in old:
        if extra <= 0:
            break
        cut = min(rs["spec"].get("replicas", 0), extra)
        if cut > 0:
            _scale(cluster, dep, rs, rs["spec"]["replicas"] - cut)
            extra -= cut


def _pods(cluster: Cluster, rs: Obj) -> list[Obj]:
    return [p for p in cluster.owned_by(rs, "Pod") if not p["metadata"].get("deletionTimestamp")]


def _scale(cluster: Cluster, dep: Obj, rs: Obj, count: int) -> None:
    before = rs["spec"].get("replicas", 0)
    if before == count:
        return
    rs["spec"]["replicas"] = count
    _event(cluster, dep, rs, count, before)
    memory(cluster, dep)["progress"] = cluster.now()


def _event(cluster: Cluster, dep: Obj, rs: Obj, count: int, before: int) -> None:
    """Remember a ``ScalingReplicaSet`` event (``describe deployment`` lists them)."""
    name = rs["metadata"]["name"]
    if count > before:
        text = f"Scaled up replica set {name} to {count}"
        if before:
            text += f" from {before}"
    else:
        text = f"Scaled down replica set {name} to {count} from {before}"
    events = memory(cluster, dep).setdefault("events", [])
    events.append([cluster.now(), text])
    del events[:-20]


def events(cluster: Cluster, dep: Obj) -> list[tuple[float, str]]:
    """The Deployment's ``ScalingReplicaSet`` events: (time, message), oldest first."""
    return [(when, text) for when, text in memory(cluster, dep).get("events", [])]


def _clean_history(cluster: Cluster, dep: Obj, old: list[Obj]) -> None:
    limit = int(dep["spec"].get("revisionHistoryLimit", HISTORY_LIMIT))
    idle = [rs for rs in old if not rs["spec"].get("replicas") and not _pods(cluster, rs)]
    for rs in idle[: max(len(idle) - limit, 0)]:
        cluster.remove(rs)


def next_due(cluster: Cluster, after: float, until: float) -> float | None:
    """The earliest time in (``after``, ``until``] when a rollout can take its next step.

    That is when a new pod of a Deployment that waits on ``minReadySeconds`` becomes
    available; ``None`` when no rollout waits for the clock.
    """
    due = []
    for dep in cluster.list("Deployment", None):
        min_ready = int(dep["spec"].get("minReadySeconds", 0))
        if not min_ready:
            continue
        for rs in cluster.owned_by(dep, "ReplicaSet"):
            for pod in _pods(cluster, rs):
                since = ready_since(pod)
                if since is not None and after < since + min_ready <= until:
                    due.append(since + min_ready)
    return min(due, default=None)


def status(cluster: Cluster, dep: Obj) -> Obj:
    """The Deployment's ``status`` as the controller reports it now."""
    now = cluster.now()
    min_ready = int(dep["spec"].get("minReadySeconds", 0))
    replicas = dep["spec"].get("replicas", 1)
    current = f"{dep['metadata']['name']}-{names.template_hash(dep['spec'].get('template', {}))}"
    pods = {
        rs["metadata"]["name"]: _pods(cluster, rs) for rs in cluster.owned_by(dep, "ReplicaSet")
    }
    every = [p for group in pods.values() for p in group]
    updated = len(pods.get(current, []))
    ready = sum(1 for p in every if is_ready(p))
    ready_now = sum(1 for p in every if available(p, min_ready, now))
    _, max_unavailable = limits(dep)
    done = updated >= replicas and len(every) == updated and ready_now >= updated
    progress = memory(cluster, dep).get("progress", now)
    deadline = int(dep["spec"].get("progressDeadlineSeconds", PROGRESS_DEADLINE))
    if done:
        progressing = ("True", "NewReplicaSetAvailable", "has successfully progressed.")
    elif now - progress >= deadline:
        progressing = ("False", "ProgressDeadlineExceeded", "has timed out progressing.")
    else:
        progressing = ("True", "ReplicaSetUpdated", "is progressing.")
    enough = ready_now >= replicas - max_unavailable
    result: Obj = {
        "replicas": len(every),
        "updatedReplicas": updated,
        "readyReplicas": ready,
        "availableReplicas": ready_now,
        "conditions": [
            {
                "type": "Available",
                "status": "True" if enough else "False",
                "reason": "MinimumReplicasAvailable" if enough else "MinimumReplicasUnavailable",
                "message": "Deployment has minimum availability."
                if enough
                else "Deployment does not have minimum availability.",
            },
            {
                "type": "Progressing",
                "status": progressing[0],
                "reason": progressing[1],
                "message": f'ReplicaSet "{current}" {progressing[2]}',
            },
        ],
    }
    if len(every) - ready_now > 0:
        result["unavailableReplicas"] = len(every) - ready_now
    return result
