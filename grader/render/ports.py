"""The PORTS column: Docker's ``DisplayablePorts`` over a container's port list.

Published ports read ``0.0.0.0:8080->80/tcp, [::]:8080->80/tcp``; unpublished exposed ports
read ``80/tcp``; consecutive ports with the same address and protocol collapse into ranges
(``0.0.0.0:8000-8002->8000-8002/tcp``, ``8000-8002/tcp``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def host_port(binding: Mapping[str, Any] | None) -> int | None:
    """One HostConfig.PortBindings entry's host port, None when Docker picks a random one."""
    text = str((binding or {}).get("HostPort") or "")
    return int(text) if text.isdigit() else None


def _join_host_port(ip: str, port: str) -> str:
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def _form_group(key: str, first: int, last: int) -> str:
    ip, _, proto = key.rpartition("/")
    group = str(first) if first == last else f"{first}-{last}"
    if ip:
        group = f"{_join_host_port(ip, group)}->{group}"
    return f"{group}/{proto}"


def displayable_ports(ports: list[dict[str, Any]]) -> str:
    """Render a ``Ports`` list ({IP, PrivatePort, PublicPort, Type}) like ``docker ps``."""
    ordered = sorted(
        ports,
        key=lambda p: (
            p.get("PrivatePort", 0),
            p.get("IP", ""),
            p.get("PublicPort", 0),
            p.get("Type", ""),
        ),
    )
    groups: dict[str, list[int]] = {}
    result: list[str] = []
    mappings: list[str] = []
    for port in ordered:
        current = int(port.get("PrivatePort", 0))
        proto = port.get("Type", "tcp")
        key = proto
        ip = port.get("IP") or ""
        if ip:
            public = int(port.get("PublicPort") or 0)
            if public != current:
                host = _join_host_port(ip, str(public))
                mappings.append(f"{host}->{current}/{proto}")
                continue
            key = f"{ip}/{proto}"
        group = groups.get(key)
        if group is None:
            groups[key] = [current, current]
            continue
        if current == group[1] + 1:
            group[1] = current
            continue
        result.append(_form_group(key, group[0], group[1]))
        groups[key] = [current, current]
    result.extend(_form_group(key, first, last) for key, (first, last) in groups.items())
    result.extend(mappings)
    return ", ".join(result)
