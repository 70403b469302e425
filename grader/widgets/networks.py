"""Containers on their networks, with the names they answer to, from the engine's live state.

Each network is a box holding its containers, each with its address there and, on a
user-defined network, the DNS names Docker's embedded server answers for it (its name, its
``--network-alias`` aliases, its short id). The default ``bridge`` gives addresses but no
names. Published ports say what the host reaches. Who reaches whom follows from it: two
running containers on a shared user-defined network reach each other by name; on the
default bridge only by address; with no network in common, not at all.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import traitlets

from grader import LABEL
from grader.widgets.base import LiveWidget, css, esm
from grader.widgets.ports import published

DEFAULT_BRIDGE = "bridge"
"""The network a container joins when ``docker run`` names none: no name resolution."""

NO_NETWORK = ("host", "none")
"""Docker's networks that give a container no address of its own on a bridge."""


def dns_names(info: dict[str, Any], network: str, endpoint: dict[str, Any]) -> list[str]:
    """The names that resolve to the container on ``network`` (none on the default bridge).

    Docker 28 lists them as the endpoint's ``DNSNames``; older daemons only give ``Aliases``
    (which already carry the short id), so the name is put first.
    """
    if network == DEFAULT_BRIDGE or network in NO_NETWORK:
        return []
    listed = endpoint.get("DNSNames")
    if listed:
        return [str(name) for name in listed]
    name = str(info.get("Name", "")).lstrip("/")
    names = [name, *(str(alias) for alias in endpoint.get("Aliases") or []), info["Id"][:12]]
    return list(dict.fromkeys(names))


def read_networks(api: Any) -> dict[str, Any]:
    """The course's networks with their containers, and which container reaches which."""
    filters = {"label": [LABEL]} if api.shared else None
    networks: dict[str, dict[str, Any]] = {}
    for found in api.networks(filters=filters):
        if found["Name"] not in NO_NETWORK:
            networks[found["Name"]] = _network(found["Name"])
    containers: list[dict[str, Any]] = []
    for summary in api.containers(all=True, filters=filters):
        info = api.inspect_container(summary["Id"])
        name = str(info.get("Name", "")).lstrip("/")
        running = bool((info.get("State") or {}).get("Running"))
        attached = (info.get("NetworkSettings") or {}).get("Networks") or {}
        containers.append(
            {"name": name, "running": running, "ports": published(info), "networks": []}
        )
        for network, endpoint in sorted(attached.items()):
            members = networks.setdefault(network, _network(network))["containers"]
            members.append(
                {
                    "name": name,
                    "running": running,
                    "ip": str((endpoint or {}).get("IPAddress") or ""),
                    "dns": dns_names(info, network, endpoint or {}),
                }
            )
            containers[-1]["networks"].append(network)
    if not networks.get(DEFAULT_BRIDGE, {}).get("containers"):
        networks.pop(DEFAULT_BRIDGE, None)  # shown only when one of the course's is on it
    containers.sort(key=lambda c: c["name"])
    for network in networks.values():
        network["containers"].sort(key=lambda member: member["name"])
    ordered = sorted(networks.values(), key=lambda n: (n["name"] != DEFAULT_BRIDGE, n["name"]))
    return {"networks": ordered, "containers": containers, "reach": reachability(containers)}


def _network(name: str) -> dict[str, Any]:
    kind = (
        "default bridge"
        if name == DEFAULT_BRIDGE
        else ("no network" if name in NO_NETWORK else "user-defined")
    )
    return {"name": name, "kind": kind, "dns": kind == "user-defined", "containers": []}


def reachability(containers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For every pair of running containers: by name, by address only, or not at all."""
    running = [c for c in containers if c["running"]]
    pairs = []
    for first, second in combinations(running, 2):
        common = sorted(set(first["networks"]) & set(second["networks"]) - set(NO_NETWORK))
        named = [n for n in common if n != DEFAULT_BRIDGE]
        how = "by name" if named else ("by address only" if common else "no")
        pairs.append({"a": first["name"], "b": second["name"], "how": how, "via": common})
    return pairs


def describe(picture: dict[str, Any]) -> str:
    """The networks, their containers' names and addresses, the ports, who reaches whom."""
    if not picture["containers"] and not picture["networks"]:
        return "No networks of yours and no containers."
    sentences = []
    for network in picture["networks"]:
        members = []
        for member in network["containers"]:
            state = "" if member["running"] else ", stopped"
            where = member["ip"] or "no address"
            names = f", resolves as {', '.join(member['dns'])}" if member["dns"] else ""
            members.append(f"{member['name']} ({where}{state}{names})")
        resolution = "names resolve" if network["dns"] else "no name resolution"
        listed = "; ".join(members) or "no containers"
        sentences.append(f"Network {network['name']} ({network['kind']}, {resolution}): {listed}.")
    ports = [f"{c['name']} {', '.join(c['ports'])}" for c in picture["containers"] if c["ports"]]
    sentences.append(
        "Published ports: " + "; ".join(ports) + "." if ports else "No published ports."
    )
    for pair in picture["reach"]:
        if pair["how"] == "by name":
            sentences.append(f"{pair['a']} and {pair['b']} reach each other by name.")
        elif pair["how"] == "by address only":
            sentences.append(f"{pair['a']} and {pair['b']} reach each other by address only.")
        else:
            sentences.append(f"{pair['a']} and {pair['b']} share no network: no way through.")
    return " ".join(sentences)


class NetworkDiagram(LiveWidget):
    """Networks, their containers with addresses and DNS names, ports, and who reaches whom."""

    _esm = esm("networks.js")
    _css = css("diagrams.css")
    picture: traitlets.Dict[str, Any] = traitlets.Dict(
        {"networks": [], "containers": [], "reach": []}
    ).tag(sync=True)

    def update(self, api: Any) -> None:
        """Read networks and containers from ``api``."""
        self.picture = read_networks(api)
        self.description = describe(self.picture)
