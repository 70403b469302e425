"""System endpoints: ``/_ping``, ``/version``, ``/info``, ``/system/df`` and ``/events``.

The sandbox keeps no event log, so ``/events`` watches the containers' states and reports
their changes (create, start, die, destroy) as dockerd's event messages, until ``until``
passes or the client goes.
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator
from typing import Any

from grader.dockercli.diskusage import disk_usage as usage_document
from grader.engine.api import EngineAPI
from grader.serve.http import Reply, Request

EVENT_POLL = 0.2
"""Seconds between two looks at the containers' states for ``/events``."""


def ping(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET|HEAD /_ping``: "OK" with the API version headers the CLI negotiates from."""
    reply.data(
        200,
        b"OK",
        "text/plain; charset=utf-8",
        **{"Builder-Version": "2", "Cache-Control": "no-cache, no-store, must-revalidate"},
        Pragma="no-cache",
    )


def version(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /version``."""
    reply.json(engine.version())


def info(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /info``."""
    reply.json(engine.info())


def disk_usage(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /system/df``: images, containers and volumes with what uses them."""
    reply.json(usage_document(engine))


def events(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /events?since=&until=&filters=``: container state changes from now on."""
    until = float(req.arg("until") or 0) or None
    wanted = req.filters() or {}
    # The first look is taken before the answer's headers go out: a client may act as soon
    # as it has them, and a change made then must already count as one.
    reply.json_stream(_events(engine, reply, _states(engine), until, wanted))


def _events(
    engine: EngineAPI,
    reply: Reply,
    before: dict[str, dict[str, Any]],
    until: float | None,
    wanted: dict[str, list[str]],
) -> Iterator[dict[str, Any]]:
    connection = reply.handler.connection
    while until is None or time.time() < until:
        readable, _, _ = select.select([connection], [], [], EVENT_POLL)
        if readable and not connection.recv(1, socket.MSG_PEEK):
            return  # the client went away
        after = _states(engine)
        for event in _changes(before, after):
            if _wanted(event, wanted):
                yield event
        before = after


def _states(engine: EngineAPI) -> dict[str, dict[str, Any]]:
    return {c["Id"]: c for c in engine.containers(all=True)}


def _changes(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    for cid, now in after.items():
        was = before.get(cid)
        if was is None:
            yield _event("create", now)
        running = now["State"] in ("running", "paused", "restarting")
        was_running = was is not None and was["State"] in ("running", "paused", "restarting")
        if running and not was_running:
            yield _event("start", now)
        if was_running and not running:
            yield _event("die", now)
    for cid, was in before.items():
        if cid not in after:
            yield _event("destroy", was)


def _event(action: str, container: dict[str, Any]) -> dict[str, Any]:
    now = time.time_ns()
    attributes = {
        **(container.get("Labels") or {}),
        "image": container["Image"],
        "name": container["Names"][0].lstrip("/"),
    }
    return {
        "status": action,
        "id": container["Id"],
        "from": container["Image"],
        "Type": "container",
        "Action": action,
        "Actor": {"ID": container["Id"], "Attributes": attributes},
        "scope": "local",
        "time": now // 1_000_000_000,
        "timeNano": now,
    }


def _wanted(event: dict[str, Any], wanted: dict[str, list[str]]) -> bool:
    if wanted.get("type") and "container" not in wanted["type"]:
        return False
    if wanted.get("event") and event["Action"] not in wanted["event"]:
        return False
    names = {event["id"], event["Actor"]["Attributes"]["name"]}
    return not wanted.get("container") or bool(names & set(wanted["container"]))
