"""``up``, ``down``, ``ps`` of a Compose project over the Engine API, reporting Compose's events.

Each step reports an :class:`Event` as Compose v2 names it (``Network demo_default``
``Creating`` then ``Created``; ``Container demo-web-1`` ``Starting`` then ``Started``);
the command line (:mod:`grader.dockercli.compose`) prints them plain or as the terminal
display. What is created carries Compose's labels, so ``down`` and ``ps`` find the
project's objects by label as Compose does, on the sandbox and on a real daemon alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grader.compose.loader import ComposeError
from grader.compose.project import PROJECT, SERVICE, Project, Service
from grader.engine.api import JSON, EngineAPI
from grader.engine.errors import EngineError, ImageNotFound, NotFound

HEALTH_WAIT = 300.0
"""Seconds ``up`` waits for a dependency to become healthy before giving up."""
POLL = 0.5


@dataclass(frozen=True)
class Event:
    """One line of Compose's progress: ``Container demo-web-1`` ``Started``."""

    resource: str
    status: str
    done: bool


Report = Callable[[Event], None]


def _container_resource(name: str) -> str:
    return f"Container {name}"


def project_containers(engine: EngineAPI, project: str, all_: bool = True) -> list[JSON]:
    """The project's containers (by Compose's project label), sorted by service and name."""
    found = engine.containers(all=all_, filters={"label": [f"{PROJECT}={project}"]})
    return sorted(found, key=lambda c: ((c.get("Labels") or {}).get(SERVICE, ""), c["Names"][0]))


def _ensure_networks(engine: EngineAPI, project: Project, report: Report) -> None:
    existing = {net["Name"] for net in engine.networks()}
    for spec in project.networks.values():
        if not spec["used"] or spec["external"] or spec["name"] in existing:
            if spec["external"] and spec["name"] not in existing:
                raise ComposeError(
                    f"network {spec['name']} declared as external, but could not be found"
                )
            continue
        resource = f"Network {spec['name']}"
        report(Event(resource, "Creating", False))
        engine.create_network(
            spec["name"], driver="bridge", labels=project.labels(**spec["labels"])
        )
        report(Event(resource, "Created", True))


def _ensure_volumes(engine: EngineAPI, project: Project, report: Report) -> None:
    existing = {v["Name"] for v in engine.volumes().get("Volumes") or []}
    for spec in project.volumes.values():
        if spec["external"] or spec["name"] in existing:
            if spec["external"] and spec["name"] not in existing:
                raise ComposeError(f'external volume "{spec["name"]}" not found')
            continue
        resource = f'Volume "{spec["name"]}"'
        report(Event(resource, "Creating", False))
        engine.create_volume(spec["name"], driver="local", labels=project.labels(**spec["labels"]))
        report(Event(resource, "Created", True))


def _create_kwargs(engine: EngineAPI, project: Project, service: Service) -> dict[str, Any]:
    networks = list(service.networks)
    first = project.networks[networks[0]]["name"]
    bindings: dict[str, list[tuple[str, str]]] = {}
    for host_ip, host_port, port, protocol in service.ports:
        bindings.setdefault(f"{port}/{protocol}", []).append((host_ip, host_port))
    host: dict[str, Any] = {
        "port_bindings": bindings,
        "mounts": service.mounts or None,
        "network_mode": first,
        "init": service.init or None,
    }
    name, _, count = (service.restart or "no").partition(":")
    host["restart_policy"] = {"Name": name, "MaximumRetryCount": int(count or 0)}
    labels = {
        **service.labels,
        **project.labels(),
        SERVICE: service.name,
        "com.docker.compose.container-number": "1",
        "com.docker.compose.oneoff": "False",
        "com.docker.compose.config-hash": service.config_hash(),
        "com.docker.compose.project.working_dir": str(project.folder),
        "com.docker.compose.project.config_files": str(project.config_file),
        "com.docker.compose.image": service.image,
        "com.docker.compose.depends_on": ",".join(
            f"{d.service}:{d.condition}:false" for d in service.depends_on
        ),
    }
    aliases = [service.container_name, service.name, *service.networks[networks[0]]]
    kwargs: dict[str, Any] = {
        "name": service.container_name,
        "labels": labels,
        "environment": [f"{key}={value}" for key, value in service.environment.items()] or None,
        "ports": sorted({(int(port), protocol) for _, _, port, protocol in service.ports}) or None,
        "host_config": engine.create_host_config(
            **{k: v for k, v in host.items() if v is not None}
        ),
        "networking_config": {"EndpointsConfig": {first: {"Aliases": aliases}}},
        "healthcheck": service.healthcheck,
        "working_dir": service.working_dir,
        "user": service.user,
        "hostname": service.hostname,
        "entrypoint": service.entrypoint,
        "stop_timeout": service.stop_grace_period,
        "detach": True,
    }
    return {key: value for key, value in kwargs.items() if value is not None}


def _create(
    engine: EngineAPI, project: Project, service: Service, pull: Callable[[str], None]
) -> str:
    kwargs = _create_kwargs(engine, project, service)
    try:
        created = engine.create_container(service.image, service.command, **kwargs)
    except ImageNotFound:
        pull(service.image)
        created = engine.create_container(service.image, service.command, **kwargs)
    for key in list(service.networks)[1:]:
        aliases = [service.container_name, service.name, *service.networks[key]]
        engine.connect_container_to_network(
            created["Id"], project.networks[key]["name"], aliases=aliases
        )
    return created["Id"]


def _wait_healthy(engine: EngineAPI, name: str, condition: str, report: Report) -> None:
    """Wait for a dependency as ``condition`` asks (Compose's Waiting / Healthy events)."""
    resource = _container_resource(name)
    report(Event(resource, "Waiting", False))
    deadline = time.time() + HEALTH_WAIT
    while True:
        state = engine.inspect_container(name)["State"]
        if condition == "service_completed_successfully":
            if not state["Running"]:
                if state["ExitCode"] != 0:
                    raise ComposeError(
                        f'service "{name}" didn\'t complete successfully: exit {state["ExitCode"]}'
                    )
                report(Event(resource, "Exited", True))
                return
        else:
            health = state.get("Health")
            if health is None:
                raise ComposeError(
                    f"dependency failed to start: container {name} has no healthcheck configured"
                )
            if health["Status"] == "healthy":
                report(Event(resource, "Healthy", True))
                return
            if health["Status"] == "unhealthy" or not state["Running"]:
                report(Event(resource, "Error", True))
                raise ComposeError(f"dependency failed to start: container {name} is unhealthy")
        if time.time() > deadline:
            raise ComposeError(f"dependency failed to start: container {name} is unhealthy")
        time.sleep(POLL)


def up(
    engine: EngineAPI,
    project: Project,
    report: Report,
    pull: Callable[[str], None],
    services: list[str] | None = None,
) -> None:
    """``docker compose up -d``: networks, volumes, containers in order, then start them.

    Raises:
        ComposeError: a dependency that never becomes healthy, an unknown service.
    """
    for name in services or []:
        if name not in project.services:
            raise ComposeError(f"no such service: {name}")
    order = [
        name
        for name in project.order()
        if not services or name in _with_dependencies(project, services)
    ]
    _ensure_networks(engine, project, report)
    _ensure_volumes(engine, project, report)
    existing = {c["Names"][0].lstrip("/"): c for c in project_containers(engine, project.name)}
    to_start = []
    for name in order:
        service = project.services[name]
        resource = _container_resource(service.container_name)
        current = existing.get(service.container_name)
        if (
            current
            and (current.get("Labels") or {}).get("com.docker.compose.config-hash")
            == service.config_hash()
        ):
            if current["State"] == "running":
                report(Event(resource, "Running", True))
            else:
                to_start.append(service)
            continue
        if current:
            report(Event(resource, "Recreate", False))
            engine.remove_container(current["Id"], force=True)
            _create(engine, project, service, pull)
            report(Event(resource, "Recreated", True))
        else:
            report(Event(resource, "Creating", False))
            _create(engine, project, service, pull)
            report(Event(resource, "Created", True))
        to_start.append(service)
    for service in to_start:
        for dependency in service.depends_on:
            if dependency.condition != "service_started":
                target = project.services[dependency.service].container_name
                _wait_healthy(engine, target, dependency.condition, report)
        resource = _container_resource(service.container_name)
        report(Event(resource, "Starting", False))
        engine.start(service.container_name)
        report(Event(resource, "Started", True))


def _with_dependencies(project: Project, names: list[str]) -> set[str]:
    wanted: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted.add(name)
            pending += [d.service for d in project.services[name].depends_on]
    return wanted


def _grace(project: Project | None, container: JSON) -> int:
    """Seconds a stop waits for the container: its service's ``stop_grace_period``, or 10."""
    service = (
        project.services.get((container.get("Labels") or {}).get(SERVICE, "")) if project else None
    )
    grace = service.stop_grace_period if service else None
    return 10 if grace is None else grace


def down(
    engine: EngineAPI,
    name: str,
    report: Report,
    project: Project | None,
    volumes: bool = False,
) -> bool:
    """``docker compose down [-v]``: containers (dependents first), networks, volumes.

    Returns whether anything was found to remove.
    """
    containers = project_containers(engine, name)
    order = project.order() if project else []
    rank = {service: index for index, service in enumerate(order)}
    containers.sort(key=lambda c: -rank.get((c.get("Labels") or {}).get(SERVICE, ""), -1))
    for container in containers:
        resource = _container_resource(container["Names"][0].lstrip("/"))
        if container["State"] in ("running", "restarting", "paused"):
            report(Event(resource, "Stopping", False))
            engine.stop(container["Id"], timeout=_grace(project, container))
            report(Event(resource, "Stopped", True))
        report(Event(resource, "Removing", False))
        try:
            engine.remove_container(container["Id"], force=True)
        except EngineError as error:  # another client removed it meanwhile: the end is reached
            if not isinstance(error, NotFound) and "already in progress" not in str(error):
                raise
        report(Event(resource, "Removed", True))
    found = bool(containers)
    # By name: dockerd lists networks (and volumes) in Go's random map order.
    networks = engine.networks(filters={"label": [f"{PROJECT}={name}"]})
    for net in sorted(networks, key=lambda net: net["Name"]):
        resource = f"Network {net['Name']}"
        report(Event(resource, "Removing", False))
        engine.remove_network(net["Id"])
        report(Event(resource, "Removed", True))
        found = True
    if volumes:
        listed = engine.volumes(filters={"label": [f"{PROJECT}={name}"]}).get("Volumes") or []
        for volume in sorted(listed, key=lambda volume: volume["Name"]):
            resource = f"Volume {volume['Name']}"
            report(Event(resource, "Removing", False))
            try:
                engine.remove_volume(volume["Name"], force=True)
            except NotFound:
                continue
            report(Event(resource, "Removed", True))
            found = True
    return found
