"""The control loops of the simulated cluster, played once to a fixed point after each change.

Real Kubernetes runs these loops forever in separate processes; the simulator runs them in
order until nothing changes:

1. node lifecycle: a node whose kubelet stopped reporting is ``NotReady`` after 40 s (its
   pods stop being ready) and its pods are evicted 5 minutes later (the ``unreachable``
   taint's ``tolerationSeconds: 300``): they are deleted, never moved;
2. the Deployment controller keeps one ReplicaSet per pod template, the current one scaled;
3. the ReplicaSet controller creates or deletes *owned* pods to match ``replicas`` (a pod
   nobody owns is never recreated; one whose labels no longer match its ReplicaSet's
   selector is released, and a new one takes its place);
4. the scheduler binds each pending pod to a worker with room (least allocated first);
5. each kubelet starts its pods (an IP from its node's pod CIDR), restarts their containers
   in place (:mod:`grader.k8s.kubelet`) or reports why it cannot start them;
6. the endpoints controller lists, per Service, the ready pods its selector matches.

Nothing runs while etcd has no quorum: the controllers cannot record anything. Time comes
from the cluster's clock (:meth:`Cluster.now`), so what depends on it (back-off, a lost
node's grace periods) moves on as the clock does.
"""

from __future__ import annotations

import base64
import copy
import marshal
import re
from typing import TYPE_CHECKING, Any

from grader.k8s import deployments, kubelet, names, probes
from grader.k8s.deployments import owner_ref
from grader.k8s.kubelet import is_ready

if TYPE_CHECKING:
    from grader.k8s.cluster import Cluster

Obj = dict[str, Any]
CONTAINER_RUNTIME = "containerd://1.7.24"
STATIC_COMPONENTS = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler")
DEFAULT_CPU_M = 100
DEFAULT_MEMORY_MI = 200
"""The scheduler scores pods without requests as if they asked for this much."""
MAX_PODS = 110
MAX_REPLAYED_STEPS = 1000
"""How many rollout steps one run of the loops replays at most (a bound, never reached)."""
NODE_GRACE_SECONDS = 40
"""node-monitor-grace-period: a silent node is marked NotReady after this long."""
EVICTION_SECONDS = 300
"""tolerationSeconds of the not-ready/unreachable taints every pod gets by default."""
IMAGE_PORTS = {"nginx": 80, "website": 80, "httpd": 80, "node": 3000}
"""The port each known image's main process listens on when the pod declares none."""
_IMAGE = re.compile(
    r"^(?:[a-z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$"
)


def default(cluster: Cluster, obj: Obj) -> None:
    """Fill the fields the API server defaults when an object is stored."""
    kind = obj["kind"]
    spec = obj.setdefault("spec", {}) if kind not in {"ConfigMap", "Secret", "Namespace"} else {}
    if kind == "IngressClass":
        return
    if kind not in {"ConfigMap", "Secret", "Endpoints"}:
        obj.setdefault("status", {})
    if kind == "Deployment":
        spec.setdefault("replicas", 1)
    elif kind == "Service":
        spec.setdefault("type", "ClusterIP")
        if not spec.get("clusterIP"):
            taken = {s["spec"].get("clusterIP") for s in cluster.list("Service", None)}
            seed = f"{obj['metadata']['namespace']}/{obj['metadata']['name']}"
            spec["clusterIP"] = names.cluster_ip(seed, taken)
        spec["clusterIPs"] = [spec["clusterIP"]]
        for port in spec.get("ports", []):
            port.setdefault("protocol", "TCP")
            port.setdefault("targetPort", port.get("port"))
            if spec["type"] in {"NodePort", "LoadBalancer"} and not port.get("nodePort"):
                port["nodePort"] = _free_node_port(cluster, obj, port)
    elif kind == "Pod":
        spec.setdefault("restartPolicy", "Always")
        obj["status"].setdefault("phase", "Pending")
        for container in spec.get("initContainers", []) + spec.get("containers", []):
            resources = container.get("resources") or {}
            if resources.get("limits"):  # a request left out is the limit (SetDefaults_Pod)
                resources["requests"] = {**resources["limits"], **(resources.get("requests") or {})}
    elif kind == "Secret":
        obj.setdefault("type", "Opaque")
        for key, value in (obj.pop("stringData", None) or {}).items():
            obj.setdefault("data", {})[key] = base64.b64encode(str(value).encode()).decode()


def _free_node_port(cluster: Cluster, svc: Obj, port: Obj) -> int:
    me = (svc["metadata"]["namespace"], svc["metadata"]["name"])
    taken = {
        p.get("nodePort")
        for s in cluster.list("Service", None)
        if (s["metadata"]["namespace"], s["metadata"]["name"]) != me
        for p in s["spec"].get("ports", [])
    }
    return names.node_port(f"{me[0]}/{me[1]}/{port.get('port')}", taken)


MAX_PODS = 300
"""Pods the simulated cluster holds at most (like a pod quota): a ReplicaSet asking for
more (``--replicas 100000``) stays short of its count instead of exhausting the machine."""


def reconcile(cluster: Cluster) -> None:
    """Run every control loop until the state stops changing.

    When the clock moved on since the last run, the steps a rollout took in between (each
    new pod becoming available after ``minReadySeconds``) are replayed at their own times.
    """
    if not cluster.has_quorum:
        return
    _static_pods(cluster)
    now = cluster.now()
    settled = float(cluster.state.get("settled_at", now))
    for _ in range(MAX_REPLAYED_STEPS):
        due = deployments.next_due(cluster, settled, now)
        if due is None:
            break
        with cluster.pinned(due):
            _settle(cluster)
        settled = due
    _settle(cluster)
    cluster.state["settled_at"] = max(now, settled)


def _settle(cluster: Cluster) -> None:
    """Play the loops in order until nothing changes (at most a few rounds)."""
    for _ in range(6):
        before = _fingerprint(cluster.state["objects"])
        _evict_from_down_nodes(cluster)
        deployments.sync(cluster)
        _replicasets(cluster)
        _schedule(cluster)
        _kubelets(cluster)
        _endpoints(cluster)
        _statuses(cluster)
        if _fingerprint(cluster.state["objects"]) == before:
            break


def _fingerprint(objects: dict[str, Any]) -> bytes:
    """The objects' exact contents as bytes (plain JSON-like data), to see a change.

    ``marshal`` is several times faster than ``repr`` on the state; version 2 writes no
    back-references, so equal data always gives equal bytes.
    """
    return marshal.dumps(objects, 2)


def is_static(pod: Obj) -> bool:
    """True for the cluster's own system pods (control-plane static pods, kube-proxy)."""
    return pod["metadata"].get("namespace") == "kube-system"


def _static_pods(cluster: Cluster) -> None:
    for node in cluster.nodes:
        wanted = []
        if node["role"] == "control-plane":
            wanted = [(f"{c}-{node['name']}", c) for c in STATIC_COMPONENTS]
        wanted.append((f"kube-proxy-{names.suffix(node['name'])}", "kube-proxy"))
        for name, component in wanted:
            pod = cluster.find("Pod", "kube-system", name)
            if pod is None:
                pod = cluster.put(
                    {
                        "apiVersion": "v1",
                        "kind": "Pod",
                        "metadata": {
                            "name": name,
                            "namespace": "kube-system",
                            "labels": {"component": component, "tier": "control-plane"}
                            if component != "kube-proxy"
                            else {"k8s-app": "kube-proxy"},
                        },
                        "spec": {
                            "nodeName": node["name"],
                            "hostNetwork": True,
                            "containers": [
                                {"name": component, "image": f"registry.k8s.io/{component}:v1.32.4"}
                            ],
                        },
                    }
                )
            status = _running_status(cluster, pod, node["ip"])
            if not node["up"]:
                status["conditions"] = [{"type": "Ready", "status": "False"}]
                for item in status["containerStatuses"]:
                    item["ready"] = False
            pod["status"] = status


def node_ready(cluster: Cluster, node: Obj) -> bool:
    """False once the node has been silent for the grace period (the control plane's view)."""
    return node["up"] or cluster.now() - node.get("down_since", cluster.now()) < NODE_GRACE_SECONDS


def _evict_from_down_nodes(cluster: Cluster) -> None:
    """The node lifecycle controller (and a returning kubelet finishing evictions)."""
    nodes = {n["name"]: n for n in cluster.nodes}
    for pod in cluster.list("Pod", None):
        node = nodes.get(pod["spec"].get("nodeName", ""))
        if node is None or is_static(pod):
            continue
        if node["up"]:
            if pod["metadata"].get("deletionTimestamp"):
                cluster.remove(pod)  # the kubelet is back and confirms the deletion
                kubelet.forget(cluster, pod["metadata"]["uid"])
            continue
        silent = cluster.now() - node.get("down_since", cluster.now())
        if silent >= NODE_GRACE_SECONDS:
            for condition in pod["status"].get("conditions", []):
                if condition["type"] == "Ready":
                    condition["status"] = "False"
        evict_at = node.get("down_since", cluster.now()) + NODE_GRACE_SECONDS + EVICTION_SECONDS
        if silent >= NODE_GRACE_SECONDS + EVICTION_SECONDS and not pod["metadata"].get(
            "deletionTimestamp"
        ):
            pod["metadata"]["deletionTimestamp"] = names.timestamp(evict_at)
            owner = "its controller creates a replacement" if _owner(pod) else "nothing replaces it"
            cluster.event(
                f"pod {pod['metadata']['name']} evicted from {node['name']} after 5 minutes "
                f"NotReady ({owner})"
            )


def terminating(pod: Obj) -> bool:
    """True once the pod was deleted (evicted) but its node has not confirmed it yet."""
    return bool(pod["metadata"].get("deletionTimestamp"))


def _owner(obj: Obj) -> dict[str, Any] | None:
    return next(
        (r for r in obj["metadata"].get("ownerReferences", []) if r.get("controller")), None
    )


def _replicasets(cluster: Cluster) -> None:
    for rs in cluster.list("ReplicaSet", None):
        ns = rs["metadata"]["namespace"]
        wanted_labels = rs["spec"].get("selector", {}).get("matchLabels") or {}
        for pod in cluster.owned_by(rs, "Pod"):
            labels = pod["metadata"].get("labels") or {}
            if any(labels.get(k) != v for k, v in wanted_labels.items()):
                pod["metadata"]["ownerReferences"] = []  # relabelled out: released, replaced
        pods = [p for p in cluster.owned_by(rs, "Pod") if not terminating(p)]
        for pod in [p for p in pods if p["status"].get("phase") == "Failed"]:
            cluster.remove(pod)
            pods.remove(pod)
        want = rs["spec"].get("replicas", 1)
        while len(pods) < want and len(cluster.list("Pod", None)) < MAX_PODS:
            counters = cluster.state["counters"]
            counters["pods"] += 1
            template = copy.deepcopy(rs["spec"]["template"])
            seed = rs["metadata"]["uid"] + str(counters["pods"])
            name = f"{rs['metadata']['name']}-{names.suffix(seed)}"
            pods.append(
                cluster.put(
                    {
                        "apiVersion": "v1",
                        "kind": "Pod",
                        "metadata": {
                            "name": name,
                            "generateName": f"{rs['metadata']['name']}-",
                            "namespace": ns,
                            "labels": template.get("metadata", {}).get("labels", {}),
                            "ownerReferences": [owner_ref(rs)],
                        },
                        "spec": template.get("spec", {}),
                    }
                )
            )
        if len(pods) > want:
            ranked = sorted(
                pods,
                key=lambda p: (p["status"].get("phase") == "Running", -_created_order(p)),
            )
            for pod in ranked[: len(pods) - want]:
                cluster.remove(pod)


def _created_order(pod: Obj) -> int:
    return int(pod["metadata"]["uid"].split("-")[0], 16)


def parse_cpu(text: Any) -> int:
    """Millicores in a CPU quantity ("250m", "0.5", "2")."""
    text = str(text)
    return int(text[:-1]) if text.endswith("m") else int(float(text) * 1000)


def parse_memory(text: Any) -> int:
    """Mebibytes in a memory quantity ("128Mi", "1Gi", "500M", "1048576")."""
    units = {
        "Ki": 1 / 1024,
        "Mi": 1,
        "Gi": 1024,
        "K": 1000 / 1048576,
        "M": 1e6 / 1048576,
        "G": 1e9 / 1048576,
    }
    for unit, factor in units.items():
        if str(text).endswith(unit):
            return int(float(str(text)[: -len(unit)]) * factor)
    return int(float(text) / 1048576)


def requests_of(pod: Obj, nonzero: bool = False) -> tuple[int, int]:
    """The pod's (CPU millicores, memory MiB) requests.

    With ``nonzero``, a container without requests counts as 100m/200Mi (the scheduler's
    scoring default).
    """
    cpu = mem = 0
    for container in pod["spec"].get("containers", []):
        req = (container.get("resources") or {}).get("requests") or {}
        cpu += parse_cpu(req["cpu"]) if "cpu" in req else (DEFAULT_CPU_M if nonzero else 0)
        mem += (
            parse_memory(req["memory"])
            if "memory" in req
            else (DEFAULT_MEMORY_MI if nonzero else 0)
        )
    return cpu, mem


def _schedule(cluster: Cluster) -> None:
    pending = [p for p in cluster.list("Pod", None) if not p["spec"].get("nodeName")]
    for pod in sorted(pending, key=_created_order):
        candidates = [n for n in cluster.workers if node_ready(cluster, n) and n["schedulable"]]
        need_cpu, need_mem = requests_of(pod)
        fits = []
        for node in candidates:
            on_node = [
                p for p in cluster.list("Pod", None) if p["spec"].get("nodeName") == node["name"]
            ]
            used = [requests_of(p) for p in on_node]
            if (
                sum(c for c, _ in used) + need_cpu <= node["cpu_m"]
                and sum(m for _, m in used) + need_mem <= node["memory_mi"]
                and len(on_node) < MAX_PODS
            ):
                score_used = [requests_of(p, nonzero=True) for p in on_node]
                free = (node["cpu_m"] - sum(c for c, _ in score_used)) / node["cpu_m"] + (
                    node["memory_mi"] - sum(m for _, m in score_used)
                ) / node["memory_mi"]
                fits.append((-free, node["name"], node))
        if not fits:
            pod["status"] = {
                "phase": "Pending",
                "conditions": [
                    {
                        "type": "PodScheduled",
                        "status": "False",
                        "reason": "Unschedulable",
                        "message": _unschedulable(cluster, pod),
                    }
                ],
            }
            continue
        node = min(fits)[2]
        pod["spec"]["nodeName"] = node["name"]
        cluster.event(f"scheduler placed {pod['metadata']['name']} on {node['name']}")


def _unschedulable(cluster: Cluster, pod: Obj) -> str:
    """kube-scheduler's report on a pod no node can take, with its preemption verdict.

    Each node counts under the first filter it fails, as the scheduler's filter plugins run
    (taints before resources); the reasons are sorted as the scheduler sorts them.
    """
    need_cpu, need_mem = requests_of(pod)
    reasons: dict[str, int] = {}
    hopeless = 0  # nodes where evicting other pods would not help (taints, cordons)
    for node in cluster.nodes:
        if node["role"] == "control-plane":
            found = ["node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"]
        elif not node_ready(cluster, node):
            found = ["node(s) had untolerated taint {node.kubernetes.io/unreachable: }"]
        elif not node["schedulable"]:
            found = ["node(s) were unschedulable"]
        else:
            on_node = [
                p for p in cluster.list("Pod", None) if p["spec"].get("nodeName") == node["name"]
            ]
            used = [requests_of(p) for p in on_node]
            found = []
            if sum(c for c, _ in used) + need_cpu > node["cpu_m"]:
                found.append("Insufficient cpu")
            if sum(m for _, m in used) + need_mem > node["memory_mi"]:
                found.append("Insufficient memory")
            if len(on_node) >= MAX_PODS:
                found.append("Too many pods")
        if found and not found[0].startswith(("Insufficient", "Too many")):
            hopeless += 1
        for reason in found:
            reasons[reason] = reasons.get(reason, 0) + 1
    total = len(cluster.nodes)
    listed = ", ".join(sorted(f"{count} {reason}" for reason, count in reasons.items()))
    preemption = []
    if hopeless:
        preemption.append(f"{hopeless} Preemption is not helpful for scheduling")
    if total - hopeless:
        preemption.append(f"{total - hopeless} No preemption victims found for incoming pod")
    return (
        f"0/{total} nodes are available: {listed}. preemption: 0/{total} nodes are available: "
        f"{', '.join(sorted(preemption))}."
    )


def _allocate_ip(cluster: Cluster, node: Obj) -> str:
    counters = cluster.state["counters"]["ip"]
    base = node["pod_cidr"].rsplit(".", 1)[0]
    used = {p["status"].get("podIP") for p in cluster.list("Pod", None)}
    for _ in range(253):
        counters[node["name"]] = counters.get(node["name"], 1) % 254 + 1
        address = f"{base}.{counters[node['name']]}"
        if address not in used:
            return address
    raise RuntimeError(f"node {node['name']} has no free pod IP")


def _running_status(cluster: Cluster, pod: Obj, ip: str) -> Obj:
    old = pod.get("status", {})
    now = cluster.now()
    started = old.get("startTime") or names.timestamp(now)
    node = cluster.node(pod["spec"]["nodeName"])
    policy = pod["spec"].get("restartPolicy", "Always")
    ref = f"{pod['metadata']['name']}_{pod['metadata']['namespace']}({pod['metadata']['uid']})"
    statuses = []
    for container in pod["spec"].get("containers", []):
        name = container.get("name", "")
        record = kubelet.memory(cluster, pod, name)
        state, last = _container_state(cluster, pod, container, record, policy, ref)
        restarts = record.get("base", 0) + record.get("runs", 0)
        if "since" in record and record.get("instance") != restarts:
            from grader.k8s.execsim import resolve_environment

            record.update(instance=restarts, env=resolve_environment(cluster, pod, container))
        running = state.get("running")
        ready = running is not None and probes.ready(
            cluster, pod, container, now - names.parse_timestamp(running["startedAt"])
        )
        item: Obj = {
            "name": name,
            "image": container.get("image"),
            "ready": ready,
            "restartCount": restarts,
            "started": "running" in state,
            "state": state,
        }
        if last:
            item["lastState"] = last
        statuses.append(item)
    return {
        "phase": _phase(statuses, policy),
        "hostIP": node["ip"],
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "startTime": started,
        "conditions": [
            {"type": "PodScheduled", "status": "True"},
            {"type": "Ready", "status": "True" if all(s["ready"] for s in statuses) else "False"},
        ],
        "containerStatuses": statuses,
    }


def _container_state(
    cluster: Cluster, pod: Obj, container: Obj, record: Obj, policy: str, ref: str
) -> tuple[Obj, Obj | None]:
    """(state, lastState) of one container now; updates the kubelet's ``record``."""
    now = cluster.now()
    if "since" not in record:
        problem = _container_problem(cluster, pod, container)
        image = str(container.get("image", ""))
        if problem is None and not kubelet.image_present(cluster, image):
            waiting_since = record.setdefault("pull_since", now)
            return kubelet.pull_state(image, waiting_since, now), None
        if problem is not None:
            return {"waiting": {"reason": problem[0], "message": problem[1]}}, None
        record["since"] = now
    if now < record["since"]:
        return record.get("last") or {"waiting": {"reason": "ContainerCreating"}}, None
    ends = probes.with_liveness(cluster, pod, container, kubelet.outcome(cluster, pod, container))
    runs, state, last = kubelet.run_state(
        ends, policy, record["since"], now, ref, container.get("name", "")
    )
    record["runs"] = runs
    return state, last or record.get("last")


def _phase(statuses: list[Obj], policy: str) -> str:
    """Pending until every container ran once; Succeeded/Failed when none will run again."""
    started = [s for s in statuses if s["restartCount"] or s.get("lastState") or s["started"]]
    started += [s for s in statuses if "terminated" in s["state"]]
    if len(started) < len(statuses):
        return "Pending"
    codes = [s["state"]["terminated"]["exitCode"] for s in statuses if "terminated" in s["state"]]
    if statuses and len(codes) == len(statuses):
        if not (policy == "Always" or (policy == "OnFailure" and any(codes))):
            return "Failed" if any(codes) else "Succeeded"
    return "Running"


def _container_problem(cluster: Cluster, pod: Obj, container: Obj) -> tuple[str, str] | None:
    image = str(container.get("image") or "")
    if not _IMAGE.match(image):
        return (
            "InvalidImageName",
            f'Failed to apply default image tag "{image}": invalid reference format',
        )
    ns = pod["metadata"]["namespace"]
    refs = []
    for env in container.get("env", []) or []:
        source = env.get("valueFrom") or {}
        for kind, key in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
            if key in source and not source[key].get("optional"):
                refs.append((kind, source[key].get("name"), source[key].get("key")))
    for env_from in container.get("envFrom", []) or []:
        for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            if key in env_from and not env_from[key].get("optional"):
                refs.append((kind, env_from[key].get("name"), None))
    for volume in pod["spec"].get("volumes", []) or []:
        if "configMap" in volume:
            refs.append(("ConfigMap", volume["configMap"].get("name"), None))
        if "secret" in volume:
            refs.append(("Secret", volume["secret"].get("secretName"), None))
    for kind, name, key in refs:
        obj = cluster.find(kind, ns, name or "")
        word = "configmap" if kind == "ConfigMap" else "secret"
        if obj is None:
            return "CreateContainerConfigError", f'{word} "{name}" not found'
        if key is not None and key not in (obj.get("data") or {}):
            return "CreateContainerConfigError", f"couldn't find key {key} in {kind} {ns}/{name}"
    return None


def _kubelets(cluster: Cluster) -> None:
    for pod in cluster.list("Pod", None):
        node_name = pod["spec"].get("nodeName")
        if not node_name or is_static(pod) or terminating(pod):
            continue
        node = cluster.node(node_name)
        if not node["up"]:
            continue  # a dead kubelet reports nothing: the API keeps the last status
        ip = pod["status"].get("podIP") or _allocate_ip(cluster, node)
        pod["status"] = _running_status(cluster, pod, ip)


def listening_ports(pod: Obj) -> dict[str, int]:
    """The ports the pod's processes listen on: declared containerPorts and the image's own."""
    ports: dict[str, int] = {}
    for container in pod["spec"].get("containers", []):
        for item in container.get("ports", []) or []:
            ports[item.get("name") or str(item.get("containerPort"))] = item.get("containerPort")
        repo = str(container.get("image", "")).rsplit("/", 1)[-1].split(":")[0].split("@")[0]
        if repo in IMAGE_PORTS:
            ports.setdefault(str(IMAGE_PORTS[repo]), IMAGE_PORTS[repo])
    return ports


def resolve_target_port(pod: Obj, target: Any) -> int | None:
    """The port a Service's ``targetPort`` reaches in ``pod``, or ``None`` if nothing listens."""
    ports = listening_ports(pod)
    if isinstance(target, str) and not target.isdigit():
        return ports.get(target)
    return int(target) if int(target) in ports.values() else None


def _endpoints(cluster: Cluster) -> None:
    for svc in cluster.list("Service", None):
        meta = svc["metadata"]
        selector = svc["spec"].get("selector")
        if meta["name"] == "kubernetes" and meta["namespace"] == "default":
            addresses = [{"ip": n["ip"]} for n in cluster.control_plane if n["up"]]
            ports = [{"name": "https", "port": 6443, "protocol": "TCP"}]
        elif not selector:
            continue
        else:
            pods = [
                p
                for p in cluster.list("Pod", meta["namespace"], selector)
                if p["status"].get("podIP")
            ]
            addresses = [
                {
                    "ip": p["status"]["podIP"],
                    "nodeName": p["spec"]["nodeName"],
                    "targetRef": {
                        "kind": "Pod",
                        "name": p["metadata"]["name"],
                        "namespace": meta["namespace"],
                        "uid": p["metadata"]["uid"],
                    },
                }
                for p in pods
                if is_ready(p)
            ]
            ports = []
            for port in svc["spec"].get("ports", []):
                target = port.get("targetPort", port.get("port"))
                number = target
                if isinstance(target, str) and not target.isdigit() and pods:
                    number = listening_ports(pods[0]).get(target, target)
                item = {"port": int(number) if str(number).isdigit() else number, "protocol": "TCP"}
                if port.get("name"):
                    item["name"] = port["name"]
                ports.append(item)
        ep = cluster.find("Endpoints", meta["namespace"], meta["name"])
        subsets = [{"addresses": addresses, "ports": ports}] if addresses else []
        if ep is None:
            cluster.put(
                {
                    "apiVersion": "v1",
                    "kind": "Endpoints",
                    "metadata": {
                        "name": meta["name"],
                        "namespace": meta["namespace"],
                        "labels": meta.get("labels") or {},
                    },
                    "subsets": subsets,
                }
            )
        elif ep.get("subsets") != subsets:
            ep["subsets"] = subsets
    for ep in cluster.list("Endpoints", None):
        if cluster.find("Service", ep["metadata"]["namespace"], ep["metadata"]["name"]) is None:
            cluster.remove(ep)


def endpoint_slice(ep: Obj) -> Obj:
    """The EndpointSlice the EndpointSlice controller keeps for a Service (from its Endpoints)."""
    meta = ep["metadata"]
    subsets = ep.get("subsets", [])
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": f"{meta['name']}-{names.suffix(meta.get('uid', ''))}",
            "namespace": meta["namespace"],
            "labels": {"kubernetes.io/service-name": meta["name"]},
            "creationTimestamp": meta.get("creationTimestamp"),
        },
        "addressType": "IPv4",
        "endpoints": [
            {"addresses": [a["ip"]], "conditions": {"ready": True}, "nodeName": a.get("nodeName")}
            for s in subsets
            for a in s.get("addresses", [])
        ],
        "ports": [p for s in subsets[:1] for p in s.get("ports", [])],
    }


def _statuses(cluster: Cluster) -> None:
    for rs in cluster.list("ReplicaSet", None):
        pods = cluster.owned_by(rs, "Pod")
        ready = sum(1 for p in pods if is_ready(p))
        rs["status"] = {"replicas": len(pods), "readyReplicas": ready, "availableReplicas": ready}
    for dep in cluster.list("Deployment", None):
        dep["status"] = deployments.status(cluster, dep)
    if cluster.workers:
        address = next((n["ip"] for n in cluster.workers if n["up"]), cluster.workers[0]["ip"])
        for ing in cluster.list("Ingress", None):
            served = cluster.ingress_served(ing)
            ing["status"] = {"loadBalancer": {"ingress": [{"ip": address}] if served else []}}
    for svc in cluster.list("Service", None):
        if svc["spec"].get("type") == "LoadBalancer":
            svc["status"] = {"loadBalancer": {}}


def node_object(cluster: Cluster, node: Obj) -> Obj:
    """The API object ``kubectl get node`` shows for a simulated machine."""
    labels = {"kubernetes.io/hostname": node["name"], "kubernetes.io/os": "linux"}
    spec: Obj = {"podCIDR": node["pod_cidr"], "podCIDRs": [node["pod_cidr"]]}
    if node["role"] == "control-plane":
        labels["node-role.kubernetes.io/control-plane"] = ""
        spec["taints"] = [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]
    elif not node["schedulable"]:
        spec["unschedulable"] = True
        spec["taints"] = [{"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable"}]
    ready = node_ready(cluster, node)
    if not ready:
        spec["taints"] = [
            {"effect": effect, "key": "node.kubernetes.io/unreachable"}
            for effect in ("NoExecute", "NoSchedule")
        ] + spec.get("taints", [])
    heartbeat = names.timestamp(cluster.now() if node["up"] else node["down_since"])
    capacity = {
        "cpu": str(node["cpu_m"] // 1000),
        "ephemeral-storage": f"{NODE_DISK_KI}Ki",
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": f"{node['memory_mi'] * 1024}Ki",
        "pods": str(MAX_PODS),
    }
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "annotations": {
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
            "name": node["name"],
            "labels": labels,
            "creationTimestamp": cluster.state["created"],
        },
        "spec": spec,
        "status": {
            "addresses": [
                {"type": "InternalIP", "address": node["ip"]},
                {"type": "Hostname", "address": node["name"]},
            ],
            "allocatable": dict(capacity),  # kind reserves nothing for the system
            "capacity": capacity,
            "conditions": _node_conditions(ready, heartbeat, cluster.state["created"]),
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": names.uuid(f"boot/{node['name']}"),
                "containerRuntimeVersion": CONTAINER_RUNTIME,
                "kernelVersion": "6.8.0-49-generic",
                "kubeProxyVersion": "v1.32.4",
                "kubeletVersion": "v1.32.4",
                "machineID": names.uuid(f"machine/{node['name']}").replace("-", ""),
                "operatingSystem": "linux",
                "osImage": "Ubuntu 24.04.1 LTS",
                "systemUUID": names.uuid(f"system/{node['name']}"),
            },
        },
    }


NODE_DISK_KI = 61202244
"""Each simulated node's disk (``ephemeral-storage``), about 58 GiB as on a small VM."""

_CONDITIONS = (
    ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "KubeletReady", "kubelet is posting ready status"),
)


def _node_conditions(ready: bool, heartbeat: str, created: str) -> list[Obj]:
    """The kubelet's four conditions, or the node controller's ``Unknown`` once it is silent."""
    return [
        {
            "type": kind,
            "status": ("True" if kind == "Ready" else "False") if ready else "Unknown",
            "lastHeartbeatTime": heartbeat,
            "lastTransitionTime": created,
            "reason": reason if ready else "NodeStatusUnknown",
            "message": message if ready else "Kubelet stopped posting node status.",
        }
        for kind, reason, message in _CONDITIONS
    ]
