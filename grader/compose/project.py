"""A validated Compose file as a project: services, networks and volumes, as Compose names them.

Names: the project network ``<project>_default`` (and ``<project>_<key>`` for declared
ones), named volumes ``<project>_<key>``, containers ``<project>-<service>-1`` (or the
service's ``container_name``). Services start in ``depends_on`` order.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.compose.loader import ComposeError, Source
from grader.gotime import parse_duration

COMPOSE_VERSION = "2.39.1"
"""The Compose release Docker 28.3 ships (its ``com.docker.compose.version`` label)."""
PROJECT = "com.docker.compose.project"
SERVICE = "com.docker.compose.service"


@dataclass
class Dependency:
    """One ``depends_on`` entry."""

    service: str
    condition: str = "service_started"
    required: bool = True


@dataclass
class Service:
    """One service, with what its container is created from."""

    name: str
    image: str
    container_name: str
    command: list[str] | None = None
    entrypoint: list[str] | None = None
    environment: dict[str, str] = field(default_factory=dict)
    ports: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(host ip, host port, container port, protocol)."""
    mounts: list[dict[str, Any]] = field(default_factory=list)
    """Engine ``Mounts`` entries (``Type``, ``Source``, ``Target``, ``ReadOnly``)."""
    depends_on: list[Dependency] = field(default_factory=list)
    healthcheck: dict[str, Any] | None = None
    restart: str = ""
    networks: dict[str, list[str]] = field(default_factory=dict)
    """Compose network key -> extra aliases."""
    labels: dict[str, str] = field(default_factory=dict)
    working_dir: str | None = None
    user: str | None = None
    hostname: str | None = None
    init: bool = False
    """Run an init process as PID 1 (it forwards signals, so a stop is answered at once)."""
    stop_grace_period: int | None = None
    """Seconds a stop waits after SIGTERM before SIGKILL (the engine's default: 10)."""

    def config_hash(self) -> str:
        """A digest of what the container is made from (Compose's ``config-hash`` label)."""
        data = {key: value for key, value in vars(self).items() if key != "depends_on"}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class Project:
    """A Compose project ready to run."""

    name: str
    folder: Path
    config_file: Path
    services: dict[str, Service]
    networks: dict[str, dict[str, Any]]
    """Compose key -> {"name": engine name, "external": bool, "labels": {...}}."""
    volumes: dict[str, dict[str, Any]]
    """Compose key -> {"name": engine name, "external": bool, "labels": {...}}."""

    def order(self) -> list[str]:
        """Service names, each after the services it depends on (file order otherwise)."""
        placed: list[str] = []
        visiting: set[str] = set()

        def visit(name: str) -> None:
            if name in placed:
                return
            if name in visiting:
                raise ComposeError(f"dependency cycle detected: {' -> '.join([*visiting, name])}")
            visiting.add(name)
            for dependency in self.services[name].depends_on:
                visit(dependency.service)
            visiting.discard(name)
            placed.append(name)

        for name in self.services:
            visit(name)
        return placed

    def labels(self, **extra: str) -> dict[str, str]:
        """The labels Compose puts on what it creates for this project."""
        return {PROJECT: self.name, "com.docker.compose.version": COMPOSE_VERSION, **extra}


def _words(value: Any) -> list[str] | None:
    if value is None:
        return None
    return shlex.split(value) if isinstance(value, str) else [str(word) for word in value]


def _mapping(value: Any) -> dict[str, str]:
    """``environment`` / ``labels`` as a dict, from their list or mapping form."""
    if isinstance(value, dict):
        return {str(k): "" if v is None else _scalar(v) for k, v in value.items()}
    result = {}
    for item in value or []:
        key, _, rest = str(item).partition("=")
        result[key] = rest
    return result


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _ports(entries: list[Any]) -> list[tuple[str, str, str, str]]:
    result = []
    for entry in entries or []:
        if isinstance(entry, dict):
            result.append(
                (
                    entry.get("host_ip", ""),
                    str(entry.get("published", "")),
                    str(entry["target"]),
                    entry.get("protocol", "tcp"),
                )
            )
            continue
        text, _, protocol = str(entry).partition("/")
        parts = text.rsplit(":", 2) if text.count(":") >= 2 else text.split(":")
        host_ip = parts[0] if len(parts) == 3 else ""
        host_port = parts[-2] if len(parts) >= 2 else ""
        result.append((host_ip, host_port, parts[-1], protocol or "tcp"))
    return result


def _mounts(
    entries: list[Any], folder: Path, volumes: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    result = []
    for entry in entries or []:
        if isinstance(entry, dict):
            kind, source, target = (
                entry.get("type", "volume"),
                entry.get("source", ""),
                entry["target"],
            )
            read_only = bool(entry.get("read_only"))
        else:
            parts = str(entry).split(":")
            if len(parts) == 1:
                kind, source, target, read_only = "volume", "", parts[0], False
            else:
                source, target = parts[0], parts[1]
                read_only = len(parts) > 2 and "ro" in parts[2].split(",")
                kind = "bind" if source.startswith((".", "/", "~")) else "volume"
        if kind == "bind":
            source = os.path.normpath(folder / os.path.expanduser(source))
        elif source:
            source = volumes[source]["name"]
        result.append({"Type": kind, "Source": source, "Target": target, "ReadOnly": read_only})
    return result


def _nanoseconds(value: Any) -> int:
    return round(parse_duration(str(value)) * 1e9) if value not in (None, "") else 0


def _healthcheck(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if not value:
        return None
    if value.get("disable"):
        return {"Test": ["NONE"]}
    test = value.get("test")
    if isinstance(test, str):
        test = ["CMD-SHELL", test]
    check: dict[str, Any] = {"Test": list(test)} if test else {}
    for key, name in (
        ("interval", "Interval"),
        ("timeout", "Timeout"),
        ("start_period", "StartPeriod"),
        ("start_interval", "StartInterval"),
    ):
        if value.get(key) is not None:
            check[name] = _nanoseconds(value[key])
    if value.get("retries") is not None:
        check["Retries"] = int(value["retries"])
    return check


def _dependencies(value: Any) -> list[Dependency]:
    if isinstance(value, dict):
        return [
            Dependency(
                name,
                (spec or {}).get("condition", "service_started"),
                (spec or {}).get("required", True),
            )
            for name, spec in value.items()
        ]
    return [Dependency(name) for name in value or []]


def _objects(
    kind: str, declared: dict[str, Any], project: str, used: set[str]
) -> dict[str, dict[str, Any]]:
    """Networks or volumes: the declared ones (and the implicit default network)."""
    result: dict[str, dict[str, Any]] = {}
    for key, spec in declared.items():
        spec = spec or {}
        external = bool(spec.get("external"))
        name = spec.get("name") or (key if external else f"{project}_{key}")
        label = {f"com.docker.compose.{kind}": key}
        result[key] = {
            "name": name,
            "external": external,
            "labels": {**_mapping(spec.get("labels")), **label},
            "used": key in used,
        }
    return result


SUPPORTED = (
    "command container_name depends_on entrypoint environment healthcheck hostname image init "
    "labels networks ports restart stop_grace_period user volumes working_dir"
).split()
"""The service keys the course's Compose applies; others are refused, never ignored."""


def build(source: Source) -> Project:
    """The project of a file that passed :func:`grader.compose.validate.problems`.

    Raises:
        ComposeError: a service key the course's Compose does not apply (``build``,
            ``privileged``...): it says so rather than run something else.
    """
    data, name = source.data, source.name
    for key, spec in (data.get("services") or {}).items():
        other = sorted(k for k in spec if k not in SUPPORTED and not k.startswith("x-"))
        if other:
            raise ComposeError(
                f"services.{key}.{other[0]}: not supported by the course's Compose, which "
                f"applies only {', '.join(SUPPORTED)}"
            )
    declared_volumes = data.get("volumes") or {}
    volumes = _objects("volume", declared_volumes, name, set(declared_volumes))
    services_data = data.get("services") or {}
    used_networks = {
        network
        for spec in services_data.values()
        for network in (spec.get("networks") or ["default"])
    }
    declared_networks = dict(data.get("networks") or {})
    if "default" in used_networks:
        declared_networks.setdefault("default", None)
    networks = _objects("network", declared_networks, name, used_networks)
    services = {}
    for key, spec in services_data.items():
        attached = spec.get("networks") or ["default"]
        networks_of = (
            {net: list((attached[net] or {}).get("aliases") or []) for net in attached}
            if isinstance(attached, dict)
            else {net: [] for net in attached}
        )
        services[key] = Service(
            name=key,
            image=str(spec.get("image", "")),
            container_name=spec.get("container_name") or f"{name}-{key}-1",
            command=_words(spec.get("command")),
            entrypoint=_words(spec.get("entrypoint")),
            environment=_mapping(spec.get("environment")),
            ports=_ports(spec.get("ports")),
            mounts=_mounts(spec.get("volumes"), source.folder, volumes),
            depends_on=_dependencies(spec.get("depends_on")),
            healthcheck=_healthcheck(spec.get("healthcheck")),
            restart=str(spec.get("restart") or ""),
            networks=networks_of,
            labels=_mapping(spec.get("labels")),
            working_dir=spec.get("working_dir"),
            user=None if spec.get("user") is None else str(spec.get("user")),
            hostname=spec.get("hostname"),
            init=bool(spec.get("init")),
            stop_grace_period=(
                None
                if spec.get("stop_grace_period") is None
                else int(parse_duration(str(spec["stop_grace_period"])))
            ),
        )
    return Project(name, source.folder, source.path, services, networks, volumes)
