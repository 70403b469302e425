"""``kubectl top pod|node``: the simulated metrics-server's usage figures.

Usage is derived, deterministically, from what the simulator knows of each container: its
memory is what its image's process needs (:data:`grader.k8s.kubelet.IMAGE_MEMORY_MI`: nginx
6 Mi, node 40 Mi ...; a limit below that means OOMKilled, so a running container never
shows more than its limit), its CPU a few millicores for an idle server, capped at the CPU
limit. Like metrics-server, only running containers are measured, and only once they ran
for a scrape period (15 s): before that kubectl says ``error: metrics not available yet``.
The control plane's components (api-server, etcd ...) run as pods in ``kube-system`` and are
measured like any pod; a node's figures add up its pods plus what runs outside pods
(kubelet, container runtime).
Output is kubectl 1.32's: ``NAME  CPU(cores)  MEMORY(bytes)`` for pods,
``NAME  CPU(cores)  CPU(%)  MEMORY(bytes)  MEMORY(%)`` for nodes (percentages of their
capacity, which is all allocatable on the simulated nodes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.k8s import names
from grader.k8s.cluster import Cluster, ClusterError
from grader.k8s.controllers import parse_cpu, parse_memory
from grader.k8s.grammar import Invocation, KubectlError
from grader.k8s.kinds import BY_KIND
from grader.k8s.kubelet import IMAGE_MEMORY_MI, repository
from grader.k8s.result import Result
from grader.k8s.targets import namespace, select, selector

Obj = dict[str, Any]
SCRAPE_SECONDS = 15
"""metrics-server's resolution: a container is measured once it ran this long."""
CREATION_DELAY = 120
"""kubectl's ``metricsCreationDelay``: an older pod without metrics is an error."""
SYSTEM_CPU_M = {"control-plane": 40, "worker": 25}
SYSTEM_MEMORY_MI = {"control-plane": 150, "worker": 120}
"""What a node's own processes outside pods use (kubelet, containerd)."""
CPU_IDLE_M = {"nginx": 1, "website": 1, "httpd": 1, "node": 3, "python": 2}
COMPONENTS = {
    "kube-apiserver": (30, 250),
    "etcd": (15, 45),
    "kube-controller-manager": (10, 50),
    "kube-scheduler": (3, 20),
    "kube-proxy": (1, 15),
}
"""(CPU m, memory Mi) of the cluster's own components, which run as pods in kube-system."""


def container_usage(container: Obj, pod_name: str) -> tuple[int, int]:
    """(CPU millicores, memory MiB) a running container uses."""
    repo = repository(str(container.get("image", "")))
    base_cpu = CPU_IDLE_M.get(repo, 0) + names.digest(pod_name) % 2
    memory = IMAGE_MEMORY_MI.get(repo, 1) + names.digest(pod_name + "m") % 2
    if repo in COMPONENTS:
        base_cpu, memory = COMPONENTS[repo]
    limits = (container.get("resources") or {}).get("limits") or {}
    if "cpu" in limits:
        base_cpu = min(base_cpu, parse_cpu(limits["cpu"]))
    if "memory" in limits:
        memory = min(memory, parse_memory(limits["memory"]))
    return base_cpu, memory


def pod_usage(pod: Obj, now: float) -> list[tuple[str, int, int]] | None:
    """Per container (name, CPU m, memory Mi), or ``None`` when metrics-server has none."""
    statuses = {s["name"]: s for s in pod.get("status", {}).get("containerStatuses", [])}
    found = []
    for container in pod["spec"].get("containers", []):
        state = statuses.get(container.get("name"), {}).get("state", {})
        if "running" not in state:
            continue
        started = names.parse_timestamp(state["running"]["startedAt"])
        if now - started < SCRAPE_SECONDS:
            continue
        cpu, memory = container_usage(container, pod["metadata"]["name"])
        found.append((container.get("name", ""), cpu, memory))
    return found or None


def _layout(rows: list[list[str]]) -> str:
    """Kubectl's tab writer for ``top``: every cell (the last too) padded by 3, min width 6."""
    if not rows:
        return ""
    widths = [max(max(len(r[i]) for r in rows) + 3, 6) for i in range(len(rows[0]))]
    return "".join("".join(c.ljust(widths[i]) for i, c in enumerate(r)) + "\n" for r in rows)


def top_pod(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    """``kubectl top pod [NAME] [-l ...] [-A] [--containers] [--sort-by=cpu|memory]``."""
    sort_by = inv.options["sort-by"]
    if sort_by not in {"", "cpu", "memory"}:
        raise KubectlError("error: --sort-by accepts only cpu or memory")
    all_ns = inv.options["all-namespaces"]
    ns = None if all_ns else namespace(inv)
    now = cluster.now()
    if inv.args:
        pod = cluster.find("Pod", ns or "default", inv.args[0])
        if pod is None:
            raise ClusterError(
                f'Error from server (NotFound): podmetrics.metrics.k8s.io "{inv.args[0]}" not found'
            )
        usage = pod_usage(pod, now)
        if usage is None:
            raise KubectlError(_missing(pod, now))
        measured = [(pod, usage)]
    else:
        pods = select(cluster, BY_KIND["Pod"], ns, selector(inv.options["selector"]))
        measured = [(p, u) for p in pods if (u := pod_usage(p, now)) is not None]
        if not measured:
            old = [p for p in pods if _age(p, now) > CREATION_DELAY]
            if old:
                raise KubectlError(_missing(old[0], now))
            if pods:
                raise KubectlError("error: metrics not available yet")
            out.stderr += (
                "No resources found\n" if all_ns else f"No resources found in {ns} namespace.\n"
            )
            return
    if sort_by:
        index = 1 if sort_by == "cpu" else 2
        measured.sort(key=lambda item: -sum(int(c[index]) for c in item[1]))
    rows = []
    lead = (["NAMESPACE"] if all_ns else []) + (["POD"] if inv.options["containers"] else [])
    if not inv.options["no-headers"]:
        rows.append([*lead, "NAME", "CPU(cores)", "MEMORY(bytes)"])
    total_cpu = total_memory = 0
    for pod, usage in measured:
        first = [pod["metadata"]["namespace"]] if all_ns else []
        if inv.options["containers"]:
            for name, cpu, memory in usage:
                rows.append([*first, pod["metadata"]["name"], name, f"{cpu}m", f"{memory}Mi"])
        else:
            cpu, memory = sum(c[1] for c in usage), sum(c[2] for c in usage)
            rows.append([*first, pod["metadata"]["name"], f"{cpu}m", f"{memory}Mi"])
        total_cpu += sum(c[1] for c in usage)
        total_memory += sum(c[2] for c in usage)
    if inv.options["sum"]:
        width = len(rows[0])
        rows.append([""] * (width - 2) + ["________", "________"])
        rows.append([""] * (width - 2) + [f"{total_cpu}m", f"{total_memory}Mi"])
    out.stdout += _layout(rows)


def _age(pod: Obj, now: float) -> float:
    return now - names.parse_timestamp(pod["metadata"]["creationTimestamp"])


def _missing(pod: Obj, now: float) -> str:
    age = _age(pod, now)
    if age <= CREATION_DELAY:
        return "error: metrics not available yet"
    meta = pod["metadata"]
    return (
        f"error: Metrics not available for pod {meta['namespace']}/{meta['name']}, age: "
        f"{_go_age(age)}"
    )


def _go_age(seconds: float) -> str:
    """Go's ``time.Duration.String()`` for whole seconds (``2m5s``, ``1h0m3s``)."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"


def top_node(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    """``kubectl top node [NAME] [-l ...] [--sort-by=cpu|memory]``."""
    sort_by = inv.options["sort-by"]
    if sort_by not in {"", "cpu", "memory"}:
        raise KubectlError("error: --sort-by accepts only cpu or memory")
    now = cluster.now()
    nodes = [n for n in cluster.nodes if not inv.args or n["name"] in inv.args]
    if inv.args and not nodes:
        raise ClusterError(
            f'Error from server (NotFound): nodemetrics.metrics.k8s.io "{inv.args[0]}" not found'
        )
    chosen = selector(inv.options["selector"])
    objects = {o["metadata"]["name"]: o for o in cluster.list("Node")}
    nodes = [n for n in nodes if chosen.matches(objects[n["name"]]["metadata"]["labels"])]
    measured: list[tuple[int, int, Obj]] = []
    unknown: list[str] = []
    for node in nodes:
        if not node["up"]:
            unknown.append(node["name"])  # its kubelet stopped reporting
            continue
        cpu, memory = SYSTEM_CPU_M[node["role"]], SYSTEM_MEMORY_MI[node["role"]]
        for pod in cluster.list("Pod", None):
            if pod["spec"].get("nodeName") == node["name"]:
                for _, c_cpu, c_memory in pod_usage(pod, now) or []:
                    cpu, memory = cpu + c_cpu, memory + c_memory
        measured.append((cpu, memory, node))
    if sort_by:
        measured.sort(key=lambda m: -(m[0] if sort_by == "cpu" else m[1]))
    rows = []
    if not inv.options["no-headers"]:
        rows.append(["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"])
    for cpu, memory, node in measured:  # the simulated nodes' allocatable is their capacity
        rows.append(
            [
                node["name"],
                f"{cpu}m",
                f"{cpu * 100 // node['cpu_m']}%",
                f"{memory}Mi",
                f"{memory * 100 // node['memory_mi']}%",
            ]
        )
    rows += [[name, "<unknown>", "<unknown>", "<unknown>", "<unknown>"] for name in unknown]
    out.stdout += _layout(rows)
