"""What the simulated API server says about itself: ``api-resources`` and ``cluster-info``.

``kubectl api-resources`` lists the resource types the simulator serves (the kinds of
:mod:`grader.k8s.kinds`) in kubectl 1.32's table, sorted by API group as kubectl does, with
``--namespaced``, ``--api-group``, ``--sort-by=name|kind``, ``-o wide|name`` and
``--no-headers``. ``kubectl cluster-info`` names the control plane's address and CoreDNS's
proxy URL; ``cluster-info dump`` prints the cluster's objects as JSON lists followed by every
container's logs, in kubectl's layout.
"""

from __future__ import annotations

from pathlib import Path

from grader.k8s import printers
from grader.k8s.cluster import Cluster, ClusterError
from grader.k8s.execsim import pod_logs
from grader.k8s.grammar import Invocation, KubectlError
from grader.k8s.kinds import KINDS, Kind
from grader.k8s.result import Result

VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
IN_ALL = {"Pod", "Service", "Deployment", "ReplicaSet"}
"""The kinds in the ``all`` category (what ``kubectl get all`` lists)."""


def _verbs(kind: Kind) -> tuple[str, ...]:
    return tuple(v for v in VERBS if not (kind.kind == "Namespace" and v == "deletecollection"))


def api_resources(
    inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None
) -> None:
    """``kubectl api-resources``."""
    output, sort_by = inv.options["output"], inv.options["sort-by"]
    if output not in {"", "wide", "name"}:
        raise KubectlError(f"error: --output {output} is not available")
    if sort_by not in {"", "name", "kind"}:
        raise KubectlError(f"error: --sort-by accepts only name or kind, got {sort_by}")
    kinds = list(KINDS)
    if "namespaced" in inv.given:
        kinds = [k for k in kinds if k.namespaced == inv.options["namespaced"]]
    if inv.options["api-group"] or "api-group" in inv.given:
        kinds = [k for k in kinds if k.group == inv.options["api-group"]]
    if inv.options["verbs"]:
        wanted = {v for item in inv.options["verbs"] for v in item.split(",")}
        kinds = [k for k in kinds if wanted <= set(_verbs(k))]
    if inv.options["categories"]:
        kinds = [k for k in kinds if k.kind in IN_ALL and "all" in inv.options["categories"]]
    kinds.sort(key=lambda k: (k.group, k.plural))  # by group; the server lists by name
    if sort_by:
        kinds.sort(key=lambda k: k.plural if sort_by == "name" else k.kind)
    if output == "name":
        out.stdout += "".join(
            f"{k.plural}.{k.group}\n" if k.group else f"{k.plural}\n" for k in kinds
        )
        return
    rows = []
    if not inv.options["no-headers"]:
        rows.append(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"])
        if output == "wide":
            rows[0] += ["VERBS", "CATEGORIES"]
    for kind in kinds:
        row = [
            kind.plural,
            ",".join(kind.short),
            kind.api_version,
            str(kind.namespaced).lower(),
            kind.kind,
        ]
        if output == "wide":
            row += ["[" + " ".join(_verbs(kind)) + "]", "[all]" if kind.kind in IN_ALL else ""]
        rows.append(row)
    out.stdout += printers.table(rows)


def cluster_info(
    inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None
) -> None:
    """``kubectl cluster-info``: where the control plane and CoreDNS answer."""
    host = f"https://{cluster.api_endpoint()}"
    out.stdout += (
        f"Kubernetes control plane is running at {host}\n"
        f"CoreDNS is running at {host}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n"
        "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
    )


DUMPED = (
    ("Event", "events", "EventList", "v1"),
    ("Service", "services", "ServiceList", "v1"),
    ("Deployment", "deployments", "DeploymentList", "apps/v1"),
    ("ReplicaSet", "replicasets", "ReplicaSetList", "apps/v1"),
    ("Pod", "pods", "PodList", "v1"),
)
"""What ``cluster-info dump`` writes for each namespace, in its order (after the nodes)."""


def _list_text(kind: str, api_version: str, items: list[dict[str, object]], output: str) -> str:
    body = {"kind": kind, "apiVersion": api_version, "metadata": {}, "items": items}
    return printers.to_json(body) if output == "json" else printers.to_yaml(body)


def _logs_text(cluster: Cluster, pod: dict[str, object], name: str) -> str:
    try:
        return "".join(line + "\n" for line in pod_logs(cluster, pod, name))
    except ClusterError:
        return ""


def cluster_info_dump(
    inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None
) -> None:
    """``kubectl cluster-info dump``: the nodes, then each namespace's objects and logs.

    With ``--output-directory DIR`` the same goes into files (``DIR/nodes.json``,
    ``DIR/NS/pods.json``, ``DIR/NS/POD/logs.txt``), as kubectl writes them.
    """
    output = inv.options["output"]
    if output not in {"json", "yaml"}:
        raise KubectlError(
            f'error: unable to match a printer suitable for the output format "{output}", '
            "allowed formats are: json,yaml"
        )
    if inv.options["all-namespaces"]:
        spaces = [n["metadata"]["name"] for n in cluster.list("Namespace", None)]
    elif inv.options["namespaces"]:
        spaces = [s for item in inv.options["namespaces"] for s in item.split(",")]
    else:
        spaces = ["kube-system", inv.options["namespace"] or "default"]
    files = {f"nodes.{output}": _list_text("NodeList", "v1", cluster.list("Node"), output)}
    for ns in spaces:
        for kind, plural, list_kind, version in DUMPED:
            files[f"{ns}/{plural}.{output}"] = _list_text(
                list_kind, version, cluster.list(kind, ns), output
            )
        for pod in cluster.list("Pod", ns):
            for container in pod["spec"].get("containers", []):
                name, pod_name = container.get("name", ""), pod["metadata"]["name"]
                files[f"{ns}/{pod_name}/logs.txt"] = (
                    f"==== START logs for container {name} of pod {ns}/{pod_name} ====\n"
                    + _logs_text(cluster, pod, name)
                    + f"==== END logs for container {name} of pod {ns}/{pod_name} ====\n"
                )
    folder = inv.options["output-directory"]
    if not folder:
        out.stdout += "".join(files.values())
        return
    root = Path(folder) if Path(folder).is_absolute() or cwd is None else cwd / folder
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    out.stdout += f"Cluster info dumped to {folder}\n"
