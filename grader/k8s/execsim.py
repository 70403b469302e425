"""What ``kubectl exec`` and ``kubectl logs`` show inside a simulated pod.

A pod's container has an environment (its ``env``/``envFrom``, with ConfigMap and Secret
values resolved and Secrets decoded, plus what the kubelet adds) and files (ConfigMaps and
Secrets mounted as volumes). ``exec`` understands the handful of commands the course uses
to look at them and at the virtual network: ``env``, ``printenv``, ``cat``, ``ls``,
``hostname``, ``curl``/``wget`` (through Services, by DNS name or ClusterIP) and
``nslookup``.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from grader.k8s import kubelet
from grader.k8s.controllers import listening_ports

if TYPE_CHECKING:
    from grader.k8s.cluster import Cluster

Obj = dict[str, Any]
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
NGINX_PAGE = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>
</body>
</html>
"""


def _decode(value: str) -> str:
    try:
        return base64.b64decode(value).decode()
    except (ValueError, UnicodeDecodeError):
        return value


def _data(cluster: Cluster, ns: str, kind: str, name: str) -> dict[str, str]:
    obj = cluster.find(kind, ns, name) or {}
    data = obj.get("data") or {}
    return {k: _decode(v) for k, v in data.items()} if kind == "Secret" else dict(data)


def environment(cluster: Cluster, pod: Obj) -> dict[str, str]:
    """The first container's environment as its process sees it.

    That is the environment the kubelet built when it started the container: a ConfigMap or
    Secret changed since then reaches the process only when the container starts again (a
    restart, or a new pod).
    """
    container = pod["spec"]["containers"][0]
    record = kubelet.memory(cluster, pod, container.get("name", ""))
    return dict(record.get("env") or resolve_environment(cluster, pod, container))


def resolve_environment(cluster: Cluster, pod: Obj, container: Obj) -> dict[str, str]:
    """The environment the kubelet gives ``container`` if it starts it now."""
    ns = pod["metadata"]["namespace"]
    env = {"PATH": PATH, "HOSTNAME": pod["metadata"]["name"]}
    for item in container.get("envFrom", []) or []:
        if "configMapRef" in item:
            env.update(_data(cluster, ns, "ConfigMap", item["configMapRef"].get("name", "")))
        if "secretRef" in item:
            env.update(_data(cluster, ns, "Secret", item["secretRef"].get("name", "")))
    for item in container.get("env", []) or []:
        source = item.get("valueFrom") or {}
        if "configMapKeyRef" in source:
            ref = source["configMapKeyRef"]
            value = _data(cluster, ns, "ConfigMap", ref.get("name", "")).get(ref.get("key", ""))
        elif "secretKeyRef" in source:
            ref = source["secretKeyRef"]
            value = _data(cluster, ns, "Secret", ref.get("name", "")).get(ref.get("key", ""))
        else:
            value = str(item.get("value", ""))
        if value is not None:
            env[item["name"]] = value
    api = cluster.find("Service", "default", "kubernetes")
    if api is not None:  # the kubelet points every pod at the API server's Service
        ip, port = api["spec"]["clusterIP"], api["spec"]["ports"][0]["port"]
        env.update(
            {
                "KUBERNETES_SERVICE_HOST": ip,
                "KUBERNETES_SERVICE_PORT": str(port),
                "KUBERNETES_PORT": f"tcp://{ip}:{port}",
            }
        )
    return env


def files(cluster: Cluster, pod: Obj) -> dict[str, str]:
    """Files mounted from ConfigMaps and Secrets: absolute path -> content."""
    ns = pod["metadata"]["namespace"]
    volumes = {v.get("name"): v for v in pod["spec"].get("volumes", []) or []}
    found: dict[str, str] = {"/etc/hostname": pod["metadata"]["name"] + "\n"}
    for mount in pod["spec"]["containers"][0].get("volumeMounts", []) or []:
        volume = volumes.get(mount.get("name"), {})
        if "configMap" in volume:
            data = _data(cluster, ns, "ConfigMap", volume["configMap"].get("name", ""))
        elif "secret" in volume:
            data = _data(cluster, ns, "Secret", volume["secret"].get("secretName", ""))
        else:
            continue
        base = mount.get("mountPath", "/").rstrip("/")
        if mount.get("subPath"):
            key = mount["subPath"]
            if key in data:
                found[base] = data[key]
            continue
        for key, value in data.items():
            found[f"{base}/{key}"] = value
    return found


def _service_for(cluster: Cluster, ns: str, host: str) -> tuple[str, str] | None:
    parts = host.split(".")
    if len(parts) >= 2 and parts[1] != "svc" and not parts[0].isdigit():
        ns = parts[1]
    for svc in cluster.list("Service", None):
        meta = svc["metadata"]
        if svc["spec"].get("clusterIP") == host or (
            meta["name"] == parts[0] and meta["namespace"] == ns
        ):
            return meta["namespace"], meta["name"]
    return None


def _http_get(cluster: Cluster, pod: Obj, url: str) -> tuple[str, str, int]:
    rest = url.split("://", 1)[-1]
    hostport, _, _ = rest.partition("/")
    host, _, port_text = hostport.partition(":")
    port = int(port_text) if port_text.isdigit() else 80
    target = _service_for(cluster, pod["metadata"]["namespace"], host)
    if target is not None:
        hops = cluster.service_request(target[0], target[1], port)
        if hops["error"]:
            return "", f"curl: (7) Failed to connect to {host} port {port}: {hops['error']}\n", 7
        server = cluster.get("Pod", target[0], hops["pod"])
        return page(server), "", 0
    for other in cluster.list("Pod", None):
        if other["status"].get("podIP") == host:
            if port in listening_ports(other).values():
                return page(other), "", 0
            return "", f"curl: (7) Failed to connect to {host} port {port}: Connection refused\n", 7
    return "", f"curl: (6) Could not resolve host: {host}\n", 6


def image_of(pod: Obj) -> str:
    """The first container's image reference."""
    return str(pod["spec"]["containers"][0].get("image", ""))


def page(pod: Obj) -> str:
    """The page the pod's web server answers ``/`` with."""
    if "nginx" in image_of(pod):
        return NGINX_PAGE
    return f"<h1>Hello from {pod['metadata']['name']}</h1>\n"


def exec_in_pod(cluster: Cluster, pod: Obj, command: list[str]) -> tuple[str, str, int]:
    """Run ``command`` in the pod's first container: (stdout, stderr, exit code)."""
    if command[:2] in (["sh", "-c"], ["/bin/sh", "-c"], ["bash", "-c"]) and len(command) > 2:
        command = command[2].split()
    if not command:
        return "", "", 0
    name, args = command[0].rsplit("/", 1)[-1], command[1:]
    env = environment(cluster, pod)
    mounted = files(cluster, pod)
    if name in {"sh", "ash", "bash"} and not args:
        small = any(word in image_of(pod) for word in ("alpine", "busybox"))
        if not (name == "bash" and small):
            return "", "", 0  # an interactive shell whose input is already closed
    if name == "env":
        return "".join(f"{k}={v}\n" for k, v in env.items()), "", 0
    if name == "printenv":
        if not args:
            return "".join(f"{k}={v}\n" for k, v in env.items()), "", 0
        found = [env[a] for a in args if a in env]
        return "".join(v + "\n" for v in found), "", 0 if len(found) == len(args) else 1
    if name == "hostname":
        return pod["metadata"]["name"] + "\n", "", 0
    if name == "cat":
        out, err, code = "", "", 0
        for path in args:
            if path in mounted:
                out += mounted[path]
            else:
                err += f"cat: {path}: No such file or directory\n"
                code = 1
        return out, err, code
    if name == "ls":
        folder = (args[-1] if args and not args[-1].startswith("-") else "/").rstrip("/")
        entries = sorted(
            {p[len(folder) + 1 :].split("/")[0] for p in mounted if p.startswith(folder + "/")}
        )
        if not entries:
            return "", f"ls: {folder}: No such file or directory\n", 1
        return "".join(e + "\n" for e in entries), "", 0
    if name in {"curl", "wget"}:
        urls = [a for a in args if not a.startswith("-")]
        if not urls:
            return "", f"{name}: no URL specified\n", 2
        return _http_get(cluster, pod, urls[-1])
    if name == "nslookup" and args:
        target = _service_for(cluster, pod["metadata"]["namespace"], args[0])
        if target is None:
            return "", f"** server can't find {args[0]}: NXDOMAIN\n", 1
        svc = cluster.get("Service", *target)
        fqdn = f"{target[1]}.{target[0]}.svc.cluster.local"
        return (
            f"Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\t{fqdn}\nAddress: "
            f"{svc['spec']['clusterIP']}\n",
            "",
            0,
        )
    return (
        "",
        (
            "OCI runtime exec failed: exec failed: unable to start container process: exec: "
            f'"{command[0]}": executable file not found in $PATH: unknown\n'
        ),
        126,
    )


def _nginx_start(stamp: str) -> list[str]:
    return [
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to "
        "perform configuration",
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
        f"{stamp} [notice] 1#1: start worker processes",
    ]


def _run_logs(pod: Obj, container: Obj, state: Obj) -> list[str]:
    """What one run of the container printed (``state``: its running or terminated state)."""
    run = state.get("running") or state.get("terminated") or {}
    lines = _nginx_start(run.get("startedAt", "")) if "nginx" in str(container.get("image")) else []
    ended = kubelet.outcome(container)
    if ended is not None:
        lines = lines[:2] if ended.reason == "OOMKilled" else list(ended.logs)
    return lines


def pod_logs(
    cluster: Cluster, pod: Obj, container_name: str | None = None, previous: bool = False
) -> list[str]:
    """The log lines of one container of ``pod`` (the first by default).

    The current run's lines (for a container waiting in ``CrashLoopBackOff``, the run that
    just ended), or with ``previous`` those of the run before: what ``kubectl logs
    --previous`` shows after a restart. Raises :class:`ClusterError` with the API server's
    words when there is nothing to show.
    """
    from grader.k8s.cluster import ClusterError

    containers = pod["spec"].get("containers", [])
    names_ = [c.get("name") for c in containers]
    name = container_name or names_[0]
    if name not in names_:
        raise ClusterError(
            f"Error from server (BadRequest): container {name} is not valid for pod "
            f"{pod['metadata']['name']}"
        )
    container = containers[names_.index(name)]
    statuses = {s.get("name"): s for s in pod.get("status", {}).get("containerStatuses", [])}
    status = statuses.get(name, {})
    state, last = status.get("state", {}), status.get("lastState")
    if previous:
        if not last:
            raise ClusterError(
                f'Error from server (BadRequest): previous terminated container "{name}" in pod '
                f'"{pod["metadata"]["name"]}" not found'
            )
        return _run_logs(pod, container, last)
    waiting = state.get("waiting") if state else {"reason": "ContainerCreating"}
    if waiting and not last:
        reason = waiting.get("reason", "ContainerCreating")
        if reason in {"ErrImagePull", "ImagePullBackOff"}:
            reason = "trying and failing to pull image"
        raise ClusterError(
            f'Error from server (BadRequest): container "{name}" in pod '
            f'"{pod["metadata"]["name"]}" is waiting to start: {reason}'
        )
    lines = _run_logs(pod, container, last if waiting else state)
    if "running" in state:
        for request in cluster.state.get("requests", []):
            if request["pod"] == pod["metadata"]["name"]:
                lines.append(
                    request.get("line")
                    or '10.244.0.1 - - "GET / HTTP/1.1" 200 615 "-" "curl/8.5.0"'
                )
    return lines
