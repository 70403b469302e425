"""Checks for the Kubernetes notebooks (06, 07, 09, 10): manifests, the cluster, diagnoses.

Reachable as ``check.<name>`` (see :mod:`grader.checks`). Manifest checks validate a file
(YAML, the 1.32 schema, then the cross-object rules of :mod:`grader.k8s.validate`);
:func:`k8s_applied` checks that the student applied it (``kubectl apply -f``, typed by the
student) and that the cluster holds what it says; state checks look at what the cluster did
with it. A diagnosis (``shop_status = "ImagePullBackOff"``) is graded against what the
simulated cluster shows, never against a string stored here. Failures teach; they never
show the answer.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from grader.checks.failure import fail
from grader.checks.progress import passed
from grader.k8s import validate
from grader.k8s.cluster import Cluster
from grader.k8s.controllers import is_ready
from grader.k8s.execsim import environment


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
            found=_without_secrets("\n".join(str(p) for p in problems), text),
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


def _without_secrets(message: str, text: str) -> str:
    """``message`` with every value a Secret of the file ``text`` holds blanked out."""
    import yaml

    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return message
    for doc in docs:
        if not isinstance(doc, dict) or doc.get("kind") != "Secret":
            continue
        for field in ("data", "stringData"):
            values = doc.get(field)
            if not isinstance(values, dict):
                continue
            for value in sorted((str(v) for v in values.values() if str(v)), key=len)[::-1]:
                message = message.replace(value, "(a Secret's value: not shown)")
    return message


def k8s_applied(path: str, *, exercise: str | None = None) -> None:
    """The student applied the file, and the cluster holds it as written.

    ``kubectl apply -f PATH`` (or ``create -f``, or ``-f`` with the file's folder; not a dry
    run) must have run successfully since ``check.start(exercise)``, typed by the student: no
    check applies a file for them. The command is judged as kubectl parses it.
    """
    from grader.checks.exercises import started_at
    from grader.history import entries
    from grader.k8s.grammar import KubectlError, parse

    applied = False
    for entry in entries(started_at(exercise)):
        if entry.argv[:1] != ["kubectl"] or entry.exit_code:
            continue
        try:
            inv = parse(entry.argv[1:])
        except KubectlError:
            continue
        if inv.path in {"apply", "create"} and inv.options.get("dry-run", "none") == "none":
            applied = applied or any(_names(f, path) for f in inv.options["filename"])
    if not applied:
        raise fail(
            f"kubectl apply -f {path} was not run (successfully) for this exercise",
            hint="run the %%writefile cell, then kubectl apply -f with that file in a "
            "%%kubectl cell",
        )
    cluster = Cluster.load()
    for obj in k8s_manifest(path):
        meta = obj.get("metadata") or {}
        stored = cluster.find(obj["kind"], meta.get("namespace", "default"), meta.get("name", ""))
        if stored is None or not _holds(stored, _as_stored(obj)):
            raise fail(
                f"the cluster's {obj['kind']} {meta.get('name')} differs from {path}",
                hint=f"{path} changed after it was applied: apply it again",
            )
    passed(f"{path} is applied: the cluster holds what it describes")


def _names(given: str, path: str) -> bool:
    """``-f given`` names the file ``path``: the file itself, or the folder holding it."""
    folder = Path(given)
    return folder.name == Path(path).name or (folder.is_dir() and (folder / path).is_file())


def _as_stored(obj: dict[str, Any]) -> dict[str, Any]:
    """The fields of a manifest to compare with the stored object (stringData encoded)."""
    wanted = {k: v for k, v in obj.items() if k in {"spec", "data", "type"}}
    if obj.get("kind") == "Secret":
        encoded = {
            k: base64.b64encode(str(v).encode()).decode()
            for k, v in (obj.get("stringData") or {}).items()
        }
        wanted["data"] = {**(obj.get("data") or {}), **encoded}
    wanted["metadata"] = {"labels": (obj.get("metadata") or {}).get("labels") or {}}
    return wanted


def _holds(stored: Any, wanted: Any) -> bool:
    """True when ``stored`` has every field of ``wanted`` with the same value."""
    if wanted in ({}, []) and not stored:
        return True
    if isinstance(wanted, dict):
        return isinstance(stored, dict) and all(_holds(stored.get(k), v) for k, v in wanted.items())
    if isinstance(wanted, list):
        return (
            isinstance(stored, list)
            and len(stored) == len(wanted)
            and all(_holds(a, b) for a, b in zip(stored, wanted, strict=True))
        )
    return stored == wanted or str(stored) == str(wanted)


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


def k8s_pods_running(deployment: str, *, at_least: int = 1, namespace: str = "default") -> None:
    """At least ``at_least`` pods of the Deployment are Running and ready."""
    ready = _ready_pods(deployment, at_least, namespace)
    passed(f"Deployment {deployment} has {len(ready)} running, ready pod(s)")


def _ready_pods(deployment: str, at_least: int, namespace: str) -> list[dict]:
    cluster = Cluster.load()
    dep = _deployment(deployment, namespace)
    pods = [p for rs in cluster.owned_by(dep, "ReplicaSet") for p in cluster.owned_by(rs, "Pod")]
    ready = [p for p in pods if is_ready(p)]
    if len(ready) < at_least:
        from grader.k8s.printers import pod_status

        states = ", ".join(f"{p['metadata']['name']}: {pod_status(p)}" for p in pods) or "no pods"
        raise fail(
            f"Deployment {deployment} has {len(ready)} running and ready pod(s), fewer than "
            f"{at_least}",
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
    passed(
        f"Service {service} ({hops['cluster_ip']}:{hops['port']}) answered from pod "
        f"{hops['pod']} ({hops['pod_ip']} on {hops['node']})"
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
    passed(
        f"http://{host}{path} -> Ingress {hops['ingress']} -> Service {hops['service']} -> "
        f"pod {hops['pod']} ({hops['pod_ip']})"
    )


def k8s_ran(
    verb: str, *, exercise: str | None = None, options: Mapping[str, Any] | None = None
) -> None:
    """A ``kubectl VERB ...`` command ran successfully (since ``check.start(exercise)``).

    The command is judged as kubectl parses it, so flags may come before the verb's
    arguments and ``deploy/web`` is ``deployment web``. ``verb`` may name a subcommand too
    (``"rollout status"``). ``options`` maps long option names to the values the command
    must have had, as kubectl parsed them (``{"watch": True}``: ``-w``, ``--watch`` and
    leaving the default all pass, ``--watch=false`` does not).
    """
    from grader.checks.exercises import started_at
    from grader.history import entries
    from grader.k8s.grammar import KubectlError, parse

    words = verb.split()
    wanted = dict(options or {})
    ran = [e for e in entries(started_at(exercise)) if e.argv[:1] == ["kubectl"]]
    other: dict[str, Any] = {}
    for entry in ran:
        try:
            invocation = parse(entry.argv[1:])
        except KubectlError:
            continue
        if invocation.path.split()[: len(words)] != words or entry.exit_code != 0:
            continue
        other = {k: invocation.options.get(k) for k, v in wanted.items()}
        if other == wanted:
            passed(f"you ran kubectl {verb}")
            return
    if other:
        raise fail(
            f"your kubectl {verb} ran with {_options_text(other, wanted)}",
            expected=_options_text(wanted, other),
            hint=f"kubectl {verb} --help says what each option does",
        )
    found = "; ".join(" ".join(e.argv) for e in ran[-3:]) or "no kubectl command"
    raise fail(
        f"no successful kubectl {verb} command was run for this exercise",
        found=found,
        hint=f"the exercise asks for kubectl {verb}, in a %%kubectl cell (or the terminal)",
    )


def _options_text(options: Mapping[str, Any], against: Mapping[str, Any]) -> str:
    """``--name=value`` for each option whose value differs from ``against``'s."""
    shown = {k: v for k, v in options.items() if against.get(k) != v}
    return ", ".join(
        f"--{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in shown.items()
    )


def k8s_pods_deleted(
    exercise: str, *, app: str, names: tuple[str, ...] = (), namespace: str = "default"
) -> None:
    """The pods ``names`` are gone, and every pod labelled ``app=APP`` is a replacement.

    A replacement is a pod created after the first pod deletion since
    ``check.start(exercise)``: a pod of the Deployment that ran before it was not deleted.
    """
    from grader.checks.exercises import started_at

    cluster = Cluster.load()
    left = [n for n in names if cluster.find("Pod", namespace, n) is not None]
    if left:
        raise fail(
            f"pod {', '.join(left)} still exists",
            hint="kubectl delete pod takes one or more pod names",
        )
    since = started_at(exercise)
    removals = [count for at, count in cluster.state.get("pod_removals", []) if at >= since]
    pods = cluster.list("Pod", namespace, {"app": app})
    old = [p["metadata"]["name"] for p in pods if not removals or _serial(p) <= removals[0]]
    if old:
        raise fail(
            f"{len(old)} of the {app} pods already ran when the exercise started",
            found=", ".join(old),
            hint=f"delete every pod labelled app={app}: by their names, or with -l KEY=VALUE",
        )
    gone = " and ".join([*names, f"every {app} pod"])
    passed(f"{gone} deleted; the {app} pods now running are {len(pods)} new ones")


def _serial(obj: dict[str, Any]) -> int:
    """The order in which the cluster gave out ``obj``'s uid."""
    return int(obj["metadata"]["uid"].split("-", 1)[0], 16)


def _env_source(
    cluster: Cluster, container: dict[str, Any], variable: str, namespace: str
) -> tuple[str, str, str]:
    """Where the container's ``variable`` comes from: ``(kind, name, key)``.

    As the kubelet builds it: ``env`` entries win over ``envFrom`` (the last of each wins),
    and ``envFrom`` gives every key of its ConfigMap or Secret (after its ``prefix``).
    ``kind`` is ``"value"`` for a value written in the manifest, ``""`` when nothing sets it.
    """
    for item in reversed(container.get("env") or []):
        if item.get("name") != variable:
            continue
        source = item.get("valueFrom") or {}
        for kind, field in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
            if field in source:
                ref = source[field] or {}
                return kind, str(ref.get("name", "")), str(ref.get("key", ""))
        return "value", "", ""
    for item in reversed(container.get("envFrom") or []):
        prefix = str(item.get("prefix") or "")
        for kind, field in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            name = str((item.get(field) or {}).get("name", ""))
            found = cluster.find(kind, namespace, name) if name else None
            keys = (found or {}).get("data") or {}
            if variable.startswith(prefix) and variable[len(prefix) :] in keys:
                return kind, name, variable[len(prefix) :]
    return "", "", ""


def k8s_env_from(
    deployment: str,
    variable: str,
    *,
    configmap: str | None = None,
    secret: str | None = None,
    value: str | None = None,
    namespace: str = "default",
) -> None:
    """The Deployment's running pods get ``variable`` from the ConfigMap or the Secret.

    ``env`` with ``valueFrom`` and ``envFrom`` both count. The value the pods see is the
    one their container started with; with ``value`` it must be that.
    """
    pods = _ready_pods(deployment, 1, namespace)
    cluster = Cluster.load()
    kind, source = ("ConfigMap", configmap) if configmap else ("Secret", secret or "")
    word = kind[0].lower() + kind[1:]
    got, name, key = _env_source(cluster, pods[0]["spec"]["containers"][0], variable, namespace)
    if got == "value":
        raise fail(
            f"the manifest of {deployment} writes {variable}'s value itself",
            expected=f"{variable} read from the {kind} {source}",
            hint=f"an env entry with valueFrom.{word}KeyRef, or envFrom.{word}Ref, reads it "
            "from there: the value can then change without touching the Deployment",
        )
    if (got, name) != (kind, source):
        raise fail(
            f"the container of {deployment} does not take {variable} from the {kind} {source}",
            found=f"it takes it from the {got} {name}" if got else f"nothing sets {variable}",
            hint=f"an env entry named {variable} with valueFrom.{word}KeyRef, or "
            f"envFrom.{word}Ref whose {kind} has a key of that name",
        )
    env = environment(cluster, pods[0])
    held = ((cluster.find(kind, namespace, source) or {}).get("data") or {}).get(key)
    if kind == "Secret" and held is not None:
        held = base64.b64decode(held).decode(errors="replace")
    if env.get(variable) != held:
        raise fail(
            f"the pods of {deployment} do not see {variable} as the {kind} {source} holds it",
            hint=f"is {key!r} a key of {source}? pods started before a change keep the old "
            "value: kubectl rollout restart starts new ones",
        )
    if value is not None and env[variable] != value:
        raise fail(
            f"in the pods of {deployment}, {variable} has another value",
            expected=value if configmap else "(a Secret's value: not shown)",
            found=env[variable] if configmap else "(a Secret's value: not shown)",
        )
    passed(f"the pods of {deployment} read {variable} from the {kind} {source}")


def k8s_image(deployment: str, image: str, *, namespace: str = "default") -> None:
    """The Deployment's pod template runs ``image`` (``nginx`` = ``docker.io/library/nginx``)."""
    from grader.k8s.kubelet import normalise

    dep = _deployment(deployment, namespace)
    images = [
        str(c.get("image", ""))
        for c in dep["spec"].get("template", {}).get("spec", {}).get("containers", [])
    ]
    if normalise(image) not in {normalise(i) for i in images}:
        raise fail(
            f"Deployment {deployment} does not run the image asked for",
            expected=image,
            found=", ".join(images) or "no container",
        )
    passed(f"Deployment {deployment} runs {image}")


def k8s_template(
    deployment: str,
    *,
    labels: dict[str, str] | None = None,
    ports: tuple[int, ...] = (),
    namespace: str = "default",
) -> None:
    """The Deployment's pods carry ``labels``, and its containers declare ``ports``."""
    dep = _deployment(deployment, namespace)
    template = dep["spec"].get("template") or {}
    have = (template.get("metadata") or {}).get("labels") or {}
    wrong = [f"{k}={v}" for k, v in (labels or {}).items() if have.get(k) != v]
    if wrong:
        raise fail(
            f"the pods of {deployment} are not labelled {', '.join(wrong)}",
            found=", ".join(f"{k}={v}" for k, v in have.items()) or "no labels",
            hint="spec.template.metadata.labels gives the pods their labels (and the "
            "Deployment's selector must match them)",
        )
    declared = {
        str(port.get("containerPort"))
        for container in (template.get("spec") or {}).get("containers") or []
        for port in container.get("ports") or []
    }
    missing = [str(p) for p in ports if str(p) not in declared]
    if missing:
        raise fail(
            f"no container of {deployment} declares the port {', '.join(missing)}",
            found=", ".join(sorted(declared - {"None"})) or "no container port",
            hint="a container lists its ports under ports: with containerPort",
        )
    said = [f"labelled {k}={v}" for k, v in (labels or {}).items()]
    said += [f"declare port {p}" for p in ports]
    passed(f"the pods of {deployment}: {', '.join(said)}")


PROBES = {"readinessProbe": "readiness", "livenessProbe": "liveness", "startupProbe": "startup"}
"""A container's probe fields and what each is called in prose."""


def k8s_probe(
    deployment: str,
    probe: str = "readinessProbe",
    *,
    passing: bool = False,
    namespace: str = "default",
) -> None:
    """Every container of the Deployment's pods has a ``probe`` (``readinessProbe`` ...).

    With ``passing``, the probe also passes in every running pod of the Deployment now, as
    the kubelet asks it (a liveness probe that fails would restart the container forever).
    """
    dep = _deployment(deployment, namespace)
    containers = ((dep["spec"].get("template") or {}).get("spec") or {}).get("containers") or []
    missing = [c.get("name", "") for c in containers if not c.get(probe)]
    word = PROBES.get(probe, probe)
    if missing or not containers:
        raise fail(
            f"the container {', '.join(missing) or '(none)'} of {deployment} has no {word} probe",
            hint=f"keep the probe and make it ask something the container answers: {probe} "
            "under the container, with httpGet (a path it serves), tcpSocket or exec",
        )
    kinds = sorted(
        {k for c in containers for k in ("httpGet", "tcpSocket", "exec", "grpc") if k in c[probe]}
    )
    if passing:
        _probe_passes(dep, probe, word)
    said = " that passes" if passing else ""
    passed(f"the pods of {deployment} have a {word} probe{said} ({', '.join(kinds)})")


def _probe_passes(dep: dict[str, Any], probe: str, word: str) -> None:
    """Ask ``probe`` of every container in the Deployment's running pods, as the kubelet does."""
    from grader.k8s.probes import verdict

    cluster = Cluster.load()
    pods = [p for rs in cluster.owned_by(dep, "ReplicaSet") for p in cluster.owned_by(rs, "Pod")]
    for pod in [p for p in pods if (p.get("status") or {}).get("podIP")]:
        for container in pod["spec"].get("containers") or []:
            answer = verdict(cluster, pod, container, container[probe])
            if not answer.passed:
                raise fail(
                    f"the {word} probe of {dep['metadata']['name']} fails",
                    found=f"pod {pod['metadata']['name']}: {answer.detail}",
                    hint="ask something the container answers: a path it serves, a port it "
                    "listens on (kubectl describe pod shows the probe's events)",
                )


def k8s_service_type(service: str, kind: str, *, namespace: str = "default") -> None:
    """The Service is of type ``kind`` (ClusterIP, NodePort, LoadBalancer)."""
    svc = Cluster.load().find("Service", namespace, service)
    if svc is None:
        raise fail(f"there is no Service named {service}")
    if svc["spec"].get("type", "ClusterIP") != kind:
        raise fail(
            f"Service {service} is of another type",
            expected=kind,
            found=svc["spec"].get("type"),
        )
    passed(f"Service {service} is a {kind} Service")


def k8s_config_value(name: str, key: str, value: str, *, namespace: str = "default") -> None:
    """The ConfigMap holds ``key`` with ``value``."""
    cm = Cluster.load().find("ConfigMap", namespace, name)
    if cm is None:
        raise fail(f"there is no ConfigMap named {name}")
    data = cm.get("data") or {}
    if data.get(key) != value:
        raise fail(
            f"ConfigMap {name} does not hold {key} with the value asked for",
            expected=f"{key}: {value}",
            found=f"{key}: {data[key]}" if key in data else f"keys {', '.join(data) or 'none'}",
        )
    passed(f"ConfigMap {name} holds {key}")


def k8s_secret_keys(name: str, keys: tuple[str, ...], *, namespace: str = "default") -> None:
    """The Secret has every key of ``keys`` (with a non-empty value)."""
    secret = Cluster.load().find("Secret", namespace, name)
    if secret is None:
        raise fail(f"there is no Secret named {name}")
    data = secret.get("data") or {}
    missing = [k for k in keys if not data.get(k)]
    if missing:
        raise fail(
            f"Secret {name} has no {', '.join(missing)}",
            found=", ".join(data) or "no data",
            hint="stringData: takes the value in clear, data: its base64 form",
        )
    passed(f"Secret {name} holds {', '.join(keys)}")


def k8s_rolled_out(deployment: str, *, namespace: str = "default") -> None:
    """Let the cluster's time run, as ``kubectl rollout status`` waits, until the rollout is done.

    The checks after it then see the Deployment as it settles, whatever its probes' delays
    (``initialDelaySeconds``, ``minReadySeconds``): when a notebook is graded its cells run
    back to back, with less time between them than the student's own run had.
    """
    from grader.k8s.kubectl import run

    _deployment(deployment, namespace)
    result = run(["rollout", "status", f"deployment/{deployment}", "--namespace", namespace])
    if result.code != 0:
        said = [*result.stdout.strip().splitlines()[-1:], result.stderr.strip()]
        raise fail(
            f"the rollout of Deployment {deployment} does not complete",
            found=" ".join(line for line in said if line),
            hint="kubectl describe pod NAME tells why a pod does not start or get ready",
        )
    passed(f"the rollout of Deployment {deployment} is complete")


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


def k8s_diagnosis(app: str, answer: Any, *, namespace: str = "default") -> None:
    """``answer`` names what keeps the pods labelled ``app=APP`` from running.

    The truth is read from the cluster: the reasons their containers show (STATUS) or
    their events report (``Error: REASON``), so either of a back-off pair passes
    (``ErrImagePull`` / ``ImagePullBackOff``).
    """
    from grader.k8s.describe import pod_events

    cluster = Cluster.load()
    pods = cluster.list("Pod", namespace, {"app": app})
    reasons = set()
    for pod in pods:
        for status in pod.get("status", {}).get("containerStatuses", []):
            for state in (status.get("state", {}), status.get("lastState") or {}):
                for detail in state.values():
                    reasons.add(str(detail.get("reason", "")))
        for row in pod_events(pod, cluster.now()):
            if row[4].startswith("Error: ") and " " not in row[4][7:]:
                reasons.add(row[4][7:])
    reasons.discard("")
    if not isinstance(answer, str) or not answer.strip():
        raise fail("answer with the reason, as text (a string)")
    if not reasons:
        raise fail(
            f"the pods of {app} show no problem now",
            hint="answer before you fix it (run the set-up cell again to start over)",
        )
    pulling = {"ErrImagePull", "ImagePullBackOff"}
    if reasons & pulling:
        reasons |= pulling  # the two alternate while the kubelet retries
    if _normal(answer) not in {_normal(r) for r in reasons}:
        raise fail(
            f"{answer.strip()!r} is not what keeps the {app} pods from running",
            hint="kubectl get pods shows it in STATUS; kubectl describe pod shows it in "
            "State/Reason and the events",
        )
    passed(f"{answer.strip()} is what the {app} pods show")


def k8s_last_state(app: str, answer: Any, *, namespace: str = "default") -> None:
    """``answer`` is how the last run of the ``app=APP`` pods' container ended.

    The truth is the ``lastState.terminated.reason`` the cluster shows (``OOMKilled``,
    ``Error``, ``Completed``), what ``kubectl describe pod`` prints under ``Last State``.
    """
    cluster = Cluster.load()
    reasons = {
        str(status["lastState"]["terminated"].get("reason", ""))
        for pod in cluster.list("Pod", namespace, {"app": app})
        for status in pod.get("status", {}).get("containerStatuses", [])
        if "terminated" in (status.get("lastState") or {})
    }
    if not isinstance(answer, str) or not answer.strip():
        raise fail("answer with the reason, as text (a string)")
    if not reasons:
        raise fail(
            f"no container of the {app} pods has ended yet",
            hint="let the cluster run a little (the set-up cell does), then describe the pod",
        )
    if _normal(answer) not in {_normal(r) for r in reasons}:
        raise fail(
            f"{answer.strip()!r} is not how the last run of the {app} container ended",
            hint="kubectl describe pod shows it under Last State: Terminated, Reason",
        )
    passed(f"{answer.strip()} is how the last run of the {app} container ended")


def k8s_memory_limit(deployment: str, at_least: str, *, namespace: str = "default") -> None:
    """Every container of the Deployment has a memory limit of at least ``at_least``."""
    from grader.k8s.controllers import parse_memory

    dep = _deployment(deployment, namespace)
    for container in dep["spec"].get("template", {}).get("spec", {}).get("containers", []):
        limit = ((container.get("resources") or {}).get("limits") or {}).get("memory")
        if limit is None or parse_memory(limit) < parse_memory(at_least):
            name = container.get("name")
            raise fail(
                f"the container {name} of {deployment} has too little memory, or no limit",
                expected=f"resources.limits.memory of at least {at_least}",
                found=str(limit) if limit else "no memory limit",
            )
    passed(f"the containers of {deployment} may use at least {at_least} of memory")


def k8s_endpoints(service: str, answer: Any, *, namespace: str = "default") -> None:
    """``answer`` is how many pod addresses the Service's endpoints list holds now."""
    if isinstance(answer, bool) or not isinstance(answer, int):
        raise fail("answer with a whole number of endpoints")
    cluster = Cluster.load()
    if cluster.find("Service", namespace, service) is None:
        raise fail(f"there is no Service named {service}")
    ep = cluster.find("Endpoints", namespace, service) or {}
    count = sum(len(s.get("addresses", [])) for s in ep.get("subsets", []))
    if answer != count:
        raise fail(
            f"Service {service} does not have {answer} endpoint(s)",
            hint=f"kubectl get endpoints {service} lists them",
        )
    passed(f"Service {service} has {count} endpoint(s)")


def _normal(text: Any) -> str:
    return str(text).strip().casefold()


QUANTITIES = {"cpu": "parse_cpu", "memory": "parse_memory"}
"""The resources a container may request or be limited to, and how each quantity reads."""


def k8s_resources(
    deployment: str,
    *,
    requests: tuple[str, ...] = ("cpu", "memory"),
    limits: tuple[str, ...] = ("cpu", "memory"),
    namespace: str = "default",
) -> None:
    """Every container of the Deployment requests ``requests`` and is limited in ``limits``.

    The values are the student's; where a resource has both, the limit may not be below the
    request (the API server refuses such a pod: "must be less than or equal to ... limit").
    """
    from grader.k8s import controllers

    dep = _deployment(deployment, namespace)
    containers = ((dep["spec"].get("template") or {}).get("spec") or {}).get("containers") or []
    for container in containers:
        name = container.get("name", "")
        given = container.get("resources") or {}
        for field, wanted in (("requests", requests), ("limits", limits)):
            have = given.get(field) or {}
            missing = [r for r in wanted if r not in have]
            if missing:
                raise fail(
                    f"the container {name} of {deployment} has no {field}."
                    f"{' and no '.join(missing)}",
                    expected=f"resources.{field} with {', '.join(wanted)}",
                    found=", ".join(f"{k}: {v}" for k, v in have.items()) or f"no {field}",
                    hint="requests are what the scheduler reserves on a node, limits the most "
                    "the container may use; the values are yours to choose",
                )
        for resource, parser in QUANTITIES.items():
            request = (given.get("requests") or {}).get(resource)
            limit = (given.get("limits") or {}).get(resource)
            read = getattr(controllers, parser)
            if request is not None and limit is not None and read(limit) < read(request):
                raise fail(
                    f"the container {name} of {deployment} requests more {resource} than its "
                    "limit allows",
                    found=f"requests.{resource}: {request}, limits.{resource}: {limit}",
                    hint="a request must be less than or equal to the limit",
                )
    if not containers:
        raise fail(f"Deployment {deployment} has no container")
    said = [f"request {', '.join(requests)}"] if requests else []
    said += [f"are limited in {', '.join(limits)}"] if limits else []
    passed(f"the containers of {deployment} {' and '.join(said)}")


def k8s_zero_downtime(deployment: str, *, namespace: str = "default") -> None:
    """A rollout of the Deployment never takes a ready pod away before its replacement is ready.

    That takes a ``RollingUpdate`` strategy whose ``maxUnavailable`` comes to 0 pods for the
    Deployment's replicas (``0``, ``0%``, or a percentage that rounds down to 0), and a
    readiness probe on every container: without one a new pod counts as ready as soon as it
    starts, whether it answers or not.
    """
    from grader.k8s.deployments import limits

    dep = _deployment(deployment, namespace)
    strategy = dep["spec"].get("strategy") or {}
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        raise fail(
            f"Deployment {deployment} stops every old pod before it starts a new one",
            found=f"strategy.type: {strategy.get('type')}",
            hint="Recreate leaves no pod serving during a rollout; RollingUpdate replaces them "
            "a few at a time",
        )
    surge, unavailable = limits(dep)
    if unavailable:
        replicas = dep["spec"].get("replicas", 1)
        raise fail(
            f"a rollout of {deployment} may take {unavailable} of its {replicas} pod(s) out of "
            "service before their replacements are ready",
            found="maxUnavailable: "
            + str((strategy.get("rollingUpdate") or {}).get("maxUnavailable", "25% (default)")),
            hint="maxUnavailable says how many pods below replicas a rollout may go; maxSurge "
            "how many extra pods it may start first",
        )
    k8s_probe(deployment, "readinessProbe", namespace=namespace)
    passed(
        f"a rollout of {deployment} starts up to {surge} new pod(s) first and stops an old one "
        "only once a new one is ready"
    )
