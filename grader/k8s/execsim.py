"""What runs inside a simulated pod's container, and what ``kubectl logs`` shows of it.

``kubectl exec``, exec probes and the container's own command run here.

A pod's container is a sandbox container the kubelet keeps in memory only: its filesystem is
its image's (the sandbox's image catalogue; the course's own ``website`` image is nginx's;
a student's own nginx image brings the document root it holds, :mod:`grader.k8s.pages`)
with the pod's ConfigMap and Secret volumes mounted as files; its environment is the image's
``ENV`` plus the pod's ``env``/``envFrom`` (ConfigMap and Secret values resolved, Secrets
decoded) and what the kubelet adds; its hostname is the pod's name; its network is the
cluster's (:mod:`grader.k8s.podnet`). Commands run in the same shell and simulated programs
as a Docker sandbox container's (:mod:`grader.engine.sandbox.shell`,
:mod:`~grader.engine.sandbox.coreutils`), so they print what dash or busybox print and end
with the same exit codes. What a command writes lasts for that command only.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from grader.engine.sandbox import coreutils
from grader.engine.sandbox.exec import exec_not_found, run_exec
from grader.engine.sandbox.fs import ScratchFS
from grader.engine.sandbox.programs import Outcome, context, start
from grader.engine.sandbox.shell import Context
from grader.k8s import kubelet, names, pages
from grader.k8s.podimage import image
from grader.k8s.podnet import PodNetwork

if TYPE_CHECKING:
    from grader.k8s.cluster import Cluster

Obj = dict[str, Any]


def _decode(value: str) -> str:
    try:
        return base64.b64decode(value).decode()
    except (ValueError, UnicodeDecodeError):
        return value


def _data(cluster: Cluster, ns: str, kind: str, name: str) -> dict[str, str]:
    obj = cluster.find(kind, ns, name) or {}
    data = obj.get("data") or {}
    return {k: _decode(v) for k, v in data.items()} if kind == "Secret" else dict(data)


def environment(cluster: Cluster, pod: Obj, container: Obj | None = None) -> dict[str, str]:
    """A container's environment (the first's by default) as its process sees it.

    That is the environment the kubelet built when it started the container: a ConfigMap or
    Secret changed since then reaches the process only when the container starts again (a
    restart, or a new pod).
    """
    container = container or pod["spec"]["containers"][0]
    record = kubelet.memory(cluster, pod, container.get("name", ""))
    return dict(record.get("env") or resolve_environment(cluster, pod, container))


def resolve_environment(cluster: Cluster, pod: Obj, container: Obj) -> dict[str, str]:
    """The environment the kubelet gives ``container`` if it starts it now.

    Its image's own ``ENV`` comes first; these variables are added to it or replace it.
    """
    ns = pod["metadata"]["namespace"]
    env = {"HOSTNAME": pod["metadata"]["name"]}
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


def files(cluster: Cluster, pod: Obj, container: Obj | None = None) -> dict[str, str]:
    """Files the kubelet puts in ``container`` (the first by default): path -> content.

    That is ``/etc/hostname`` and the files of the ConfigMaps and Secrets it mounts.
    """
    ns = pod["metadata"]["namespace"]
    volumes = {v.get("name"): v for v in pod["spec"].get("volumes", []) or []}
    found: dict[str, str] = {"/etc/hostname": pod["metadata"]["name"] + "\n"}
    container = container or pod["spec"]["containers"][0]
    for mount in container.get("volumeMounts", []) or []:
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


def main_argv(container: Obj) -> list[str]:
    """The container's command line; empty when neither the pod nor a known image names one.

    ``command`` replaces the image's ``Entrypoint`` and ``args`` its ``Cmd``.
    """
    config, _ = image(str(container.get("image", "")))
    args = [str(a) for a in container.get("args") or []]
    if container.get("command"):
        return [str(a) for a in container["command"]] + args
    return [str(a) for a in config.get("Entrypoint") or []] + (args or config.get("Cmd") or [])


def _container(cluster: Cluster, pod: Obj, container: Obj, env: dict[str, str]) -> Context:
    """A sandbox shell context for ``container`` of ``pod`` with the environment ``env``."""
    config, image_files = image(str(container.get("image", "")))
    listing = dict(image_files)
    own = pages.site(cluster, pod, container)
    if own is not None:  # the student's nginx image: its document root, as curl gets it
        root = pages.DOCUMENT_ROOT
        listing = {p: e for p, e in listing.items() if p != root and not p.startswith(root + "/")}
        listing.update(own[0].entries())
    for path, text in files(cluster, pod, container).items():
        listing[path] = ("f", 0o644, text.encode())
        folder = path.rsplit("/", 1)[0]
        while folder and listing.get(folder, ("",))[0] != "d":
            listing[folder] = ("d", 0o755, b"")
            folder = folder.rsplit("/", 1)[0]
    fs = ScratchFS(listing)
    argv = main_argv(container) or ["sh"]
    user = (container.get("securityContext") or {}).get("runAsUser")
    doc = {
        "Path": argv[0],
        "Args": argv[1:],
        "Config": {
            "Hostname": pod["metadata"]["name"],
            "Env": [*(config.get("Env") or []), *(f"{k}={v}" for k, v in env.items())],
            "WorkingDir": container.get("workingDir") or config.get("WorkingDir") or "",
            "User": str(user) if user is not None else config.get("User") or "",
            "OpenStdin": bool(container.get("stdin")),
            "Tty": bool(container.get("tty")),
        },
    }
    return context(doc, fs, PodNetwork(cluster, pod))


def exec_in_pod(
    cluster: Cluster, pod: Obj, command: list[str], stdin: str = "", container: str = ""
) -> tuple[str, str, int]:
    """Run ``command`` in a container of the pod (the first by default): (stdout, stderr, code).

    A program the container does not have gives the runtime's message and exit code 126.
    """
    spec = next(
        (c for c in pod["spec"]["containers"] if c["name"] == container),
        pod["spec"]["containers"][0],
    )
    ctx = _container(cluster, pod, spec, environment(cluster, pod, spec))
    ctx.stdin = stdin.encode()
    try:
        code, out, err = run_exec(command, ctx)
    except coreutils.ExecutableNotFound as missing:
        return "", exec_not_found(missing.name) + "\n", 126
    return out.decode(errors="replace"), err.decode(errors="replace"), code


def run_main(cluster: Cluster, pod: Obj, container: Obj) -> Outcome | None:
    """How the container's own command runs, as a sandbox container's would.

    None when there is no command to run: an unknown image's own server, running until stopped.
    """
    if not main_argv(container):
        return None
    ctx = _container(cluster, pod, container, resolve_environment(cluster, pod, container))
    return start(ctx.container, ctx.fs, ctx.network, 0)


def _run_logs(cluster: Cluster, pod: Obj, container: Obj, state: Obj) -> list[str]:
    """What one run of the container printed (``state``: its running or terminated state).

    A running process has printed the lines of its first seconds so far; one the kernel
    killed for its memory got through its first two lines.
    """
    lines = kubelet.first_run(cluster, pod, container)["lines"]
    ended = kubelet.outcome(cluster, pod, container)
    if ended is not None and ended.reason == "OOMKilled":
        return [text for _, text in lines[:2]]
    if "running" in state:
        since = cluster.now() - names.parse_timestamp(state["running"]["startedAt"])
        return [text for at, text in lines if at <= since]
    return [text for _, text in lines]


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
        return _run_logs(cluster, pod, container, last)
    waiting = state.get("waiting") if state else {"reason": "ContainerCreating"}
    if waiting and not last:
        reason = waiting.get("reason", "ContainerCreating")
        if reason in {"ErrImagePull", "ImagePullBackOff"}:
            reason = "trying and failing to pull image"
        raise ClusterError(
            f'Error from server (BadRequest): container "{name}" in pod '
            f'"{pod["metadata"]["name"]}" is waiting to start: {reason}'
        )
    lines = _run_logs(cluster, pod, container, last if waiting else state)
    if "running" in state:
        for request in cluster.state.get("requests", []):
            if request["pod"] == pod["metadata"]["name"]:
                lines.append(
                    request.get("line")
                    or '10.244.0.1 - - "GET / HTTP/1.1" 200 615 "-" "curl/8.5.0"'
                )
    return lines
