"""A container's life as a state machine, with the student's container's state lit.

States: created, running, paused, exited, removed; each arrow is the command that moves a
container along it (``docker run`` is ``create`` then ``start``).
"""

from __future__ import annotations

from typing import Any

import traitlets

from grader.widgets.base import LiveWidget, esm

STATES = ("created", "running", "paused", "exited", "removed")
"""The states drawn, in order."""

TRANSITIONS = (
    {"from": "removed", "to": "created", "command": "docker create"},
    {"from": "removed", "to": "running", "command": "docker run"},
    {"from": "created", "to": "running", "command": "docker start"},
    {"from": "running", "to": "paused", "command": "docker pause"},
    {"from": "paused", "to": "running", "command": "docker unpause"},
    {"from": "running", "to": "exited", "command": "docker stop / kill, or the main process ends"},
    {"from": "exited", "to": "running", "command": "docker start / restart"},
    {"from": "exited", "to": "removed", "command": "docker rm"},
    {"from": "created", "to": "removed", "command": "docker rm"},
    {"from": "running", "to": "removed", "command": "docker rm -f"},
)
"""The arrows: what each command does to a container. "removed" also stands for "not yet"."""

DOCKER_STATES = {"restarting": "running", "dead": "exited", "removing": "removed"}
"""Docker's rarer states, shown as the nearest drawn state."""


def state_of(api: Any, name: str) -> str:
    """The drawn state of container ``name`` ("removed" when it does not exist)."""
    from grader.engine.errors import NotFound

    try:
        status = str((api.inspect_container(name).get("State") or {}).get("Status", ""))
    except NotFound:
        return "removed"
    return DOCKER_STATES.get(status, status if status in STATES else "exited")


def describe(name: str, state: str) -> str:
    """The current state and the ways out of it, in words."""
    if state == "removed":
        where = f"No container named {name} exists (not created yet, or removed)."
    else:
        where = f"Container {name} is {state}."
    ways = [f"{item['command']} -> {item['to']}" for item in TRANSITIONS if item["from"] == state]
    return where + (" From here: " + "; ".join(ways) + "." if ways else "")


class LifecycleWidget(LiveWidget):
    """The lifecycle diagram for one container."""

    _esm = esm("lifecycle.js")
    container = traitlets.Unicode("website").tag(sync=True)
    """The container whose state is lit."""
    state = traitlets.Unicode("removed").tag(sync=True)
    states = traitlets.List(list(STATES)).tag(sync=True)
    transitions = traitlets.List([dict(item) for item in TRANSITIONS]).tag(sync=True)

    def update(self, api: Any) -> None:
        """Read the container's state from ``api``."""
        self.state = state_of(api, self.container)
        self.description = describe(self.container, self.state)

    @traitlets.observe("container")
    def _renamed(self, _change: Any) -> None:
        self.refresh()
