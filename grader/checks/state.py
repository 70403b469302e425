"""Read the engine's state for the checks: the selected engine, containers by name, lists.

Everything goes through the Engine API (``grader.engine.get_engine()``), so the same check
grades the sandbox and a real daemon. On a real daemon only objects carrying the course's
label count: a student's own unrelated containers are neither graded nor removed.
"""

from __future__ import annotations

from typing import Any

from grader import LABEL
from grader.checks.failure import engine_refusal, fail
from grader.engine import get_engine
from grader.engine.api import JSON, EngineAPI
from grader.engine.errors import EngineError, NotFound


def engine() -> EngineAPI:
    """The selected engine, or a failed check that says none answers."""
    try:
        selected = get_engine()
    except (EngineError, ValueError, ImportError) as error:
        raise fail(
            "the checks cannot reach a container engine",
            found=str(error),
            hint="run the notebook's first cell again; ask for help if this persists",
        ) from None
    return selected


def course_filters(api: EngineAPI) -> dict[str, Any] | None:
    """The filter that selects the course's objects (the label on a shared daemon)."""
    return {"label": [LABEL]} if api.shared else None


def find_container(api: EngineAPI, name: str) -> JSON | None:
    """``inspect`` of the container called ``name`` (or with that id), or None."""
    try:
        return api.inspect_container(name)
    except NotFound:
        return None
    except EngineError as error:
        raise fail(f"the engine refused to inspect {name!r}", found=error.explanation) from None


def list_containers(api: EngineAPI) -> list[JSON]:
    """Every course container, running or not, as ``docker ps -a`` lists them."""
    with engine_refusal("the engine refused to list containers"):
        listed = api.containers(all=True, filters=course_filters(api))
    return listed


def container_name(summary: JSON) -> str:
    """The name of a container from a list entry (``Names`` is ``["/name"]``)."""
    names = summary.get("Names") or [""]
    return names[0].lstrip("/")


def describe(summary: JSON) -> str:
    """One line about a container from a list entry: name, image, state."""
    return f"{container_name(summary)} ({summary.get('Image', '?')}, {summary.get('State', '?')})"


SHOWN = 8
"""At most this many containers are listed in a message (a machine may have hundreds)."""


def describe_all(api: EngineAPI) -> str:
    """The containers that exist, one per line (the first :data:`SHOWN`), or "no containers"."""
    found = [describe(item) for item in list_containers(api)]
    if len(found) > SHOWN:
        found = [*found[:SHOWN], f"... ({len(found) - SHOWN} more)"]
    return "\n".join(found) if found else "no containers at all"
