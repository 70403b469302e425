"""Host ports -> container ports, from the engine's live state.

Each published port is an arrow from a host port (what a browser on the host opens) to a
port of a container (where its server listens). Several host ports may point at one
container port; a stopped container keeps its mapping but nothing answers.
"""

from __future__ import annotations

from typing import Any

import traitlets

from grader import LABEL
from grader.render.ports import host_port
from grader.widgets.base import LiveWidget, esm


def read_mappings(api: Any) -> list[dict[str, Any]]:
    """Every published port of the course's containers, sorted by host port."""
    filters = {"label": [LABEL]} if api.shared else None
    mappings = []
    for summary in api.containers(all=True, filters=filters):
        info = api.inspect_container(summary["Id"])
        running = bool((info.get("State") or {}).get("Running"))
        bound = (info.get("HostConfig") or {}).get("PortBindings") or {}
        for container_port, hosts in bound.items():
            for host in hosts or [{}]:
                mappings.append(
                    {
                        "host_ip": str((host or {}).get("HostIp") or "0.0.0.0"),
                        "host_port": host_port(host) or 0,
                        "container": str(info.get("Name", "")).lstrip("/"),
                        "container_port": container_port,
                        "running": running,
                    }
                )
    return sorted(mappings, key=lambda item: (item["host_port"], item["container"]))


def published(info: dict[str, Any]) -> list[str]:
    """``host HOST -> PORT/proto`` for every published port of an inspected container."""
    bound = (info.get("HostConfig") or {}).get("PortBindings") or {}
    return [
        f"host {host_port(host) or 'random'} -> {container_port}"
        for container_port, hosts in sorted(bound.items())
        for host in hosts or [{}]
    ]


def describe(mappings: list[dict[str, Any]]) -> str:
    """The mappings in words."""
    if not mappings:
        return "No container publishes a port: nothing on the host reaches a container."
    parts = []
    for item in mappings:
        host = str(item["host_port"]) if item["host_port"] else "a random port"
        state = "running" if item["running"] else "not running, nothing answers"
        parts.append(
            f"host port {host} -> {item['container']} port {item['container_port']} ({state})"
        )
    return "Published ports: " + "; ".join(parts) + "."


class PortMap(LiveWidget):
    """The port-mapping diagram, refreshed after each ``%%docker`` cell."""

    _esm = esm("ports.js")
    mappings: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)

    def update(self, api: Any) -> None:
        """Read the published ports from ``api``."""
        self.mappings = read_mappings(api)
        self.description = describe(self.mappings)
