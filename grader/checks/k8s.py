"""Checks for the Kubernetes notebooks (06, 07): manifests, the simulated cluster, questions.

Reachable as ``check.<name>`` (see :mod:`grader.checks`). Manifest checks validate a file
(YAML, the 1.32 schema, then the cross-object rules of :mod:`grader.k8s.validate`) and
apply it to the simulated cluster; state checks look at what the cluster did with it; the
architecture questions are graded against what a scratch simulator actually does, never
against a string stored in the test. Failures teach; they never show the answer.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

from grader.checks.failure import fail
from grader.k8s import validate
from grader.k8s.cluster import Cluster
from grader.k8s.execsim import environment
from grader.k8s.kubectl import run


def k8s_manifest(
    path: str, *, kinds: tuple[str, ...] = (), min_replicas: int | None = None
) -> list[dict]:
    """The file is valid YAML, valid Kubernetes 1.32, holds ``kinds`` and works together."""
    file = Path(path)
    if not file.exists():
        raise fail(f"there is no file {path}", hint="run the %%writefile cell first")
    text = file.read_text()
    if "raise NotImplementedError" in text:
        raise fail(
            f"{path} still holds the answer cell's placeholder",
            hint="replace the lines '# YOUR CODE HERE' and 'raise NotImplementedError()' with "
            "your YAML, run the %%writefile cell again, then this check",
        )
    cluster = Cluster.load()
    existing = cluster.list("Service", None) + cluster.list("Deployment", None)
    objs, problems = validate.validate_text(
        text, path, min_replicas=min_replicas, existing=existing
    )
    if problems:
        raise fail(
            f"{path} has {len(problems)} problem(s)",
            found="\n".join(str(p) for p in problems),
            hint="fix the first one, run the %%writefile cell again, then this check",
        )
    found = sorted(o.get("kind", "?") for o in objs)
    missing = [k for k in kinds if k not in found]
    if missing:
        raise fail(
            f"{path} holds no {' and no '.join(missing)}",
            expected=f"objects of kind {', '.join(kinds)}",
            found=", ".join(found) or "nothing",
            hint="separate several objects in one file with a line holding only ---",
        )
    return objs


def k8s_apply(path: str) -> str:
    """Apply the file to the simulated cluster as ``kubectl apply -f`` does; return the output."""
    result = run(["apply", "-f", path], cwd=Path.cwd())
    if result.code:
        raise fail(f"kubectl apply -f {path} was refused", found=result.stderr.strip())
    return result.stdout


def _deployment(name: str, namespace: str = "default") -> dict[str, Any]:
    cluster = Cluster.load()
    dep = cluster.find("Deployment", namespace, name)
    if dep is None:
        names = ", ".join(d["metadata"]["name"] for d in cluster.list("Deployment", namespace))
        raise fail(
            f"there is no Deployment named {name}",
            found=f"Deployments: {names or 'none'}",
            hint="check metadata.name, and that the file was applied",
        )
    return dep


def k8s_pods_running(
    deployment: str, *, at_least: int = 1, namespace: str = "default"
) -> list[dict]:
    """At least ``at_least`` pods of the Deployment are Running and ready."""
    cluster = Cluster.load()
    dep = _deployment(deployment, namespace)
    pods = [p for rs in cluster.owned_by(dep, "ReplicaSet") for p in cluster.owned_by(rs, "Pod")]
    ready = [p for p in pods if p["status"].get("phase") == "Running"]
    if len(ready) < at_least:
        from grader.k8s.printers import pod_status

        states = ", ".join(f"{p['metadata']['name']}: {pod_status(p)}" for p in pods) or "no pods"
        raise fail(
            f"Deployment {deployment} has {len(ready)} running pod(s), fewer than {at_least}",
            found=states,
            hint="kubectl describe pod NAME tells why a pod does not start",
        )
    return ready


def k8s_reachable(service: str, *, namespace: str = "default", port: int | None = None) -> None:
    """A request to the Service reaches a pod that listens on its targetPort."""
    with Cluster.session() as cluster:
        hops = cluster.service_request(namespace, service, port)
    if hops["error"]:
        raise fail(
            f"a request to Service {service} does not reach a pod",
            found=hops["error"],
            hint="the Service's selector must match the pods' labels, and targetPort a port "
            "they listen on",
        )
    print(
        f"Service {service} ({hops['cluster_ip']}:{hops['port']}) answered from pod "
        f"{hops['pod']} ({hops['pod_ip']} on {hops['node']})."
    )


def k8s_routes(host: str, path: str, service: str) -> None:
    """``http://host/path`` goes through an Ingress to ``service`` and on to one of its pods."""
    with Cluster.session() as cluster:
        hops = cluster.route(host, path)
    if hops["error"]:
        raise fail(
            f"http://{host}{path} goes nowhere",
            found=hops["error"],
            hint="an Ingress rule needs the host, a path, and a backend Service with a port",
        )
    if hops["service"] != service:
        raise fail(f"http://{host}{path} reaches Service {hops['service']}, not the one asked for")
    print(
        f"http://{host}{path} -> Ingress {hops['ingress']} -> Service {hops['service']} -> "
        f"pod {hops['pod']} ({hops['pod_ip']})."
    )


def k8s_ran(verb: str, *, exercise: str | None = None) -> None:
    """A ``kubectl VERB ...`` command was run (since ``check.start(exercise)``, if given)."""
    from grader.checks.exercises import started_at
    from grader.history import entries

    since = started_at(exercise)
    ran = [e for e in entries(since) if e.argv[:1] == ["kubectl"]]
    if not any(e.argv[1:2] == [verb] and e.exit_code == 0 for e in ran):
        found = "; ".join(" ".join(e.argv) for e in ran[-3:]) or "no kubectl command"
        raise fail(
            f"no successful kubectl {verb} command was run for this exercise",
            found=found,
            hint="use kubectl in a %%kubectl cell (or the terminal) to do it",
        )


def k8s_env(deployment: str, variable: str, *, namespace: str = "default") -> str:
    """The Deployment's pods see environment variable ``variable``; returns its value."""
    pods = k8s_pods_running(deployment, namespace=namespace)
    env = environment(Cluster.load(), pods[0])
    if variable not in env:
        raise fail(
            f"the pods of {deployment} have no environment variable {variable}",
            found=", ".join(
                sorted(k for k in env if not k.startswith(("KUBERNETES_", "PATH", "HOSTNAME")))
            )
            or "none of yours",
            hint="env: with valueFrom: configMapKeyRef or secretKeyRef (or envFrom) in the "
            "container",
        )
    return env[variable]


def k8s_secret_readable(name: str, key: str, *, namespace: str = "default") -> str:
    """Decode a Secret's value and show that anyone allowed to read the Secret can do so."""
    secret = Cluster.load().find("Secret", namespace, name)
    if secret is None:
        raise fail(f"there is no Secret named {name}")
    encoded = (secret.get("data") or {}).get(key)
    if encoded is None:
        raise fail(
            f"Secret {name} has no key {key}",
            found=", ".join(secret.get("data") or {}) or "no data",
        )
    value = base64.b64decode(encoded).decode(errors="replace")
    print(f"Secret {name}, key {key}: stored as {encoded!r}, which base64-decodes to {value!r}.")
    print(
        "base64 is an encoding, not encryption: restrict who may read Secrets (RBAC) and "
        "turn on encryption at rest."
    )
    return value


def k8s_replicas(deployment: str, count: int, *, namespace: str = "default") -> None:
    """The Deployment asks for ``count`` replicas and has them running."""
    dep = _deployment(deployment, namespace)
    if dep["spec"].get("replicas") != count:
        raise fail(
            f"Deployment {deployment} asks for {dep['spec'].get('replicas')} replica(s)",
            expected=f"{count} replicas",
            hint="kubectl scale changes the desired count",
        )
    k8s_pods_running(deployment, at_least=count, namespace=namespace)


def _normal(text: Any) -> str:
    return str(text).strip().lower().replace("_", "-").replace(" ", "-")


def _scratch() -> Cluster:
    from grader.k8s.cluster import new_state

    return Cluster(new_state(control_planes=3, workers=2))


def _web(cluster: Cluster) -> None:
    cluster.apply(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "demo"},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "demo"}},
                "template": {
                    "metadata": {"labels": {"app": "demo"}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
                },
            },
        }
    )
    from grader.k8s import controllers

    controllers.reconcile(cluster)


def k8s_answer(question: str, answer: Any) -> None:
    """Grade an architecture answer against what the simulator does.

    Questions: ``"picks-node"`` (which control-plane component chooses a new pod's node),
    ``"snapshot-restores"`` (what restoring an etcd snapshot gives back: a letter),
    ``"pod-ip-after-kill"`` ("same" or "new"), ``"etcd-members-for-one-failure"`` (a number).
    """
    from grader.k8s import controllers

    cluster = _scratch()
    if question == "picks-node":
        _web(cluster)
        placed = [e for e in cluster.state["log"] if " placed " in e]
        truth = placed[0].split()[0]  # the component that logged the placement
        if truth not in _normal(answer):
            raise fail(
                "that component does not choose nodes",
                hint="one control-plane process watches for pods with no node and binds them",
            )
        print(f"Right: {placed[0]}.")
    elif question == "pod-ip-after-kill":
        _web(cluster)
        pod = cluster.list("Pod", "default")[0]
        before = pod["status"]["podIP"]
        cluster.kill_pod("default", pod["metadata"]["name"])
        controllers.reconcile(cluster)
        fresh = [p for p in cluster.list("Pod", "default") if p["status"]["podIP"] != before]
        truth = (
            "new"
            if fresh and all(p["status"]["podIP"] != before for p in cluster.list("Pod", "default"))
            else "same"
        )
        if _normal(answer) not in {truth, f"{truth}-ip", "changes" if truth == "new" else "stays"}:
            raise fail(
                "that is not what the cluster does",
                hint="kill a pod in the widget and compare the IPs",
            )
        print(f"Right: pod {pod['metadata']['name']} had {before}; its replacement got a new IP.")
    elif question == "snapshot-restores":
        _web(cluster)
        with tempfile.TemporaryDirectory() as folder:
            snap = Path(folder) / "snap.db"
            cluster.snapshot_save(snap)
            cluster.delete("Deployment", "default", "demo")
            cluster.snapshot_restore(snap)
        back = cluster.find("Deployment", "default", "demo") is not None
        if not back or _normal(answer) != "b":
            raise fail(
                "that is not what a snapshot holds",
                hint="etcd stores the API objects (the cluster's desired and observed state)",
            )
        print("Right: the Deployment deleted after the snapshot came back with the restore.")
    elif question == "etcd-members-for-one-failure":
        try:
            members = int(answer)
        except (TypeError, ValueError):
            raise fail("answer with a number of etcd members") from None
        tolerates = (members - 1) // 2
        if tolerates < 1 or members % 2 == 0 or members > 3:
            raise fail(
                f"{members} member(s) tolerate {tolerates} failure(s) for that cost",
                hint="quorum is a strict majority; find the smallest count that survives one loss",
            )
        print(f"Right: {members} members need {members // 2 + 1} for quorum, so one may fail.")
    else:
        raise fail(f"unknown question {question!r}")
