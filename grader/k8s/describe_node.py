"""``kubectl describe node``: a machine's conditions, capacity, pods and what they reserve.

The page follows kubectl 1.32's ``describeNode`` line for line (one Go tabwriter over the
whole page, padding 2). Its last two sections are the ones a student reads when a pod stays
Pending: every pod on the node with its CPU and memory requests and limits, and the totals
as a share of what the node can allocate (``Allocated resources``).
"""

from __future__ import annotations

from typing import Any

from grader.k8s import names, quantity
from grader.k8s.printers import tabwrite
from grader.k8s.quantity import Quantity

Obj = dict[str, Any]


def _multiline(title: str, items: list[str]) -> str:
    return f"{title}:\t" + ("\n\t".join(items) if items else "<none>") + "\n"


def _taint(taint: Obj) -> str:
    value = f"={taint['value']}" if taint.get("value") else ""
    return f"{taint['key']}{value}:{taint['effect']}"


def _resources(title: str, listed: Obj) -> str:
    return f"{title}:\n" + "".join(f"  {name}:\t{listed[name]}\n" for name in sorted(listed))


def pod_amounts(pod: Obj, field: str) -> dict[str, Quantity]:
    """``PodRequestsAndLimits``: the containers' sum, at least each init container's amount."""
    sums: dict[str, list[Quantity]] = {}
    for container in pod["spec"].get("containers", []):
        for name, written in ((container.get("resources") or {}).get(field) or {}).items():
            sums.setdefault(name, []).append(quantity.parse(written))
    amounts = {name: quantity.total(parts) for name, parts in sums.items()}
    for container in pod["spec"].get("initContainers", []):
        for name, written in ((container.get("resources") or {}).get(field) or {}).items():
            init = quantity.parse(written)
            if name not in amounts or init.value > amounts[name].value:
                amounts[name] = init
    return amounts


def _share(amount: Quantity, of: Quantity, unit: str) -> str:
    used, whole = (amount.milli(), of.milli()) if unit == "cpu" else (amount.whole(), of.whole())
    percent = int(used / whole * 100) if whole else 0
    return f"{quantity.text(amount)} ({percent}%)"


def _pods(pods: list[Obj], allocatable: dict[str, Quantity], now: float) -> str:
    text = f"Non-terminated Pods:\t({len(pods)} in total)\n"
    text += "  Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n"
    text += "  ---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n"
    for pod in pods:
        requests, limits = pod_amounts(pod, "requests"), pod_amounts(pod, "limits")
        cells = [
            _share(amounts.get(unit, quantity.ZERO), allocatable[unit], unit)
            for unit in ("cpu", "memory")
            for amounts in (requests, limits)
        ]
        meta = pod["metadata"]
        age = names.human_duration(now - names.parse_timestamp(meta["creationTimestamp"]))
        text += f"  {meta['namespace']}\t{meta['name']}\t\t" + "\t".join(cells) + f"\t{age}\n"
    return text


def _allocated(pods: list[Obj], allocatable: dict[str, Quantity]) -> str:
    text = "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
    text += "  Resource\tRequests\tLimits\n  --------\t--------\t------\n"
    per_pod = [(pod_amounts(p, "requests"), pod_amounts(p, "limits")) for p in pods]
    huge_pages = sorted(name for name in allocatable if name.startswith("hugepages-"))
    for unit in ["cpu", "memory", "ephemeral-storage", *huge_pages]:
        sums = [
            quantity.total([amounts[unit] for amounts in side if unit in amounts])
            for side in zip(*per_pod, strict=True)
        ] or [quantity.ZERO, quantity.ZERO]
        whole = allocatable.get(unit, quantity.ZERO)
        text += f"  {unit}\t" + "\t".join(_share(s, whole, unit) for s in sums) + "\n"
    return text


def describe_node(node: Obj, pods: list[Obj], now: float) -> str:
    """The page for ``node``; ``pods`` are those bound to it (finished ones are not counted)."""
    meta, spec, status = node["metadata"], node.get("spec", {}), node.get("status", {})
    info = status.get("nodeInfo", {})
    roles = sorted(k.split("/", 1)[1] for k in meta.get("labels", {}) if k.startswith("node-role"))
    text = f"Name:\t{meta['name']}\nRoles:\t{','.join(roles) or '<none>'}\n"
    text += _multiline("Labels", [f"{k}={v}" for k, v in sorted(meta.get("labels", {}).items())])
    annotations = sorted((meta.get("annotations") or {}).items())
    text += _multiline("Annotations", [f"{k}: {v}" for k, v in annotations])
    text += f"CreationTimestamp:\t{names.rfc1123z(meta['creationTimestamp'])}\n"
    taints = sorted(spec.get("taints", []), key=lambda t: f"{t['effect']},{t['key']}")
    text += _multiline("Taints", [_taint(t) for t in taints])
    text += f"Unschedulable:\t{str(bool(spec.get('unschedulable'))).lower()}\n"
    ready: Obj = next((c for c in status.get("conditions", []) if c["type"] == "Ready"), {})
    renewed = ready.get("lastHeartbeatTime")
    text += f"Lease:\n  HolderIdentity:\t{meta['name']}\n  AcquireTime:\t<unset>\n"
    text += f"  RenewTime:\t{names.rfc1123z(renewed) if renewed else '<unset>'}\n"
    text += "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n"
    text += "  ----\t------\t-----------------\t------------------\t------\t-------\n"
    for c in status.get("conditions", []):
        cells = [
            c["type"],
            c["status"],
            names.rfc1123z(c["lastHeartbeatTime"]),
            names.rfc1123z(c["lastTransitionTime"]),
            c["reason"],
        ]
        text += "  " + "".join(f"{cell} \t" for cell in cells) + f"{c['message']}\n"
    text += "Addresses:\n" + "".join(
        f"  {a['type']}:\t{a['address']}\n" for a in status.get("addresses", [])
    )
    text += _resources("Capacity", status.get("capacity", {}))
    text += _resources("Allocatable", status.get("allocatable", {}))
    text += "System Info:\n" + "".join(
        f"  {title}:\t{info.get(key, '')}\n"
        for title, key in (
            ("Machine ID", "machineID"),
            ("System UUID", "systemUUID"),
            ("Boot ID", "bootID"),
            ("Kernel Version", "kernelVersion"),
            ("OS Image", "osImage"),
            ("Operating System", "operatingSystem"),
            ("Architecture", "architecture"),
            ("Container Runtime Version", "containerRuntimeVersion"),
            ("Kubelet Version", "kubeletVersion"),
            ("Kube-Proxy Version", "kubeProxyVersion"),
        )
    )
    if spec.get("podCIDR"):
        text += f"PodCIDR:\t{spec['podCIDR']}\n"
    if spec.get("podCIDRs"):
        text += f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n"
    allocatable = {k: quantity.parse(v) for k, v in status.get("allocatable", {}).items()}
    running = [p for p in pods if p.get("status", {}).get("phase") not in {"Succeeded", "Failed"}]
    listed = sorted(running, key=lambda p: (p["metadata"]["namespace"], p["metadata"]["name"]))
    text += _pods(listed, allocatable, now) + _allocated(listed, allocatable)
    return tabwrite(text + "Events:\t<none>\n")
