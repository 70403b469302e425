"""``docker events``: container state changes (create, start, die, destroy) as they happen.

:func:`watch` compares the engine's containers every POLL seconds with the previous look
and yields the Engine API's event messages for what changed; the sandbox daemon's
``GET /events`` streams the same messages. The first look is the caller's, taken before
anything a client may act on. The sandbox keeps no history of events, so ``--since``
shows nothing from before the command; ``--until`` ends the stream.
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Callable, Iterator
from typing import Any

from grader.commands.model import Command
from grader.dockercli.session import CommandFailed, Session
from grader.engine.api import EngineAPI

JSON = dict[str, Any]
POLL = 0.2
"""Seconds between two looks at the containers."""
ACTIVE = ("running", "paused", "restarting")


def states(engine: EngineAPI) -> dict[str, JSON]:
    """Every container's summary, by id: one look."""
    return {c["Id"]: c for c in engine.containers(all=True)}


def changes(before: dict[str, JSON], after: dict[str, JSON]) -> Iterator[JSON]:
    """The events that lead from one look to the next."""
    for cid, now in after.items():
        was = before.get(cid)
        if was is None:
            yield message("create", now)
        running = now["State"] in ACTIVE
        was_running = was is not None and was["State"] in ACTIVE
        if running and not was_running:
            yield message("start", now)
        if was_running and not running:
            yield message("die", now)
    for cid, was in before.items():
        if cid not in after:
            yield message("destroy", was)


def message(action: str, container: JSON) -> JSON:
    """An Engine API event message about ``container``."""
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


def wanted(event: JSON, filters: dict[str, list[str]]) -> bool:
    """Whether ``event`` passes ``--filter type=/event=/container=``."""
    if filters.get("type") and "container" not in filters["type"]:
        return False
    if filters.get("event") and event["Action"] not in filters["event"]:
        return False
    names = {event["id"], event["Actor"]["Attributes"]["name"]}
    return not filters.get("container") or bool(names & set(filters["container"]))


def _pause(seconds: float) -> bool:
    time.sleep(seconds)
    return True


def watch(
    engine: EngineAPI,
    before: dict[str, JSON],
    until: float | None,
    filters: dict[str, list[str]],
    pause: Callable[[float], bool] = _pause,
) -> Iterator[JSON]:
    """The events after the look ``before``, until ``until`` (Unix time) or forever.

    Args:
        engine: where to look.
        before: the first look (:func:`states`), taken by the caller.
        until: when to stop (Unix time), or None.
        filters: ``--filter`` values (type, event, container).
        pause: waits between two looks; False when whoever reads the events went away.
    """
    while until is None or time.time() < until:
        if not pause(POLL):
            return
        after = states(engine)
        for event in changes(before, after):
            if wanted(event, filters):
                yield event
        before = after


def line(event: JSON) -> str:
    """The CLI's line for an event: local time, type, action, id, sorted attributes."""
    seconds, nanos = divmod(int(event["timeNano"]), 1_000_000_000)
    stamp = _dt.datetime.fromtimestamp(seconds).astimezone()
    offset = stamp.utcoffset() or _dt.timedelta()
    zone = "Z"
    if offset:
        minutes = int(offset.total_seconds() // 60)
        zone = f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    text = f"{stamp:%Y-%m-%dT%H:%M:%S}.{nanos:09d}{zone} "
    text += f"{event['Type']} {event['Action']} {event['Actor']['ID']}"
    attributes = event["Actor"].get("Attributes") or {}
    if attributes:
        text += " (" + ", ".join(f"{k}={attributes[k]}" for k in sorted(attributes)) + ")"
    return text + "\n"


def events(cmd: Command, session: Session) -> int:
    """``docker events [--filter ...] [--format ...] [--since ...] [--until ...]``."""
    from grader.dockercli.listing import filters
    from grader.dockercli.stream import follow, stop_note
    from grader.render.formatter import render
    from grader.render.timeparse import TimeValueError, get_timestamp

    until = None
    if cmd.option("until"):
        try:
            until = get_timestamp(str(cmd.option("until")))
        except TimeValueError as error:
            raise CommandFailed(str(error)) from None
    stream = watch(session.engine, states(session.engine), until, filters(cmd))
    fmt = cmd.option("format", "")

    def write(event: JSON) -> None:
        session.out(render(fmt, [event]) if fmt else line(event))
        session.stdout.flush()

    outcome = follow(stream, write, session.timeout)
    if outcome != "end":
        session.err(stop_note(outcome, session.timeout, "events go on"))
    return 0
