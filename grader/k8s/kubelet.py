"""What a node's kubelet does with a pod's containers, as a function of time.

The kubelet repairs a pod *in place*: when a container exits (it crashed, it finished, the
kernel killed it for going over its memory limit) the same pod keeps its name and IP, the
container is started again according to ``restartPolicy`` (``Always``, ``OnFailure``,
``Never``), ``restartCount`` rises, ``lastState`` keeps how the previous run ended, and
after the first quick restart the kubelet waits longer each time (10 s, 20 s, 40 s ...
capped at 5 minutes): ``CrashLoopBackOff``. An image it cannot pull gives ``ErrImagePull``
and then ``ImagePullBackOff``, with the same back-off between attempts.

Everything here is computed from when the container was first started and the cluster's
clock, so the state moves on as (simulated) time passes. What only the kubelet knows (when a
container started, the environment it was started with, what its command did) lives in the
cluster state's ``kubelet`` section, never in the API objects (an etcd snapshot does not hold
it). A container's command runs, once, in the Docker sandbox's shell and programs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grader.k8s import names

if TYPE_CHECKING:
    from grader.k8s.cluster import Cluster

Obj = dict[str, Any]
RUN_SECONDS = 1.0
"""How long a failing process runs before it exits."""
SYNC_SECONDS = 1.0
"""The first restart comes at the kubelet's next sync, about a second later."""
BACKOFF_FIRST = 10
BACKOFF_CAP = 300
"""Restart (and image pull) back-off: 10 s, doubled after each failure, at most 5 minutes."""
IMAGE_MEMORY_MI = {"nginx": 6, "website": 6, "httpd": 8, "node": 40, "python": 12}
"""Memory each image's main process needs; below it, a memory limit means OOMKilled."""
PRELOADED = ("website:1", "website:latest")
"""The course's own image, loaded on every simulated node (as ``kind load`` would do)."""
KEPT_LINES = 1000
"""Log lines of a process that keeps running the simulator keeps (it writes hours ahead)."""


@dataclass(frozen=True)
class Exit:
    """How a container's process ends (when it does not run until stopped)."""

    code: int
    reason: str
    """``Error``, ``Completed`` or ``OOMKilled`` (what ``lastState.terminated`` shows)."""
    after: float
    """Seconds the process runs before it exits."""
    logs: tuple[str, ...] = ()


def go_duration(seconds: float) -> str:
    """A duration as Go prints it: ``10s``, ``1m20s``, ``5m0s``."""
    seconds = int(seconds)
    return f"{seconds // 60}m{seconds % 60}s" if seconds >= 60 else f"{seconds}s"


def backoff(failures: int) -> int:
    """The wait after the ``failures``-th failure of a loop (10 s, 20 s ... capped)."""
    return int(min(BACKOFF_FIRST * 2 ** max(failures - 1, 0), BACKOFF_CAP))


# -- the process ---------------------------------------------------------------------------


def repository(image: str) -> str:
    """``docker.io/library/nginx:1.27`` -> ``nginx``."""
    return image.rsplit("/", 1)[-1].split("@")[0].split(":")[0]


def _memory_limit(container: Obj) -> int | None:
    from grader.k8s.controllers import parse_memory

    limit = ((container.get("resources") or {}).get("limits") or {}).get("memory")
    return None if limit is None else parse_memory(limit)


def outcome(cluster: Cluster, pod: Obj, container: Obj) -> Exit | None:
    """How the container's process ends, or ``None`` when it keeps running.

    Its command (:func:`first_run`) decides, unless a memory limit below the image's need
    has the kernel kill it first (``OOMKilled``).
    """
    image = str(container.get("image", ""))
    limit = _memory_limit(container)
    if limit is not None and limit < IMAGE_MEMORY_MI.get(repository(image), 2):
        return Exit(137, "OOMKilled", 2 * RUN_SECONDS)
    run = first_run(cluster, pod, container)
    if run["ends"] is None:
        return None
    code, reason, seconds = run["ends"]
    return Exit(code, reason, seconds, tuple(text for _, text in run["lines"]))


def first_run(cluster: Cluster, pod: Obj, container: Obj) -> Obj:
    """What the container's command does: ``ends`` and ``lines``.

    ``ends`` is [exit code, reason, seconds it runs], or None when it keeps running;
    ``lines`` its log, [seconds after the start, line] (at most :data:`KEPT_LINES`). The
    command runs as a sandbox container's would (:func:`execsim.run_main`): the same shell
    and programs. A program the image does not have fails the start (``StartError``, exit
    code 128, as containerd reports it). It runs once for the container (what it asks of
    the cluster, a request to a Service, is asked once); every later run does the same.
    """
    record = memory(cluster, pod, container.get("name", ""))
    if "run" not in record:
        record["run"] = _run(cluster, pod, container)
    return record["run"]


def _run(cluster: Cluster, pod: Obj, container: Obj) -> Obj:
    from grader.k8s.execsim import run_main

    ran = run_main(cluster, pod, container)
    if ran is None:
        return {"ends": None, "lines": []}
    lines = [[at, line.decode(errors="replace").rstrip("\n")] for at, _, line in ran.lines]
    if ran.error:
        return {"ends": [128, "StartError", 0.0], "lines": []}
    if ran.exit_code is None:
        return {"ends": None, "lines": lines[:KEPT_LINES]}
    reason = "Error" if ran.exit_code else "Completed"
    return {"ends": [ran.exit_code, reason, max(RUN_SECONDS, ran.runtime or 0.0)], "lines": lines}


# -- images ------------------------------------------------------------------------------


def normalise(image: str) -> str:
    """The familiar reference: no ``docker.io/library/``, ``:latest`` when no tag."""
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/"):
        image = image.removeprefix(prefix)
    last = image.rsplit("/", 1)[-1]
    if ":" not in last and "@" not in last:
        image += ":latest"
    return image


def qualified(image: str) -> str:
    """The reference containerd resolves: ``docker.io/library/nginx:1.27``."""
    ref = normalise(image)
    first = ref.split("/", 1)[0]
    if "/" in ref and ("." in first or ":" in first or first == "localhost"):
        return ref
    return f"docker.io/{ref}" if "/" in ref else f"docker.io/library/{ref}"


REGISTRY_HOSTS = ("127.0.0.1:5000", "localhost:5000")


def _in_local_registry(ref: str) -> bool:
    """Ask the course's registry (through the selected engine) whether it holds ``ref``."""
    from grader.engine import get_engine
    from grader.engine.errors import EngineError

    host, _, rest = ref.partition("/")
    repo, _, tag = rest.rpartition(":")
    try:
        tags = get_engine().registry_tags(repo, host)
    except (EngineError, OSError):
        return False  # no engine answers: the registry is unreachable too
    return tag in (tags or [])


def image_present(cluster: Cluster, image: str) -> bool:
    """True when a node can get ``image``: catalogue, preloaded, local registry."""
    from grader.engine.sandbox import catalogue

    ref = normalise(image)
    if ref.startswith("registry.k8s.io/") or ref in PRELOADED or catalogue.find(ref):
        return True
    if ref.split("/", 1)[0] not in REGISTRY_HOSTS:
        return False
    cache = cluster.state.setdefault("kubelet", {}).setdefault("images", {})
    seen = cache.get(ref)
    if seen is not None and (seen[0] or cluster.now() - seen[1] < BACKOFF_FIRST):
        return bool(seen[0])
    present = _in_local_registry(ref)
    cache[ref] = [present, cluster.now()]
    return present


def pull_error(image: str) -> str:
    """The message containerd gives for an image that does not exist (a ``Failed`` event)."""
    full = qualified(image)
    return (
        f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull and '
        f'unpack image "{full}": failed to resolve reference "{full}": {full}: not found'
    )


# -- the timeline ----------------------------------------------------------------------------


def _terminated(exit: Exit, start: float, end: float) -> Obj:
    return {
        "terminated": {
            "exitCode": exit.code,
            "reason": exit.reason,
            "startedAt": names.timestamp(start),
            "finishedAt": names.timestamp(end),
        }
    }


def run_state(
    exit: Exit | None, policy: str, since: float, now: float, pod_ref: str, name: str
) -> tuple[int, Obj, Obj | None]:
    """(restarts, state, lastState) of a container started at ``since``, seen at ``now``."""
    if exit is None:
        return 0, {"running": {"startedAt": names.timestamp(since)}}, None
    restarts, start, last = 0, since, None
    while restarts < 10_000:
        end = start + exit.after
        if now < end:
            return restarts, {"running": {"startedAt": names.timestamp(start)}}, last
        ended = _terminated(exit, start, end)
        if not (policy == "Always" or (policy == "OnFailure" and exit.code != 0)):
            return restarts, ended, last
        wait = SYNC_SECONDS if restarts == 0 else backoff(restarts)
        if now < end + wait:
            if now < end + SYNC_SECONDS:
                return restarts, ended, last
            message = (
                f"back-off {go_duration(wait)} restarting failed container={name} pod={pod_ref}"
            )
            return restarts, {"waiting": {"reason": "CrashLoopBackOff", "message": message}}, ended
        last, restarts, start = ended, restarts + 1, end + wait
    return restarts, {"waiting": {"reason": "CrashLoopBackOff"}}, last


def pull_state(image: str, since: float, now: float) -> Obj:
    """The waiting state of a container whose image cannot be pulled (attempts back off)."""
    attempt, failures = since, 0
    while now >= attempt + SYNC_SECONDS + backoff(failures + 1) and failures < 10_000:
        failures += 1
        attempt += SYNC_SECONDS + backoff(failures)
    if now < attempt + SYNC_SECONDS:
        return {"waiting": {"reason": "ErrImagePull", "message": pull_error(image)}}
    return {
        "waiting": {"reason": "ImagePullBackOff", "message": f'Back-off pulling image "{image}"'}
    }


# -- what the kubelet remembers ---------------------------------------------------------------


def is_ready(pod: Obj) -> bool:
    """True when the pod's Ready condition is True."""
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in pod.get("status", {}).get("conditions", [])
    )


def memory(cluster: Cluster, pod: Obj, container: str) -> Obj:
    """The kubelet's own record of one container (start time, restarts before, env)."""
    pods = cluster.state.setdefault("kubelet", {}).setdefault("pods", {})
    return pods.setdefault(pod["metadata"]["uid"], {}).setdefault(container, {})


def forget(cluster: Cluster, uid: str) -> None:
    """Drop what the kubelet remembers of a deleted pod."""
    cluster.state.setdefault("kubelet", {}).setdefault("pods", {}).pop(uid, None)


def crash(cluster: Cluster, pod: Obj, code: int = 137) -> None:
    """The container's process dies now (killed): the kubelet restarts it in the same pod."""
    now = cluster.now()
    for status in pod.get("status", {}).get("containerStatuses", []):
        record = memory(cluster, pod, status["name"])
        if "running" not in status.get("state", {}) or "since" not in record:
            continue
        started = names.parse_timestamp(status["state"]["running"]["startedAt"])
        ended = _terminated(Exit(code, "Error", 0), started, now)
        record.update(
            since=now + SYNC_SECONDS,
            base=status.get("restartCount", 0) + 1,
            last=ended,
            instance=None,
        )


def new_image(cluster: Cluster, pod: Obj, names_changed: set[str]) -> None:
    """A running pod's container got a new image: the kubelet kills it and starts the new one.

    Same pod, ``restartCount`` + 1, ``lastState`` the run that was killed (exit 0: it was
    stopped, not crashed); the new image is pulled first, so a missing one shows
    ``ErrImagePull``.
    """
    now = cluster.now()
    for status in pod.get("status", {}).get("containerStatuses", []):
        if status["name"] not in names_changed:
            continue
        record = memory(cluster, pod, status["name"])
        last = record.get("last")
        if "running" in status.get("state", {}):
            started = names.parse_timestamp(status["state"]["running"]["startedAt"])
            last = _terminated(Exit(0, "Completed", 0), started, now)
        record.clear()
        record.update(base=status.get("restartCount", 0) + 1, instance=None)
        if last:
            record["last"] = last
