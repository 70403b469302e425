"""``kubectl describe``: the human-readable page for one object, with its events.

The layout follows kubectl 1.32 (a ``Key:  value`` column, nested sections indented by two
spaces, an ``Events:`` table at the end of a pod) for the fields the course uses; the pod's
events are derived from its state (scheduled, pulled, started, why it cannot start, the
image pull or restart back-off), which is what a student reads to debug a pod that is not
Running. :func:`pod_events` also feeds ``kubectl get events``.
"""

from __future__ import annotations

from typing import Any

from grader.k8s import names, probes
from grader.k8s.describe_node import describe_node
from grader.k8s.kubelet import pull_error
from grader.k8s.printers import age, service_ports, table, tabwrite

Obj = dict[str, Any]
Line = tuple[str, str]


def _labels(mapping: dict[str, str] | None) -> str:
    return "\n".join(f"{k}={v}" for k, v in (mapping or {}).items()) or "<none>"


def _block(lines: list[Line], indent: int = 0) -> list[str]:
    keyed = [key for key, _ in lines if key.endswith(":")]
    width = max((len(k) for k in keyed), default=0) + 2
    out = []
    for key, value in lines:
        if not key.endswith(":"):
            out.append(" " * indent + key)
            continue
        first, *more = str(value).split("\n")
        out.append((" " * indent + key.ljust(width) + first).rstrip())
        out += [" " * (indent + width) + m for m in more]
    return out


def _start_time(pod: Obj) -> str:
    started = pod.get("status", {}).get("startTime")
    if not started:
        return "<none>"
    return names.rfc1123z(started)


def _env_text(item: Obj) -> str:
    source = item.get("valueFrom") or {}
    if "secretKeyRef" in source:
        ref = source["secretKeyRef"]
        where = f"in secret '{ref.get('name')}'"
        return f"<set to the key '{ref.get('key')}' {where}>  Optional: false"
    if "configMapKeyRef" in source:
        ref = source["configMapKeyRef"]
        where = f"of config map '{ref.get('name')}'"
        return f"<set to the key '{ref.get('key')}' {where}>  Optional: false"
    return str(item.get("value", ""))


def _state_lines(title: str, state: Obj) -> list[Line]:
    """``State:`` or ``Last State:`` with its indented details, as kubectl prints them."""
    if "running" in state:
        return [(title, "Running"), ("  Started:", names.rfc1123z(state["running"]["startedAt"]))]
    if "terminated" in state:
        ended = state["terminated"]
        return [
            (title, "Terminated"),
            ("  Reason:", ended.get("reason", "")),
            ("  Exit Code:", str(ended.get("exitCode", 0))),
            ("  Started:", names.rfc1123z(ended["startedAt"])),
            ("  Finished:", names.rfc1123z(ended["finishedAt"])),
        ]
    if "waiting" in state:
        return [(title, "Waiting"), ("  Reason:", state["waiting"].get("reason", ""))]
    return [(title, "Waiting")]


def _container(pod: Obj, container: Obj, status: Obj) -> list[str]:
    ports = [
        f"{p.get('containerPort')}/{p.get('protocol', 'TCP')}"
        for p in container.get("ports", []) or []
    ]
    lines: list[Line] = [
        ("Image:", container.get("image", "")),
        ("Port:", ", ".join(ports) or "<none>"),
    ]
    lines += _state_lines("State:", status.get("state", {}))
    if status.get("lastState"):
        lines += _state_lines("Last State:", status["lastState"])
    lines += [
        ("Ready:", str(bool(status.get("ready"))).capitalize()),
        ("Restart Count:", str(status.get("restartCount", 0))),
    ]
    for word in ("limits", "requests"):
        amounts = (container.get("resources") or {}).get(word) or {}
        if amounts:
            lines.append((f"{word.capitalize()}:", ""))
            lines += [(f"  {key}:", str(value)) for key, value in amounts.items()]
    for title, key in (("Liveness:", "livenessProbe"), ("Readiness:", "readinessProbe")):
        if container.get(key):
            lines.append((title, probes.describe(container[key])))
    out = [f"  {container.get('name')}:"] + _block(lines, 4)
    env = [(f"{e.get('name')}:", _env_text(e)) for e in container.get("env", []) or []]
    for item in container.get("envFrom", []) or []:
        for key, word in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            if key in item:
                env.append((f"{item[key].get('name')}", f"{word}  Optional: false"))
    out += ["    Environment:" + ("" if env else "  <none>")] + _block(env, 6)
    mounts = [
        f"      {m.get('mountPath')} from {m.get('name')} (ro)"
        for m in container.get("volumeMounts", []) or []
    ]
    out += ["    Mounts:" + ("" if mounts else "  <none>")] + mounts
    return out


def pod_events(
    pod: Obj, now: float, failing: dict[str, list[tuple[str, str]]] | None = None
) -> list[list[str]]:
    """The pod's events (type, reason, age, from, message), oldest first.

    ``failing`` holds the probes failing now, by container (:func:`probes.failures`).
    """
    spec, status = pod["spec"], pod.get("status", {})
    when = age(pod, now)
    ns_name = f"{pod['metadata'].get('namespace', 'default')}/{pod['metadata']['name']}"
    ref = f"{pod['metadata']['name']}_{pod['metadata'].get('namespace', 'default')}"
    ref += f"({pod['metadata'].get('uid', '')})"
    if not spec.get("nodeName"):
        message = (status.get("conditions") or [{}])[0].get("message", "no node available")
        return [["Warning", "FailedScheduling", when, "default-scheduler", message]]
    rows = [
        [
            "Normal",
            "Scheduled",
            when,
            "default-scheduler",
            f"Successfully assigned {ns_name} to {spec['nodeName']}",
        ]
    ]
    for container, item in zip(
        spec.get("containers", []), status.get("containerStatuses", []), strict=False
    ):
        name, image = container.get("name"), container.get("image")
        waiting = item.get("state", {}).get("waiting") or {}
        reason = waiting.get("reason")
        if reason == "InvalidImageName":
            rows.append(["Warning", "InspectFailed", when, "kubelet", waiting.get("message", "")])
            continue
        if reason in {"ErrImagePull", "ImagePullBackOff"}:
            rows += [
                ["Normal", "Pulling", when, "kubelet", f'Pulling image "{image}"'],
                ["Warning", "Failed", when, "kubelet", pull_error(str(image))],
                ["Warning", "Failed", when, "kubelet", "Error: ErrImagePull"],
            ]
            if reason == "ImagePullBackOff":
                rows += [
                    ["Normal", "BackOff", when, "kubelet", f'Back-off pulling image "{image}"'],
                    ["Warning", "Failed", when, "kubelet", "Error: ImagePullBackOff"],
                ]
            continue
        rows.append(
            [
                "Normal",
                "Pulled",
                when,
                "kubelet",
                f'Container image "{image}" already present on machine',
            ]
        )
        if reason and reason not in {"CrashLoopBackOff", "ContainerCreating"}:
            rows.append(
                ["Warning", "Failed", when, "kubelet", f"Error: {waiting.get('message', '')}"]
            )
            continue
        rows += [
            ["Normal", "Created", when, "kubelet", f"Created container {name}"],
            ["Normal", "Started", when, "kubelet", f"Started container {name}"],
        ]
        for kind, detail in (failing or {}).get(str(name), []):
            rows.append(["Warning", "Unhealthy", when, "kubelet", f"{kind} probe failed: {detail}"])
            if kind == "Liveness":
                message = f"Container {name} failed liveness probe, will be restarted"
                rows.append(["Normal", "Killing", when, "kubelet", message])
        if reason == "CrashLoopBackOff":
            rows.append(
                [
                    "Warning",
                    "BackOff",
                    when,
                    "kubelet",
                    f"Back-off restarting failed container {name} in pod {ref}",
                ]
            )
    return rows


def events_of(
    pod: Obj, now: float, failing: dict[str, list[tuple[str, str]]] | None = None
) -> list[Obj]:
    """The pod's events as the API's Event objects (what ``kubectl get events`` lists)."""
    meta = pod["metadata"]
    found = []
    for index, (kind, reason, _, source, message) in enumerate(pod_events(pod, now, failing)):
        found.append(
            {
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {
                    "name": f"{meta['name']}.{names.suffix(meta.get('uid', '') + str(index), 16)}",
                    "namespace": meta.get("namespace", "default"),
                    "creationTimestamp": meta.get("creationTimestamp"),
                },
                "type": kind,
                "reason": reason,
                "message": message,
                "source": {"component": source},
                "involvedObject": {"kind": "Pod", "name": meta["name"], "uid": meta.get("uid")},
            }
        )
    return found


def qos_class(pod: Obj) -> str:
    """The pod's quality-of-service class, as the api-server sets ``status.qosClass``.

    Guaranteed: every container has CPU and memory limits, and its requests (which default
    to the limits) equal them. BestEffort: no container requests or limits anything.
    Burstable: everything in between.
    """
    containers = pod["spec"].get("containers", [])
    amounts = [(c.get("resources") or {}) for c in containers]
    if not any(r.get("requests") or r.get("limits") for r in amounts):
        return "BestEffort"
    for resources in amounts:
        limits = resources.get("limits") or {}
        requests = {**limits, **(resources.get("requests") or {})}
        if not {"cpu", "memory"} <= set(limits) or any(
            str(requests[k]) != str(limits[k]) for k in ("cpu", "memory")
        ):
            return "Burstable"
    return "Guaranteed"


def describe_pod(
    pod: Obj, now: float, owner: str | None, failing: dict[str, list[tuple[str, str]]] | None = None
) -> str:
    """``kubectl describe pod``."""
    meta, spec, status = pod["metadata"], pod["spec"], pod.get("status", {})
    node = f"{spec['nodeName']}/{status.get('hostIP', '')}" if spec.get("nodeName") else "<none>"
    lines = _block(
        [
            ("Name:", meta["name"]),
            ("Namespace:", meta.get("namespace", "default")),
            ("Priority:", "0"),
            ("Service Account:", "default"),
            ("Node:", node),
            ("Start Time:", _start_time(pod)),
            ("Labels:", _labels(meta.get("labels"))),
            ("Annotations:", "<none>"),
            ("Status:", "Terminating" if meta.get("deletionTimestamp") else status.get("phase")),
            ("IP:", status.get("podIP") or ""),
            ("Controlled By:", owner or "<none>"),
        ]
    )
    lines.append("Containers:")
    statuses = status.get("containerStatuses", [])
    for index, container in enumerate(spec.get("containers", [])):
        lines += _container(pod, container, statuses[index] if index < len(statuses) else {})
    lines.append("Conditions:")
    conditions = [["Type", "Status"]] + [
        [c["type"], c["status"]] for c in status.get("conditions", [])
    ]
    lines += ["  " + row for row in table(conditions).splitlines()]
    volumes = []
    for volume in spec.get("volumes", []) or []:
        if "configMap" in volume:
            volumes += [
                f"  {volume['name']}:",
                "    Type:  ConfigMap",
                f"    Name:  {volume['configMap'].get('name')}",
            ]
        elif "secret" in volume:
            volumes += [
                f"  {volume['name']}:",
                "    Type:        Secret",
                f"    SecretName:  {volume['secret'].get('secretName')}",
            ]
    lines.append("Volumes:" + ("" if volumes else "  <none>"))
    lines += volumes
    lines += _block([("QoS Class:", qos_class(pod)), ("Node-Selectors:", "<none>")])
    lines.append("Events:")
    events = [
        ["Type", "Reason", "Age", "From", "Message"],
        ["----", "------", "----", "----", "-------"],
    ]
    lines += ["  " + row for row in table(events + pod_events(pod, now, failing)).splitlines()]
    return "\n".join(lines) + "\n"


def describe(obj: Obj, now: float, related: dict[str, Any]) -> str:
    """A ``kubectl describe`` page; ``related`` holds what other objects tell about it."""
    if obj["kind"] == "Pod":
        return describe_pod(obj, now, related.get("owner"), related.get("failing"))
    if obj["kind"] == "Deployment":
        return describe_deployment(obj, now, related)
    if obj["kind"] == "Node":
        return describe_node(obj, related["pods"], now)
    meta = obj["metadata"]
    kind, spec = obj["kind"], obj.get("spec", {})
    lines: list[Line] = [("Name:", meta["name"])]
    if "namespace" in meta:
        lines.append(("Namespace:", meta["namespace"]))
    lines.append(("Labels:", _labels(meta.get("labels"))))
    if kind == "Service":
        lines += [
            ("Selector:", _labels(spec.get("selector")).replace("\n", ",")),
            ("Type:", spec.get("type", "ClusterIP")),
            ("IP:", spec.get("clusterIP", "")),
            ("Port:", service_ports(obj)),
            ("Endpoints:", related.get("endpoints") or "<none>"),
        ]
    elif kind in {"ConfigMap", "Secret"}:
        if kind == "Secret":
            lines.append(("Type:", obj.get("type", "")))
        lines += [("Data", ""), ("====", "")]
        for key, value in (obj.get("data") or {}).items():
            shown = f"{len(value) * 3 // 4 - value.count('=')} bytes" if kind == "Secret" else value
            lines.append((f"{key}:", shown))
    elif kind == "Ingress":
        lines.append(("Rules:", "Host  Path  Backends"))
        for rule in spec.get("rules", []):
            for item in rule.get("http", {}).get("paths", []):
                svc = item["backend"]["service"]
                port = svc.get("port", {})
                lines.append(
                    (
                        f"  {rule.get('host', '*')}  {item.get('path', '/')}",
                        f"{svc['name']}:{port.get('number', port.get('name'))}",
                    )
                )
    rows = [(k, v) if k.endswith(":") else (f"{k}  {v}".rstrip(), "") for k, v in lines]
    return "\n".join(_block(rows)) + "\n"


def _tabbed_labels(title: str, mapping: dict[str, str] | None) -> str:
    """Kubectl's ``printLabelsMultiline``: ``title:<TAB>k=v``, more pairs on tab-led lines."""
    pairs = [f"{k}={v}" for k, v in sorted((mapping or {}).items())] or ["<none>"]
    return f"{title}:\t" + "\n\t".join(pairs) + "\n"


def pod_template(template: Obj) -> str:
    """``DescribePodTemplate``: what ``rollout history --revision=N`` prints (tab-separated)."""
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    text = "Pod Template:\n" + _tabbed_labels("  Labels", meta.get("labels"))
    if meta.get("annotations"):
        text += _tabbed_labels("  Annotations", meta["annotations"])
    containers = spec.get("containers") or []
    text += "  Containers:" + ("" if containers else " <none>") + "\n"
    for container in containers:
        ports = container.get("ports") or []
        port = ", ".join(f"{p.get('containerPort')}/{p.get('protocol', 'TCP')}" for p in ports)
        host = ", ".join(f"{p.get('hostPort', 0)}/{p.get('protocol', 'TCP')}" for p in ports)
        text += f"   {container.get('name')}:\n    Image:\t{container.get('image', '')}\n"
        text += f"    {'Ports' if ',' in port else 'Port'}:\t{port or '<none>'}\n"
        text += f"    {'Host Ports' if ',' in host else 'Host Port'}:\t{host or '<none>'}\n"
        for word in ("limits", "requests"):
            amounts = (container.get("resources") or {}).get(word) or {}
            if amounts:
                text += f"    {word.capitalize()}:\n"
                text += "".join(f"      {k}:\t{v}\n" for k, v in sorted(amounts.items()))
        env = container.get("env") or []
        text += "    Environment:" + ("" if env else "\t<none>") + "\n"
        text += "".join(f"      {e.get('name')}:\t{_env_text(e)}\n" for e in env)
        mounts = container.get("volumeMounts") or []
        text += "    Mounts:" + ("" if mounts else "\t<none>") + "\n"
        text += "".join(
            f"      {m.get('mountPath')} from {m.get('name')} "
            f"({'ro' if m.get('readOnly') else 'rw'})\n"
            for m in mounts
        )
    volumes = spec.get("volumes") or []
    text += "  Volumes:" + ("" if volumes else "\t<none>") + "\n"
    text += "".join(f"   {v.get('name')}:\n" for v in volumes)
    text += _tabbed_labels("  Node-Selectors", spec.get("nodeSelector"))
    tolerations = [t.get("key", "") for t in spec.get("tolerations") or []]
    text += "  Tolerations:\t" + ("\n\t".join(tolerations) or "<none>") + "\n"
    return text


def describe_deployment(dep: Obj, now: float, related: dict[str, Any]) -> str:
    """``kubectl describe deployment``: replicas, strategy, template, conditions, events.

    ``related`` holds ``new`` and ``old`` (ReplicaSets: name, current, desired) and
    ``events`` ((time, message) of the controller's scaling, oldest first).
    """
    meta, spec, status = dep["metadata"], dep.get("spec", {}), dep.get("status", {})
    strategy = spec.get("strategy") or {}
    kind = strategy.get("type", "RollingUpdate")
    rolling = strategy.get("rollingUpdate") or {}
    annotations = meta.get("annotations") or {}
    want, total = spec.get("replicas", 1), status.get("replicas", 0)
    available = status.get("availableReplicas", 0)
    text = f"Name:\t{meta['name']}\nNamespace:\t{meta.get('namespace', 'default')}\n"
    text += f"CreationTimestamp:\t{names.rfc1123z(meta['creationTimestamp'])}\n"
    text += _tabbed_labels("Labels", meta.get("labels"))
    pairs = [f"{k}: {v}" for k, v in sorted(annotations.items())] or ["<none>"]
    text += "Annotations:\t" + "\n\t".join(pairs) + "\n"
    selector = spec.get("selector", {}).get("matchLabels") or {}
    text += "Selector:\t" + ",".join(f"{k}={v}" for k, v in selector.items()) + "\n"
    text += (
        f"Replicas:\t{want} desired | {status.get('updatedReplicas', 0)} updated | {total} "
        f"total | {available} available | {max(total - available, 0)} unavailable\n"
    )
    text += f"StrategyType:\t{kind}\nMinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n"
    if kind == "RollingUpdate":
        text += (
            f"RollingUpdateStrategy:\t{rolling.get('maxUnavailable', '25%')} max unavailable, "
            f"{rolling.get('maxSurge', '25%')} max surge\n"
        )
    text += pod_template(spec.get("template") or {})
    text += "Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n"
    text += "".join(
        f"  {c['type']}\t{c['status']}\t{c.get('reason', '')}\n"
        for c in status.get("conditions", [])
    )
    old = ", ".join(f"{n} ({c}/{d} replicas created)" for n, c, d in related.get("old", []))
    text += f"OldReplicaSets:\t{old or '<none>'}\n"
    new = related.get("new")
    text += (
        f"NewReplicaSet:\t{f'{new[0]} ({new[1]}/{new[2]} replicas created)' if new else '<none>'}\n"
    )
    events = related.get("events", [])
    if not events:
        return tabwrite(text + "Events:\t<none>\n")
    text += "Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n"
    text += "".join(
        f"  Normal\tScalingReplicaSet\t{names.human_duration(now - when)}\t"
        f"deployment-controller\t{message}\n"
        for when, message in events
    )
    return tabwrite(text)
