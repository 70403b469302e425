"""Compare what a student typed with what an exercise names: image references and ports.

``nginx``, ``nginx:latest`` and ``docker.io/library/nginx:latest`` name the same image;
``-p 8080:80`` and ``-p 0.0.0.0:8080:80/tcp`` publish the same port. The texts are read
with Docker's own grammar (:mod:`grader.reference`, :mod:`grader.commands.ports`,
:mod:`grader.commands.volumes`); these functions only reduce its verdict to what the checks
compare.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from grader import reference
from grader.commands import ports, volumes
from grader.render.ports import host_port

ALL_INTERFACES = frozenset({"0.0.0.0", "::"})
"""Host addresses that mean "every interface", the same as giving none."""


def normalize_image(ref: str) -> str:
    """``nginx`` -> ``nginx:latest``; drops Docker Hub's implicit ``docker.io/library/``.

    A text Docker would refuse as a reference is returned as typed (stripped).
    """
    ref = ref.strip()
    try:
        return reference.parse_normalized_named(ref).familiar_string()
    except reference.ReferenceError:
        return ref


def port_key(port: str | int) -> str:
    """``80`` -> ``80/tcp``; ``53/udp`` stays."""
    text = str(port)
    return text if "/" in text else f"{text}/tcp"


def expected_ports(ports: Mapping[str | int, Any]) -> dict[str, list[int]]:
    """``{"80/tcp": [8080, 8081]}`` or ``{80: 8080}`` -> ``{"80/tcp": [8080, 8081]}``."""
    result: dict[str, list[int]] = {}
    for container_port, host in ports.items():
        hosts = host if isinstance(host, Iterable) and not isinstance(host, str) else [host]
        result[port_key(container_port)] = [int(item) for item in hosts]
    return result


def bindings(port_bindings: Mapping[str, Any] | None) -> list[tuple[int | None, str]]:
    """HostConfig.PortBindings -> [(host port or None when random, "80/tcp")]."""
    return [
        (host_port(host), port_key(container_port))
        for container_port, hosts in (port_bindings or {}).items()
        for host in hosts or [{}]
    ]


def parse_publish(spec: str) -> tuple[str, int | None, str]:
    """``[IP:]HOST:CONTAINER[/proto]`` -> (ip, host port or None, "80/tcp").

    The ip is "" for every interface; a container port range stays one key (``80-81/tcp``).
    A spec Docker refuses is kept whole as the key, so it only equals itself.
    """
    try:
        parsed = ports.parse_publish(spec)
    except ports.PortSpecError:
        return "", None, spec
    first, last = parsed[0], parsed[-1]
    ip = "" if first.host_ip in ALL_INTERFACES else first.host_ip
    container = str(first.container_port)
    if last.container_port != first.container_port:
        container += f"-{last.container_port}"
    port = int(first.host_port) if first.host_port.isdigit() else None
    return ip, port, f"{container}/{first.protocol}"


def parse_volume(spec: str) -> tuple[str, str, frozenset[str]]:
    """``SRC:DEST[:OPTS]`` -> (source, destination, options without the default ``rw``).

    A spec Docker refuses is kept whole as the destination, so it only equals itself.
    """
    try:
        parsed = volumes.parse_volume(spec)
    except volumes.VolumeSpecError:
        return "", spec, frozenset()
    return parsed.source, parsed.target, frozenset(parsed.options) - {"rw"}
