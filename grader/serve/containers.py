"""``/containers`` endpoints: the Engine API's JSON mapped onto the sandbox's calls.

``POST /containers/create`` receives the Docker CLI's full ``Config`` + ``HostConfig``
document; :func:`create_arguments` turns it into the docker-py keywords the engine takes.
``wait?condition=next-exit`` and ``attach`` answer their headers at once, as dockerd does,
because the CLI sends them before ``start`` and waits for those headers.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

from grader.dockercli.exporting import export_archive
from grader.engine.api import EngineAPI
from grader.engine.errors import NotFound
from grader.engine.sandbox.clock import parse_rfc3339
from grader.serve.execs import SHELLS, terminal
from grader.serve.http import Reply, Request, close_writing, frame

POLL = 0.02
"""Seconds between looks at a container's state while waiting for it to start or stop."""


def create_arguments(
    body: dict[str, Any], name: str | None, platform: str | None = None
) -> dict[str, Any]:
    """docker-py's ``create_container`` keywords for a ``POST /containers/create`` body.

    An ``Env`` item without ``=`` is a ``-e NAME`` whose NAME the client's environment does
    not set: dockerd leaves it out of the container's environment, and so does this.
    """
    exposed = body.get("ExposedPorts") or {}
    return {
        "image": body.get("Image") or "",
        "command": body.get("Cmd"),
        "name": name or None,
        "platform": platform or None,
        "hostname": body.get("Hostname") or None,
        "domainname": body.get("Domainname") or None,
        "user": body.get("User") or None,
        "detach": not (body.get("AttachStdout") or body.get("AttachStderr")),
        "stdin_open": bool(body.get("OpenStdin")),
        "tty": bool(body.get("Tty")),
        "environment": [item for item in body.get("Env") or [] if "=" in item] or None,
        "working_dir": body.get("WorkingDir") or None,
        "entrypoint": body.get("Entrypoint"),
        "labels": body.get("Labels") or None,
        "ports": list(exposed) or None,
        "volumes": list(body.get("Volumes") or {}) or None,
        "stop_signal": body.get("StopSignal") or None,
        "stop_timeout": body.get("StopTimeout"),
        "host_config": given_fields(body.get("HostConfig") or {}),
        "networking_config": _aliases(body.get("NetworkingConfig") or {}),
        "healthcheck": body.get("Healthcheck") or None,
    }


def _aliases(networking: dict[str, Any]) -> dict[str, Any] | None:
    """The ``--network-alias`` part of ``NetworkingConfig`` (what the sandbox applies)."""
    endpoints = {
        name: {"Aliases": list(settings["Aliases"])}
        for name, settings in (networking.get("EndpointsConfig") or {}).items()
        if settings and settings.get("Aliases")
    }
    return {"EndpointsConfig": endpoints} if endpoints else None


UNSET = {"MemorySwappiness": -1, "ConsoleSize": [0, 0]}
"""HostConfig values the CLI sends for "not given" that are no Go zero value."""


def given_fields(host_config: dict[str, Any]) -> dict[str, Any]:
    """The HostConfig fields the client set: dockerd fills the zero-valued ones itself.

    The Docker CLI sends every field, most as Go zero values ("", 0, null, [], false);
    passed on as such they would replace the daemon's defaults ("private" IPC mode, the
    64 MB /dev/shm, the masked /proc paths...).
    """
    return {
        key: value
        for key, value in host_config.items()
        if value not in (None, "", 0, [], {}, False)
        and UNSET.get(key) != value
        and not (key == "LogConfig" and not value.get("Type"))
    }


def create(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /containers/create?name=&platform=``."""
    kwargs = create_arguments(req.json(), req.arg("name"), req.arg("platform"))
    reply.json(engine.create_container(**kwargs), 201)


def listing(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /containers/json`` (a ``limit`` lists stopped containers too, as dockerd)."""
    limit = req.number("limit")
    reply.json(
        engine.containers(
            all=req.flag("all") or bool(limit and limit > 0),
            limit=-1 if limit is None or limit <= 0 else limit,
            size=req.flag("size"),
            filters=req.filters(),
        )
    )


def inspect(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /containers/{id}/json``; with ``size``, SizeRw and SizeRootFs too."""
    doc = engine.inspect_container(req.groups["id"])
    if req.flag("size"):
        sizes = engine.containers(all=True, size=True, filters={"id": [doc["Id"]]})
        if sizes:
            doc["SizeRw"] = sizes[0].get("SizeRw", 0)
            doc["SizeRootFs"] = sizes[0].get("SizeRootFs", 0)
    reply.json(doc)


def start(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /containers/{id}/start``: 304 when it was running already, as dockerd.

    The start comes first (it is what the request asks the engine for); the container's
    StartedAt then tells whether this request started it.
    """
    asked = time.time()
    engine.start(req.groups["id"])
    state = engine.inspect_container(req.groups["id"])["State"]
    reply.empty(304 if parse_rfc3339(state.get("StartedAt") or "") < asked else 204)


def stop(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /containers/{id}/stop?t=``: 304 when it was not running, as dockerd.

    The stop comes first; the container's FinishedAt then tells whether this request
    stopped it (a container never started has none).
    """
    asked = time.time()
    engine.stop(req.groups["id"], timeout=req.number("t"))
    state = engine.inspect_container(req.groups["id"])["State"]
    reply.empty(304 if parse_rfc3339(state.get("FinishedAt") or "") < asked else 204)


def restart(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /containers/{id}/restart?t=``."""
    engine.restart(req.groups["id"], timeout=req.number("t"))
    reply.empty()


def kill(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /containers/{id}/kill?signal=``."""
    engine.kill(req.groups["id"], signal=req.arg("signal") or None)
    reply.empty()


def pause(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /containers/{id}/pause``."""
    engine.pause(req.groups["id"])
    reply.empty()


def unpause(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /containers/{id}/unpause``."""
    engine.unpause(req.groups["id"])
    reply.empty()


def rename(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /containers/{id}/rename?name=``."""
    engine.rename(req.groups["id"], req.arg("name") or "")
    reply.empty()


def remove(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``DELETE /containers/{id}?v=&force=&link=``."""
    engine.remove_container(
        req.groups["id"], v=req.flag("v"), link=req.flag("link"), force=req.flag("force")
    )
    reply.empty()


def prune(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /containers/prune``."""
    reply.json(engine.prune_containers(filters=req.filters()))


def top(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /containers/{id}/top?ps_args=``."""
    reply.json(engine.top(req.groups["id"], ps_args=req.arg("ps_args") or None))


def changes(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /containers/{id}/changes``."""
    reply.json(engine.diff(req.groups["id"]) or None)


def stats(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /containers/{id}/stats``: one sample, or one a second until the client leaves."""
    if not req.flag("stream", True) or req.flag("one-shot"):
        reply.json(engine.stats(req.groups["id"]))
        return

    def samples() -> Iterator[Any]:
        while True:
            yield engine.stats(req.groups["id"])
            time.sleep(1)

    reply.json_stream(samples())


def commit(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /commit?container=&repo=&tag=&comment=&author=&changes=``."""
    result = engine.commit(
        req.arg("container") or "",
        repository=req.arg("repo") or None,
        tag=req.arg("tag") or None,
        message=req.arg("comment") or None,
        author=req.arg("author") or None,
        changes=req.query.get("changes") or None,
    )
    reply.json(result, 201)


class _Streams:
    """How many attach streams each container has open.

    ``docker run --rm`` sends attach and ``wait?condition=removed`` together; the removal
    that ends the wait must come after the attach stream has sent the container's output.
    """

    def __init__(self) -> None:
        self._open: dict[str, int] = {}
        self._changed = threading.Condition()

    def opened(self, cid: str) -> None:
        """An attach stream of ``cid`` began."""
        with self._changed:
            self._open[cid] = self._open.get(cid, 0) + 1

    def closed(self, cid: str) -> None:
        """An attach stream of ``cid`` ended."""
        with self._changed:
            self._open[cid] -= 1
            if not self._open[cid]:
                del self._open[cid]
            self._changed.notify_all()

    def wait_closed(self, cid: str, timeout: float) -> None:
        """Block until ``cid`` has no attach stream open (at most ``timeout`` seconds)."""
        with self._changed:
            self._changed.wait_for(lambda: cid not in self._open, timeout)


STREAMS = _Streams()
DRAIN_TIMEOUT = 30.0
"""At most this long a removal waits for attach streams to send the output."""


def wait(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /containers/{id}/wait?condition=``: headers now, the exit code at the end.

    What the answer depends on is decided before the headers go out, as dockerd registers
    its wait before it writes them: a client may act as soon as it has them (the CLI sends
    ``wait`` before ``start``, and before it looks a container up to ``attach``). For
    ``not-running`` (the default) the engine registers the wait (a container not running
    then is answered at once, as dockerd does); the other conditions wait for a start
    after the one the request found.
    """
    condition = req.arg("condition") or "not-running"
    if condition == "not-running":
        registered = engine.register_wait(req.groups["id"])
        try:
            reply.begin_json()
            result = registered.result()
        finally:
            registered.close()
        reply.end_json({"Error": result.get("Error"), "StatusCode": result.get("StatusCode", 0)})
        return
    doc = engine.inspect_container(req.groups["id"])
    cid, started = doc["Id"], doc["State"].get("StartedAt")
    reply.begin_json()
    if condition in ("next-exit", "removed"):
        wait_until_started(engine, cid, started)
    if condition == "removed":
        wait_until_stopped(engine, cid)
        STREAMS.wait_closed(cid, DRAIN_TIMEOUT)
    result = engine.wait(cid)
    reply.end_json({"Error": result.get("Error"), "StatusCode": result.get("StatusCode", 0)})


def wait_until_started(engine: EngineAPI, cid: str, started: str | None) -> bool:
    """Block until the container starts after ``started`` (its StartedAt then) or runs.

    Returns:
        False when the container was removed meanwhile.
    """
    while True:
        try:
            state = engine.inspect_container(cid)["State"]
        except NotFound:
            return False
        if state.get("Running") or state.get("StartedAt") != started:
            return True
        time.sleep(POLL)


def wait_until_stopped(engine: EngineAPI, cid: str) -> None:
    """Block until the container no longer runs (or is gone), without removing it."""
    while True:
        try:
            if not engine.inspect_container(cid)["State"].get("Running"):
                return
        except NotFound:
            return
        time.sleep(POLL)


def logs(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /containers/{id}/logs``: multiplexed frames (raw for a TTY container)."""
    doc = engine.inspect_container(req.groups["id"])
    tail = req.arg("tail") or "all"
    items = engine.logs(
        doc["Id"],
        stdout=req.flag("stdout"),
        stderr=req.flag("stderr"),
        timestamps=req.flag("timestamps"),
        tail=tail if tail == "all" else int(tail),
        since=req.arg("since") or None,
        until=req.arg("until") or None,
        follow=req.flag("follow"),
    )
    reply.frames(items, bool(doc["Config"].get("Tty")))


def attach(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /containers/{id}/attach``: the container's output from now on, hijacked."""
    doc = engine.inspect_container(req.groups["id"])
    cid, tty = doc["Id"], bool(doc["Config"].get("Tty"))
    since, started = time.time(), doc["State"].get("StartedAt")
    wanted = {"stdout": req.flag("stdout"), "stderr": req.flag("stderr")}
    STREAMS.opened(cid)
    try:
        sock = reply.hijack(tty, req.upgrade())
        try:
            shell = _interactive_shell(doc) if req.flag("stdin") and tty else None
            if shell and (doc["State"].get("Running") or wait_until_started(engine, cid, started)):
                options = {"user": doc["Config"].get("User") or ""}
                terminal(engine, sock, cid, shell, options)
                engine.stop(cid, timeout=0)  # leaving the shell ends the container
                return
            if req.flag("logs"):
                for stream, data in engine.logs(cid, **wanted):
                    sock.sendall(data if tty else frame(stream, data))
            if req.flag("stream") and (
                doc["State"].get("Running") or wait_until_started(engine, cid, started)
            ):
                for stream, data in engine.logs(cid, **wanted, since=since, follow=True):
                    sock.sendall(data if tty else frame(stream, data))
        finally:
            close_writing(sock)
    finally:
        STREAMS.closed(cid)


def _interactive_shell(doc: dict[str, Any]) -> str | None:
    """The shell a ``run -it`` container runs (``sh``, ``/bin/bash``), if that is its command.

    The sandbox cannot attach a terminal to a container's own process; as the course's
    terminal does, each line typed then runs in the container through exec.
    """
    config = doc["Config"]
    if not config.get("OpenStdin"):
        return None
    command = [*(config.get("Entrypoint") or []), *(config.get("Cmd") or [])]
    if len(command) == 1 and command[0].rsplit("/", 1)[-1] in SHELLS:
        return command[0]
    return None


def resize(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /containers/{id}/resize`` and ``/exec/{id}/resize``: nothing to resize."""
    reply.empty(200)


def archive_stat(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``HEAD /containers/{id}/archive?path=``: the path's stat in a header."""
    _, stat = engine.get_archive(req.groups["id"], req.arg("path") or "/")
    reply.data(200, b"", "application/x-tar", **{"X-Docker-Container-Path-Stat": _stat(stat)})


def get_archive(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /containers/{id}/archive?path=``: a tar of the path."""
    data, stat = engine.get_archive(req.groups["id"], req.arg("path") or "/")
    reply.data(200, data, "application/x-tar", **{"X-Docker-Container-Path-Stat": _stat(stat)})


def put_archive(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``PUT /containers/{id}/archive?path=``: extract a tar into the container."""
    engine.put_archive(req.groups["id"], req.arg("path") or "/", req.body)
    reply.empty(200)


UPDATE_FIELDS = {
    "BlkioWeight": "blkio_weight",
    "CpuPeriod": "cpu_period",
    "CpuQuota": "cpu_quota",
    "CpuShares": "cpu_shares",
    "CpusetCpus": "cpuset_cpus",
    "CpusetMems": "cpuset_mems",
    "Memory": "mem_limit",
    "MemoryReservation": "mem_reservation",
    "MemorySwap": "memswap_limit",
    "NanoCpus": "nano_cpus",
    "PidsLimit": "pids_limit",
}
"""``POST /containers/{id}/update`` body fields -> the engine's keywords."""


def update(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /containers/{id}/update``: the fields the client set (the CLI sends zeros too)."""
    body = req.json() or {}
    limits = {
        keyword: body[field]
        for field, keyword in UPDATE_FIELDS.items()
        if body.get(field) not in (None, 0, "")
    }
    policy = body.get("RestartPolicy") or {}
    restart = policy if policy.get("Name") else None
    reply.json(engine.update_container(req.groups["id"], restart_policy=restart, **limits))


def export(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /containers/{id}/export``: the container's files as a tar, names relative to /."""
    reply.data(200, export_archive(engine, req.groups["id"]), "application/x-tar")


def _stat(stat: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(stat).encode()).decode()
