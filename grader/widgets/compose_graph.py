"""A Compose project's services as a graph, from the engine's live state.

Each service is a box (its container's state and health, published ports, volumes and
networks); an arrow goes from a service to each one it ``depends_on``, labelled with the
condition Compose waits for. Everything is read from the containers Compose created: the
``com.docker.compose.*`` labels (project, service, ``depends_on`` with its condition) and
their inspect data, so the picture is what ``docker compose up`` did, not what a file says.
"""

from __future__ import annotations

from typing import Any

import traitlets

from grader import LABEL
from grader.compose.project import PROJECT, SERVICE
from grader.widgets.base import LiveWidget, css, esm
from grader.widgets.ports import published

DEPENDS_ON = "com.docker.compose.depends_on"
"""The label where Compose writes ``service:condition:restart`` for each dependency."""

WAITS_FOR = {
    "service_started": "waits until it has started",
    "service_healthy": "waits until it is healthy",
    "service_completed_successfully": "waits until it has exited with 0",
}
"""What ``docker compose up`` waits for before starting a dependent service."""


def dependencies(label: str) -> list[dict[str, str]]:
    """The ``depends_on`` label as ``{"service", "condition"}`` entries."""
    found = []
    for entry in filter(None, label.split(",")):
        service, _, rest = entry.partition(":")
        condition = rest.partition(":")[0] or "service_started"
        found.append({"service": service, "condition": condition})
    return found


def _service(info: dict[str, Any]) -> dict[str, Any]:
    labels = (info.get("Config") or {}).get("Labels") or {}
    state = info.get("State") or {}
    return {
        "name": labels.get(SERVICE, ""),
        "container": str(info.get("Name", "")).lstrip("/"),
        "state": str(state.get("Status", "")),
        "health": str((state.get("Health") or {}).get("Status", "")),
        "ports": published(info),
        "volumes": [
            f"{entry.get('Name') or entry.get('Source')}:{entry.get('Destination')}"
            for entry in info.get("Mounts") or []
        ],
        "networks": sorted((info.get("NetworkSettings") or {}).get("Networks") or {}),
        "depends_on": dependencies(str(labels.get(DEPENDS_ON, ""))),
    }


def read_project(api: Any, project: str) -> list[dict[str, Any]]:
    """The project's services, in the order ``docker compose up`` starts them."""
    wanted = [f"{PROJECT}={project}", *([LABEL] if api.shared else [])]
    services = {}
    for summary in api.containers(all=True, filters={"label": wanted}):
        found = _service(api.inspect_container(summary["Id"]))
        services[found["name"]] = found
    for service in services.values():
        service["level"] = _level(services, service["name"], set())
    return sorted(services.values(), key=lambda s: (s["level"], s["name"]))


def _level(services: dict[str, dict[str, Any]], name: str, seen: set[str]) -> int:
    """How many dependencies deep ``name`` is (0: it waits for nobody)."""
    if name in seen or name not in services:
        return 0
    below = [_level(services, d["service"], seen | {name}) for d in services[name]["depends_on"]]
    return 1 + max(below) if below else 0


def _state(service: dict[str, Any]) -> str:
    return service["state"] + (f", {service['health']}" if service["health"] else "")


def describe(project: str, services: list[dict[str, Any]]) -> str:
    """The graph in words: each service, what it waits for, what it publishes and mounts."""
    if not services:
        return f"Project {project} has no containers (not started yet, or taken down)."
    sentences = [f"Project {project}, in start order:"]
    for service in services:
        parts = [f"service {service['name']} (container {service['container']}, {_state(service)})"]
        for dependency in service["depends_on"]:
            waits = WAITS_FOR.get(dependency["condition"], dependency["condition"])
            parts.append(f"depends on {dependency['service']}: {waits}")
        if service["ports"]:
            parts.append(f"publishes {', '.join(service['ports'])}")
        if service["volumes"]:
            parts.append(f"mounts {', '.join(service['volumes'])}")
        parts.append(f"networks {', '.join(service['networks']) or 'none'}")
        sentences.append("; ".join(parts) + ".")
    return " ".join(sentences)


class ComposeGraph(LiveWidget):
    """The services of one Compose project, linked by their ``depends_on``."""

    _esm = esm("compose_graph.js")
    _css = css("diagrams.css")
    project = traitlets.Unicode("").tag(sync=True)
    """The Compose project drawn (the ``name:`` of the file, or its folder's name)."""
    services: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)

    def update(self, api: Any) -> None:
        """Read the project's containers from ``api``."""
        self.services = read_project(api, self.project)
        self.description = describe(self.project, self.services)

    @traitlets.observe("project")
    def _renamed(self, _change: Any) -> None:
        self.refresh()
