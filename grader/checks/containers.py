"""Checks about containers: one container's name, image, state and ports, or none at all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from grader.checks.failure import fail
from grader.checks.progress import Evidence, passed, settle_absence
from grader.checks.refs import bindings, expected_ports, normalize_image
from grader.checks.state import (
    container_name,
    describe,
    describe_all,
    engine,
    find_container,
    list_containers,
)
from grader.engine.api import JSON, EngineAPI
from grader.engine.errors import EngineError

NOT_RUNNING_HINT = (
    "without -d, docker run holds the terminal until the container stops; "
    "docker start starts a stopped container again"
)


def container(
    name: str,
    *,
    image: str | None = None,
    running: bool | None = None,
    status: str | None = None,
    ports: Mapping[str | int, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    exists: bool = True,
    hint: str = "",
) -> JSON | None:
    """Check that a container called ``name`` exists and matches what the exercise asks.

    Args:
        name: the container's name (``--name``).
        exists: False checks instead that no container has this name (``docker rm``).
        image: the image it was created from ("nginx:latest"; "nginx" means the same).
        running: True for running, False for stopped (any state but running).
        status: an exact state: created, running, paused, restarting, exited, dead.
        ports: container port -> host port(s) that must be published, as docker-py
            writes them: ``{"80/tcp": [8080, 8081]}`` (``{80: 8080}`` is accepted).
        labels: labels the container must carry.
        hint: replaces the default hint of the first failure.

    Returns:
        The container's inspect JSON, for further checks (None when it must not exist).
    """
    api = engine()
    info = find_container(api, name)
    if settle_absence(
        info,
        exists,
        gone=f"no container named {name} is left",
        still=lambda: fail(
            f"the container {name} still exists ({_status(info or {})})",
            hint=hint
            or "docker rm removes a container; it refuses a running one unless you use -f",
        ),
        missing=lambda: fail(
            f"there is no container named {name!r}",
            found=describe_all(api),
            hint=hint or "--name gives a container its name; docker ps -a lists every container",
        ),
    ):
        return None
    if image is not None:
        _check_image(api, name, info, image, hint)
    state = info.get("State") or {}
    current = _status(info)
    if running and not state.get("Running") and state.get("Error"):
        raise fail(
            f"{name} exists but could not start",
            found=str(state["Error"]),
            hint=hint
            or "a host port can be published by one container or program at a time: "
            "docker ps shows which container holds it",
        )
    if ports is not None:
        _check_ports(api, name, info, ports, running, hint)
    if running is not None and bool(state.get("Running")) != running:
        raise fail(
            f"{name} is {current}" + (", not running" if running else ", but should be stopped"),
            found=f"state {current}, exit code {state.get('ExitCode', '?')}",
            hint=hint or (NOT_RUNNING_HINT if running else "docker stop stops a container"),
        )
    if status is not None and current != status:
        raise fail(
            f"{name} is {current}, not {status}",
            hint=hint or "docker ps -a shows each container's status",
        )
    if labels:
        have = (info.get("Config") or {}).get("Labels") or {}
        for key, value in labels.items():
            if have.get(key) != value:
                raise fail(
                    f"{name} has no label {key}={value}",
                    found=", ".join(f"{k}={v}" for k, v in have.items()) or "no labels",
                    hint=hint or "--label KEY=VALUE sets a label when the container is created",
                )
    details = [f"container {name} exists"]
    if image is not None:
        details.append(f"from {image}")
    if running is not None or status is not None:
        details.append(f"is {current}")
    if ports:
        details.append("publishes " + _describe_expected(expected_ports(ports)))
    passed(", ".join(details))
    return Evidence(info)


def _status(info: JSON) -> str:
    return str((info.get("State") or {}).get("Status", "unknown"))


def _check_image(api: EngineAPI, name: str, info: JSON, image: str, hint: str) -> None:
    """Fail unless the container was created from ``image`` (by reference or by id)."""
    typed = str((info.get("Config") or {}).get("Image", ""))
    if normalize_image(typed) == normalize_image(image):
        return
    try:
        wanted_id = api.inspect_image(image).get("Id")
    except EngineError:
        wanted_id = None
    if wanted_id and wanted_id == info.get("Image"):
        return
    raise fail(
        f"{name} was created from {typed or 'an unknown image'}, not {image}",
        found=f"image {typed}",
        hint=hint or "the image is the first argument after the options of docker run",
    )


def _describe_expected(wanted: dict[str, list[int]]) -> str:
    return ", ".join(
        f"host port {host} -> {port}" for port, hosts in wanted.items() for host in hosts
    )


def _check_ports(
    api: EngineAPI,
    name: str,
    info: JSON,
    ports: Mapping[str | int, Any],
    running: bool | None,
    hint: str,
) -> None:
    """Fail with an explanation for the first expected port binding that is missing."""
    have = bindings((info.get("HostConfig") or {}).get("PortBindings"))
    found = ", ".join(
        f"host port {host if host is not None else '(random)'} -> {port}" for host, port in have
    )
    for port, hosts in expected_ports(ports).items():
        for host in hosts:
            if (host, port) in have:
                continue
            problem, default_hint = _explain_missing(api, name, have, host, port)
            raise fail(
                problem,
                expected=f"host port {host} -> {port} in the container",
                found=found or "no published ports",
                hint=hint or default_hint,
            )
    state = info.get("State") or {}
    if running and not state.get("Running"):
        raise fail(
            f"{name} publishes {_describe_expected(expected_ports(ports))}, "
            f"but the container is not running ({state.get('Status', 'unknown')}): "
            "did you use -d?",
            hint=hint or NOT_RUNNING_HINT,
        )


def _explain_missing(
    api: EngineAPI, name: str, have: list[tuple[int | None, str]], host: int, port: str
) -> tuple[str, str]:
    """The problem sentence and hint for a host port that is not bound as expected."""
    form = "the form is -p HOST:CONTAINER"
    for bound_host, bound_port in have:
        if bound_host == host:
            return (
                f"port {host} is mapped to {bound_port} in the container, "
                f"but the exercise's server listens on {port}",
                form,
            )
    container_number = port.split("/")[0]
    for bound_host, bound_port in have:
        if str(bound_host) == container_number and bound_port.split("/")[0] == str(host):
            return (
                f"host port {bound_host} is mapped to {bound_port} in the container: "
                "host and container ports look swapped",
                form,
            )
    for other in list_containers(api):
        if container_name(other) == name:
            continue
        for published in other.get("Ports") or []:
            if published.get("PublicPort") == host:
                return (
                    f"host port {host} is published by another container, {describe(other)}",
                    "a host port can be published by one container at a time; "
                    "remove or stop the other one first",
                )
    return (
        f"host port {host} is not published by {name}",
        "-p HOST:CONTAINER publishes a container port on the host; "
        "ports can only be published when the container is created",
    )


def exit_code(name: str, answer: object, *, hint: str = "") -> int:
    """Check that ``answer`` is the exit code the engine recorded for container ``name``.

    Args:
        name: a container that has stopped.
        answer: the student's number (a literal such as ``exit_code = 127``).
        hint: replaces the default hint of the first failure.

    Returns:
        The recorded exit code.
    """
    if isinstance(answer, bool) or not isinstance(answer, int):
        raise fail(
            "the answer should be a whole number",
            found=repr(answer),
            hint=hint or "write the number itself, as in: exit_code = 42",
        )
    api = engine()
    info = find_container(api, name)
    if info is None:
        raise fail(
            f"there is no container named {name!r} any more",
            hint=hint or "run the exercise's reset cell again, and leave that container in place",
        )
    state = info.get("State") or {}
    if state.get("Running"):
        raise fail(f"{name} is still running: it has no exit code yet", hint=hint)
    if state.get("ExitCode") != answer:
        raise fail(
            f"{answer} is not the exit code the engine recorded for {name}",
            hint=hint
            or "docker ps -a shows it in the STATUS column; docker inspect has it in .State",
        )
    passed(f"{name} exited with code {answer}")
    return answer


def no_containers(*, running_only: bool = False, hint: str = "") -> None:
    """Check that no container exists (or, with ``running_only``, that none runs).

    On a real daemon only the course's containers count.
    """
    api = engine()
    left = [
        item for item in list_containers(api) if not running_only or item.get("State") == "running"
    ]
    if left:
        running = [item for item in left if item.get("State") == "running"]
        default_hint = (
            "docker rm refuses to remove a running container; -f stops and removes it"
            if running
            else "docker ps -a lists them; docker rm removes them"
        )
        raise fail(
            f"{len(left)} container{'s' if len(left) != 1 else ''} "
            f"{'still running' if running_only else 'still exist'}",
            found="\n".join(describe(item) for item in left),
            hint=hint or default_hint,
        )
    passed("no containers are running" if running_only else "no containers are left")


def ids(*names: str) -> list[str]:
    """The short IDs (12 hex digits) of the named containers, as ``docker ps -q`` prints.

    For checks on printed output: ``check.output(..., contains=check.ids("website"))``.
    Without names: every container the engine has, stopped ones too, in the order
    ``docker ps -a`` lists them (newest first): on a shared daemon that is more than the
    exercise's own, and a student's listing shows them all.
    """
    api = engine()
    if not names:
        return [str(info["Id"])[:12] for info in api.containers(all=True)]
    found = []
    for name in names:
        info = find_container(api, name)
        if info is None:
            raise fail(f"there is no container named {name!r}", found=describe_all(api))
        found.append(str(info["Id"])[:12])
    return found
