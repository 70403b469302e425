"""kubectl's output: the ``get`` tables (plain and ``-o wide``), ``-o name|yaml|json``, describe.

Columns and cell texts follow kubectl 1.32's server-side printers (READY ``1/1``, STATUS
``Running``, AGE ``5s``/``3m``, PORT(S) ``80:30080/TCP``, ``<none>``); columns are laid out
like Go's tabwriter with a padding of three spaces.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import yaml

from grader.k8s import names
from grader.k8s.kinds import BY_KIND

Obj = dict[str, Any]


def table(rows: list[list[str]]) -> str:
    """Lay out rows like kubectl (tabwriter, padding 3, last column unpadded)."""
    if not rows:
        return ""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [cell.ljust(widths[i] + 3) for i, cell in enumerate(row[:-1])]
        out.append(("".join(cells) + row[-1]).rstrip())
    return "\n".join(out) + "\n"


def age(obj: Obj, now: float) -> str:
    """The AGE cell for ``obj``."""
    created = obj["metadata"].get("creationTimestamp")
    return names.human_duration(now - names.parse_timestamp(created)) if created else "<unknown>"


def _selector_text(selector: dict[str, str] | None) -> str:
    return ",".join(f"{k}={v}" for k, v in (selector or {}).items()) or "<none>"


def pod_status(pod: Obj) -> str:
    """The STATUS column of a pod (Running, Pending, ContainerCreating, the waiting reason)."""
    status = pod.get("status", {})
    if pod["metadata"].get("deletionTimestamp"):
        return "Terminating"
    if status.get("reason"):
        return status["reason"]
    reason = ""
    for item in status.get("containerStatuses", []):
        state = item.get("state", {})
        if "waiting" in state:
            reason = state["waiting"].get("reason", "Waiting")
        elif "terminated" in state:
            ended = state["terminated"]
            reason = ended.get("reason") or f"ExitCode:{ended.get('exitCode')}"
    if reason:
        return reason
    if status.get("phase") == "Pending" and pod["spec"].get("nodeName"):
        return "ContainerCreating"
    return status.get("phase", "Pending")


def _pod_row(pod: Obj, now: float, wide: bool) -> list[str]:
    statuses = pod.get("status", {}).get("containerStatuses", [])
    total = len(pod["spec"].get("containers", []))
    ready = sum(1 for s in statuses if s.get("ready"))
    restarts = sum(s.get("restartCount", 0) for s in statuses)
    row = [
        pod["metadata"]["name"],
        f"{ready}/{total}",
        pod_status(pod),
        str(restarts),
        age(pod, now),
    ]
    if wide:
        row += [
            pod["status"].get("podIP") or "<none>",
            pod["spec"].get("nodeName") or "<none>",
            "<none>",
            "<none>",
        ]
    return row


def _images(obj: Obj) -> tuple[str, str]:
    containers = obj["spec"].get("template", {}).get("spec", {}).get("containers", [])
    return ",".join(c.get("name", "") for c in containers), ",".join(
        c.get("image", "") for c in containers
    )


def _wide_columns(owner: Obj) -> list[str]:
    """``-o wide``'s extra cells of a Deployment or ReplicaSet: containers, images, selector."""
    return [*_images(owner), _selector_text(owner["spec"].get("selector", {}).get("matchLabels"))]


def _deploy_row(dep: Obj, now: float, wide: bool) -> list[str]:
    st = dep.get("status", {})
    want = dep["spec"].get("replicas", 1)
    row = [
        dep["metadata"]["name"],
        f"{st.get('readyReplicas', 0)}/{want}",
        str(st.get("updatedReplicas", 0)),
        str(st.get("availableReplicas", 0)),
        age(dep, now),
    ]
    return row + _wide_columns(dep) if wide else row


def _rs_row(rs: Obj, now: float, wide: bool) -> list[str]:
    st = rs.get("status", {})
    row = [
        rs["metadata"]["name"],
        str(rs["spec"].get("replicas", 1)),
        str(st.get("replicas", 0)),
        str(st.get("readyReplicas", 0)),
        age(rs, now),
    ]
    return row + _wide_columns(rs) if wide else row


def service_ports(svc: Obj) -> str:
    """The PORT(S) cell: ``80/TCP`` or ``80:30080/TCP`` for NodePort/LoadBalancer."""
    parts = []
    for port in svc["spec"].get("ports", []):
        node = f":{port['nodePort']}" if port.get("nodePort") else ""
        parts.append(f"{port['port']}{node}/{port.get('protocol', 'TCP')}")
    return ",".join(parts) or "<none>"


def _svc_row(svc: Obj, now: float, wide: bool) -> list[str]:
    kind = svc["spec"].get("type", "ClusterIP")
    external = "<pending>" if kind == "LoadBalancer" else "<none>"
    row = [
        svc["metadata"]["name"],
        kind,
        svc["spec"].get("clusterIP", "<none>"),
        external,
        service_ports(svc),
        age(svc, now),
    ]
    if wide:
        row.append(_selector_text(svc["spec"].get("selector")))
    return row


def _ing_row(ing: Obj, now: float, wide: bool) -> list[str]:
    hosts = [r.get("host", "*") for r in ing["spec"].get("rules", [])] or ["*"]
    address = ",".join(
        i.get("ip", "") for i in ing.get("status", {}).get("loadBalancer", {}).get("ingress", [])
    )
    ports = "80, 443" if ing["spec"].get("tls") else "80"
    return [
        ing["metadata"]["name"],
        ing["spec"].get("ingressClassName") or "<none>",
        ",".join(hosts),
        address,
        ports,
        age(ing, now),
    ]


def _first_three(items: list[str]) -> str:
    """Addresses as kubectl lists them: three, then ``+ N more...``."""
    return ",".join(items[:3]) + (f" + {len(items) - 3} more..." if len(items) > 3 else "")


def _ep_row(ep: Obj, now: float, wide: bool) -> list[str]:
    addresses = [
        f"{a['ip']}:{p['port']}"
        for s in ep.get("subsets", [])
        for p in s.get("ports", [])
        for a in s.get("addresses", [])
    ]
    return [ep["metadata"]["name"], _first_three(addresses) or "<none>", age(ep, now)]


def node_status(node: Obj) -> str:
    """Ready, NotReady, and ``,SchedulingDisabled`` for a cordoned node."""
    ready = any(
        c["type"] == "Ready" and c["status"] == "True" for c in node["status"]["conditions"]
    )
    text = "Ready" if ready else "NotReady"
    return text + (",SchedulingDisabled" if node["spec"].get("unschedulable") else "")


def _node_row(node: Obj, now: float, wide: bool) -> list[str]:
    roles = [
        k.split("/", 1)[1]
        for k in node["metadata"]["labels"]
        if k.startswith("node-role.kubernetes.io/")
    ]
    info = node["status"]["nodeInfo"]
    row = [
        node["metadata"]["name"],
        node_status(node),
        ",".join(roles) or "<none>",
        age(node, now),
        info["kubeletVersion"],
    ]
    if wide:
        row += [
            node["status"]["addresses"][0]["address"],
            "<none>",
            info["osImage"],
            info["kernelVersion"],
            info["containerRuntimeVersion"],
        ]
    return row


COLUMNS: dict[str, tuple[list[str], list[str], Callable[[Obj, float, bool], list[str]]]] = {
    "Pod": (
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        _pod_row,
    ),
    "Deployment": (
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        ["CONTAINERS", "IMAGES", "SELECTOR"],
        _deploy_row,
    ),
    "ReplicaSet": (
        ["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        ["CONTAINERS", "IMAGES", "SELECTOR"],
        _rs_row,
    ),
    "Service": (
        ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
        ["SELECTOR"],
        _svc_row,
    ),
    "Ingress": (["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], [], _ing_row),
    "ConfigMap": (
        ["NAME", "DATA", "AGE"],
        [],
        lambda o, n, w: [o["metadata"]["name"], str(len(o.get("data") or {})), age(o, n)],
    ),
    "Secret": (
        ["NAME", "TYPE", "DATA", "AGE"],
        [],
        lambda o, n, w: [
            o["metadata"]["name"],
            o.get("type", "Opaque"),
            str(len(o.get("data") or {})),
            age(o, n),
        ],
    ),
    "Endpoints": (["NAME", "ENDPOINTS", "AGE"], [], _ep_row),
    "EndpointSlice": (
        ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
        [],
        lambda o, n, w: [
            o["metadata"]["name"],
            o["addressType"],
            ",".join(str(p["port"]) for p in o["ports"]) or "<unset>",
            _first_three([a for e in o["endpoints"] for a in e["addresses"]]) or "<unset>",
            age(o, n),
        ],
    ),
    "IngressClass": (
        ["NAME", "CONTROLLER", "PARAMETERS", "AGE"],
        [],
        lambda o, n, w: [
            o["metadata"]["name"],
            o["spec"].get("controller", ""),
            "<none>",
            age(o, n),
        ],
    ),
    "Event": (
        ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        [],
        lambda o, n, w: [
            age(o, n),
            o["type"],
            o["reason"],
            f"{o['involvedObject']['kind'].lower()}/{o['involvedObject']['name']}",
            o["message"],
        ],
    ),
    "Node": (
        ["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
        _node_row,
    ),
    "Namespace": (
        ["NAME", "STATUS", "AGE"],
        [],
        lambda o, n, w: [o["metadata"]["name"], "Active", age(o, n)],
    ),
}


def get_table(
    kind: str,
    objs: list[Obj],
    now: float,
    *,
    wide: bool = False,
    namespaces: bool = False,
    show_labels: bool = False,
    label_columns: tuple[str, ...] = (),
    prefix: bool = False,
    headers: bool = True,
) -> str:
    """The ``kubectl get`` table for ``objs`` of one ``kind``.

    ``label_columns`` (``-L app``) adds one column per label key, headed by the key's last
    path segment in capitals, as kubectl does.
    """
    head, extra, row_of = COLUMNS[kind]
    header = list(head) + (extra if wide else [])
    if namespaces and BY_KIND[kind].namespaced:
        header.insert(0, "NAMESPACE")
    header += [key.rsplit("/", 1)[-1].upper() for key in label_columns]
    if show_labels:
        header.append("LABELS")
    rows = [header] if headers else []
    for obj in objs:
        row = row_of(obj, now, wide)
        if prefix:
            row[0] = f"{BY_KIND[kind].qualified}/{row[0]}"
        if namespaces and BY_KIND[kind].namespaced:
            row.insert(0, obj["metadata"].get("namespace", ""))
        labels = obj["metadata"].get("labels") or {}
        row += [labels.get(key, "") for key in label_columns]
        if show_labels:
            row.append(_selector_text(obj["metadata"].get("labels")))
        rows.append(row)
    return table(rows)


def name_line(obj: Obj) -> str:
    """``-o name``: ``deployment.apps/web``."""
    return f"{BY_KIND[obj['kind']].qualified}/{obj['metadata']['name']}"


class _GoStyleDumper(yaml.SafeDumper):
    """Quotes like Go's YAML printer: double quotes where a plain scalar would mislead."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    node = dumper.represent_scalar("tag:yaml.org,2002:str", value)
    if "\n" in value:
        node.style = "|"
    elif value == "" or value.strip() != value or ": " in value or _reads_back_differently(value):
        node.style = '"'
    return node


def _reads_back_differently(value: str) -> bool:
    try:
        return yaml.safe_load(value) != value
    except yaml.YAMLError:
        return True


_GoStyleDumper.add_representer(str, _represent_str)


def to_yaml(obj: Obj) -> str:
    """``-o yaml`` for one object (keys sorted as kubectl's YAML printer does)."""
    return yaml.dump(
        obj, Dumper=_GoStyleDumper, default_flow_style=False, sort_keys=True, indent=2, width=10000
    )


def to_json(obj: Obj) -> str:
    """``-o json``, kubectl style (four-space indent)."""
    return json.dumps(obj, indent=4) + "\n"


def as_list(objs: list[Obj]) -> Obj:
    """The ``v1 List`` kubectl prints when ``-o yaml|json`` shows several objects."""
    return {"apiVersion": "v1", "items": objs, "kind": "List", "metadata": {"resourceVersion": ""}}


def tabwrite(text: str, padding: int = 2) -> str:
    """Align tab-separated text as Go's ``text/tabwriter`` does (kubectl describe: padding 2).

    A column is aligned over each run of consecutive lines that have a cell in it (a cell is
    text ended by a tab); the text after a line's last tab is not padded.
    """
    rows = [line.split("\t") for line in text.split("\n")]
    widths: list[list[int]] = [[0] * (len(row) - 1) for row in rows]

    def block(start: int, end: int, column: int) -> None:
        index = start
        while index < end:
            if len(rows[index]) - 1 <= column:
                index += 1
                continue
            stop = index
            while stop < end and len(rows[stop]) - 1 > column:
                stop += 1
            width = max(len(rows[i][column]) for i in range(index, stop)) + padding
            for i in range(index, stop):
                widths[i][column] = width
            block(index, stop, column + 1)
            index = stop

    block(0, len(rows), 0)
    return "\n".join(
        "".join(cell.ljust(widths[i][c]) for c, cell in enumerate(row[:-1])) + row[-1]
        for i, row in enumerate(rows)
    )
