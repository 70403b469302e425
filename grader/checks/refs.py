"""Compare what a student typed with what an exercise names: image references and ports.

``nginx``, ``nginx:latest`` and ``docker.io/library/nginx:latest`` name the same image;
``-p 8080:80`` and ``-p 0.0.0.0:8080:80/tcp`` publish the same port.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def normalize_image(ref: str) -> str:
    """``nginx`` -> ``nginx:latest``; drops Docker Hub's implicit ``docker.io/library/``."""
    ref = ref.strip()
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix) :]
            break
    if "@" in ref:
        return ref
    last = ref.rsplit("/", 1)[-1]
    return ref if ":" in last else f"{ref}:latest"


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
    pairs: list[tuple[int | None, str]] = []
    for container_port, hosts in (port_bindings or {}).items():
        for host in hosts or [{}]:
            text = str((host or {}).get("HostPort") or "")
            pairs.append((int(text) if text.isdigit() else None, port_key(container_port)))
    return pairs


def parse_publish(spec: str) -> tuple[str, int | None, str]:
    """``[IP:]HOST:CONTAINER[/proto]`` -> (ip, host port or None, "80/tcp").

    Ranges are kept as given in the container part; the course's exercises use single ports.
    """
    spec, _, proto = spec.partition("/")
    parts = spec.rsplit(":", 2)
    container = parts[-1]
    host = parts[-2] if len(parts) >= 2 else ""
    ip = parts[0] if len(parts) == 3 else ""
    if ip in {"0.0.0.0", "[::]", "::"}:
        ip = ""
    return ip, int(host) if host.isdigit() else None, f"{container}/{proto or 'tcp'}"


def parse_volume(spec: str) -> tuple[str, str, frozenset[str]]:
    """``SRC:DEST[:OPTS]`` -> (source, destination, options without the default ``rw``)."""
    parts = spec.split(":")
    if len(parts) == 1:
        return "", parts[0], frozenset()
    options = frozenset(parts[2].split(",")) - {"rw"} if len(parts) > 2 else frozenset()
    return parts[0], parts[1], options
