"""``kubectl set image`` and ``kubectl rollout status|history|undo`` on the simulated cluster.

The words are kubectl 1.32's: ``deployment.apps/web image updated``, ``Waiting for
deployment "web" rollout to finish: 1 of 3 updated replicas are available...``, the
``REVISION  CHANGE-CAUSE`` table, ``deployment.apps/web rolled back``. ``rollout status``
watches on the cluster's clock: instead of making you wait, it moves the clock to the next
moment the rollout can change (a new pod becoming available, the progress deadline) and
prints each new status line, as kubectl prints them while it waits.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from grader.gotime import DurationError, parse_duration
from grader.k8s import controllers, deployments, kubelet
from grader.k8s.cluster import Cluster
from grader.k8s.describe import pod_template
from grader.k8s.grammar import Invocation, KubectlError
from grader.k8s.result import Result
from grader.k8s.targets import RESOURCE_LIST, objects, split_resources

Obj = dict[str, Any]
WATCH_STEP = 30.0
"""How far ``rollout status`` moves the clock when nothing is due sooner (a stalled rollout)."""


def change_cause(inv: Invocation) -> str:
    """What ``--record`` writes into ``kubernetes.io/change-cause``: the command line."""
    words = ["kubectl", inv.path, *inv.args]
    flags = [f"--{name}={_flag_text(inv.options[name])}" for name in sorted(inv.given)]
    return " ".join(words + flags)


def _flag_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ",".join(value) + "]"
    return str(value)


def _deployments_named(inv: Invocation, cluster: Cluster, words: list[str]) -> list[Obj]:
    if not words and not inv.options.get("selector"):
        raise KubectlError("error: required resource not specified")
    found = objects(inv, cluster, words, allow_all=False)
    for obj in found:
        if obj["kind"] != "Deployment":
            raise KubectlError(_not_implemented(inv.path, obj))
    return found


VISITED = {"Pod", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "CronJob"}
"""The kinds kubectl's rollout helpers know (they have no history or rollback here)."""


def _not_implemented(path: str, obj: Obj) -> str:
    """Kubectl's refusal of ``rollout status|history|undo`` on a kind that has no rollouts."""
    group = obj["apiVersion"].rpartition("/")[0]
    name = f"{obj['kind']}.{group}" if group else obj["kind"]
    if path == "rollout status":
        return f"error: no status viewer has been implemented for {name}"
    helper = "history viewer" if path == "rollout history" else "rollbacker"
    if obj["kind"] in VISITED:
        return f'error: no {helper} has been implemented for "{name}"'
    action = "history" if path == "rollout history" else "rollbacker"
    return (
        f'error: error retrieving {action} for "{name}", no visitor method exists for '
        f"{{{group} {obj['kind']}}}"
    )


# -- set image --------------------------------------------------------------------------------


def set_image(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    """``kubectl set image TYPE NAME CONTAINER=IMAGE...``: a new pod template, a rollout."""
    words = [a for a in inv.args if "=" not in a]
    pairs = [a.split("=", 1) for a in inv.args if "=" in a]
    if not words and not inv.options["selector"] and not inv.options["filename"]:
        raise KubectlError(RESOURCE_LIST)
    if inv.options["all"] and inv.options["selector"]:
        raise KubectlError("error: cannot set --all and --selector at the same time")
    split_resources(words)  # kubectl reads the resources before it checks the image pairs
    if not pairs:
        raise KubectlError("error: at least one image update is required")
    if any(name == "*" for name, _ in pairs) and len(pairs) > 1:
        raise KubectlError(
            "error: all containers are already specified by *, but saw more than one "
            "container_name=container_image pairs"
        )
    errors = []
    for obj in objects(inv, cluster, words):
        spec = obj["spec"] if obj["kind"] == "Pod" else obj["spec"]["template"]["spec"]
        before = copy.deepcopy(spec)
        for name, image in pairs:
            found = [c for c in spec.get("containers", []) if name in {"*", c.get("name")}]
            if not found:
                errors.append(f'error: unable to find container named "{name}"')
            for container in found:
                container["image"] = image
        if spec == before:
            continue
        label = f"{_kind_word(obj)}/{obj['metadata']['name']}"
        if inv.options["dry-run"] in {"client", "server", "unchanged"}:
            spec.clear()
            spec.update(before)
            out.stdout += f"{label} image updated (dry run)\n"
            continue
        if obj["kind"] == "Pod":
            changed = {
                c.get("name", "")
                for c, old in zip(spec["containers"], before["containers"], strict=True)
                if c.get("image") != old.get("image")
            }
            kubelet.new_image(cluster, obj, changed)
        if inv.options.get("record"):
            annotations = obj["metadata"].setdefault("annotations", {})
            annotations[deployments.CHANGE_CAUSE] = change_cause(inv)
        out.stdout += f"{label} image updated\n"
    if errors:
        out.stderr += "\n".join(errors) + "\n"
        out.code = 1


def _kind_word(obj: Obj) -> str:
    group = obj["apiVersion"].rpartition("/")[0]
    return f"{obj['kind'].lower()}.{group}" if group else obj["kind"].lower()


# -- rollout history / undo ---------------------------------------------------------------------


def _revisions(cluster: Cluster, dep: Obj) -> dict[int, Obj]:
    sets = cluster.owned_by(dep, "ReplicaSet")
    return {deployments.revision(rs): rs for rs in sets if deployments.revision(rs)}


def history(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    """``kubectl rollout history``: the revisions, or one revision's pod template."""
    wanted = inv.options["revision"]
    for dep in _deployments_named(inv, cluster, inv.args):
        found = _revisions(cluster, dep)
        name = dep["metadata"]["name"]
        if not found:
            out.stdout += f"deployment.apps/{name} \nNo rollout history found.\n"
            continue
        if wanted > 0:
            if wanted not in found:
                raise KubectlError("error: unable to find the specified revision")
            template = copy.deepcopy(found[wanted]["spec"]["template"])
            cause = (found[wanted]["metadata"].get("annotations") or {}).get(
                deployments.CHANGE_CAUSE
            )
            if cause:
                template.setdefault("metadata", {}).setdefault("annotations", {})[
                    deployments.CHANGE_CAUSE
                ] = cause
            out.stdout += f"deployment.apps/{name} with revision #{wanted}\n"
            out.stdout += pod_template(template) + "\n"
            continue
        rows = [["REVISION", "CHANGE-CAUSE"]]
        for number in sorted(found):
            annotations = found[number]["metadata"].get("annotations") or {}
            rows.append([str(number), annotations.get(deployments.CHANGE_CAUSE) or "<none>"])
        width = max(len(r[0]) for r in rows) + 2
        table = "".join(f"{r[0].ljust(width)}{r[1]}\n" for r in rows)
        out.stdout += f"deployment.apps/{name} \n{table}\n"


def undo(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    """``kubectl rollout undo [--to-revision=N]``: the template of an earlier revision back."""
    wanted = inv.options["to-revision"]
    for dep in _deployments_named(inv, cluster, inv.args):
        name = dep["metadata"]["name"]
        found = _revisions(cluster, dep)
        if wanted < 0 or (wanted > 0 and wanted not in found):
            raise KubectlError(f"error: unable to find specified revision {wanted} in history")
        if wanted == 0:
            earlier = sorted(found)[:-1]
            if not earlier:
                raise KubectlError(f'error: no rollout history found for deployment "{name}"')
            wanted = earlier[-1]
        template = copy.deepcopy(found[wanted]["spec"]["template"])
        if inv.options["dry-run"] == "client":
            out.stdout += f"deployment.apps/{name} {pod_template(template)}"
            continue
        if dep["spec"].get("paused"):
            raise KubectlError(
                "error: you cannot rollback a paused deployment; resume it first with "
                "'kubectl rollout resume' and try again"
            )
        template.get("metadata", {}).get("labels", {}).pop(deployments.HASH_LABEL, None)
        if template == dep["spec"].get("template"):
            out.stdout += (
                f"deployment.apps/{name} skipped rollback (current template already matches "
                f"revision {wanted})\n"
            )
            continue
        dep["spec"]["template"] = template
        annotations = dep["metadata"].setdefault("annotations", {})
        cause = (found[wanted]["metadata"].get("annotations") or {}).get(deployments.CHANGE_CAUSE)
        if cause:
            annotations[deployments.CHANGE_CAUSE] = cause
        else:
            annotations.pop(deployments.CHANGE_CAUSE, None)
        out.stdout += f"deployment.apps/{name} rolled back\n"


# -- rollout pause / resume --------------------------------------------------------------------


def pause(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    """``kubectl rollout pause``: template changes wait until ``rollout resume``."""
    _set_paused(inv, cluster, out, True)


def resume(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    """``kubectl rollout resume``: the changes made while paused roll out now."""
    _set_paused(inv, cluster, out, False)


def _set_paused(inv: Invocation, cluster: Cluster, out: Result, paused: bool) -> None:
    if not inv.args and not inv.options["selector"]:
        raise KubectlError("error: required resource not specified")
    errors = []
    for obj in objects(inv, cluster, inv.args, allow_all=False):
        verb = "pausing" if paused else "resuming"
        if obj["kind"] != "Deployment":
            errors.append(f"error: {verb} is not supported")
            continue
        if bool(obj["spec"].get("paused")) == paused:
            state = "is already paused" if paused else "is not paused"
            errors.append(f'error: deployments.apps "{obj["metadata"]["name"]}" {state}')
            continue
        if paused:
            obj["spec"]["paused"] = True
        else:
            obj["spec"].pop("paused", None)
        out.stdout += (
            f"deployment.apps/{obj['metadata']['name']} {'paused' if paused else 'resumed'}\n"
        )
    if errors:
        out.stderr += "\n".join(errors) + "\n"
        out.code = 1


# -- rollout status -------------------------------------------------------------------------------


def status_line(dep: Obj, wanted_revision: int = 0) -> tuple[str, bool]:
    """Kubectl's status viewer: (the line it prints, whether the rollout is done)."""
    name = dep["metadata"]["name"]
    if wanted_revision > 0:
        running = deployments.revision(dep)
        if wanted_revision != running:
            raise KubectlError(
                f"error: desired revision ({wanted_revision}) is different from the running "
                f"revision ({running})"
            )
    st = dep.get("status", {})
    progressing = next(
        (c for c in st.get("conditions", []) if c["type"] == "Progressing"), {"reason": ""}
    )
    if progressing["reason"] == "ProgressDeadlineExceeded":
        raise KubectlError(f'error: deployment "{name}" exceeded its progress deadline')
    want = dep["spec"].get("replicas", 1)
    updated, total = st.get("updatedReplicas", 0), st.get("replicas", 0)
    available = st.get("availableReplicas", 0)
    waiting = f'Waiting for deployment "{name}" rollout to finish: '
    if updated < want:
        return f"{waiting}{updated} out of {want} new replicas have been updated...\n", False
    if total > updated:
        return f"{waiting}{total - updated} old replicas are pending termination...\n", False
    if available < updated:
        return f"{waiting}{available} of {updated} updated replicas are available...\n", False
    return f'deployment "{name}" successfully rolled out\n', True


def status(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    """``kubectl rollout status``: print each new status line until done (or an error)."""
    try:
        timeout = parse_duration(inv.options["timeout"])
    except DurationError as err:
        raise KubectlError(f"error: {err}") from None
    for dep in _deployments_named(inv, cluster, inv.args):
        _watch(inv, cluster, out, dep, timeout)


def _watch(inv: Invocation, cluster: Cluster, out: Result, dep: Obj, timeout: float) -> None:
    ns, name = dep["metadata"]["namespace"], dep["metadata"]["name"]
    waited, last = 0.0, ""
    while True:
        dep = cluster.get("Deployment", ns, name)
        try:
            line, done = status_line(dep, inv.options["revision"])
        except KubectlError as err:
            out.stderr += err.text
            out.code = 1
            return
        if line != last:
            out.stdout += line
            last = line
        if done or not inv.options["watch"]:
            return
        step = _next_change(cluster, dep) - cluster.now()
        if timeout and waited + step >= timeout:
            cluster.advance(timeout - waited)
            controllers.reconcile(cluster)
            out.stderr += "error: timed out waiting for the condition\n"
            out.code = 1
            return
        cluster.advance(step)
        controllers.reconcile(cluster)
        waited += step


def _next_change(cluster: Cluster, dep: Obj) -> float:
    """When the rollout can next look different: a pod turning available, or the deadline."""
    now = cluster.now()
    deadline = float(dep["spec"].get("progressDeadlineSeconds", deployments.PROGRESS_DEADLINE))
    progress = deployments.memory(cluster, dep).get("progress", now)
    candidates = [max(progress + deadline, now + 1), now + WATCH_STEP]
    due = deployments.next_due(cluster, now, now + WATCH_STEP)
    if due is not None:
        candidates.append(due)
    return min(candidates)
