"""Checks for networks and Compose (notebook 08): state, reachability by name, Compose files.

Used as ``from grader.checks import networks as net``. Each check judges the engine's state
or the parsed Compose file, never the spelling: a network joined at ``run`` or through
``network connect``, an environment written as a list or a mapping, a port as ``"8080:80"``
or in the long form, all pass alike.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from pathlib import Path

from grader.checks.exercises import start as stamp
from grader.checks.failure import fail, missing
from grader.checks.progress import forget, passed
from grader.checks.refs import normalize_image
from grader.checks.reset import reset as reset_containers
from grader.checks.routes import attempts, command
from grader.checks.state import engine
from grader.compose import validate
from grader.compose.loader import ComposeError, load
from grader.compose.project import PROJECT, Project, build
from grader.engine.errors import EngineError, NotFound


def reset(
    exercise: str | None = None,
    *,
    networks: Iterable[str] = (),
    setup: str = "",
    volumes: bool = False,
    pull: Iterable[str] = (),
) -> None:
    """``check.reset`` that also removes the exercise's networks (and their containers)."""
    api = engine()
    for name in networks:
        try:
            found = api.inspect_network(name)
        except NotFound:
            continue
        attached = set(found.get("Containers") or {})
        attached |= {c["Id"] for c in api.containers(all=True, filters={"network": [name]})}
        for cid in attached:
            try:
                api.remove_container(cid, force=True)
            except EngineError as error:  # gone, or going, already: that is what we want
                if not isinstance(error, NotFound) and "in progress" not in error.explanation:
                    raise fail(
                        "the reset could not remove a container", found=error.explanation
                    ) from None
        try:
            api.remove_network(found["Id"])
        except EngineError as error:
            raise fail(
                f"the reset could not remove network {name}", found=error.explanation
            ) from None
    reset_containers(exercise, setup=setup, volumes=volumes, pull=pull)


def start(exercise: str) -> None:
    """Start ``exercise`` from the state the previous one left (nothing removed)."""
    stamp(exercise)
    forget()


def network(name: str, *, containers: Iterable[str] = ()) -> None:
    """Network ``name`` exists and is user-defined, and each of ``containers`` is on it."""
    api = engine()
    with missing(
        f"there is no network {name}", hint=f"create it with docker network create {name}"
    ):
        found = api.inspect_network(name)
    if found["Name"] in ("bridge", "host", "none"):
        raise fail(f"{name} is one of Docker's own networks", hint="create a network of your own")
    for container in containers:
        with missing(f"there is no container {container}"):
            attached = api.inspect_container(container)["NetworkSettings"]["Networks"]
        if name not in attached:
            raise fail(
                f"container {container} is not on network {name}",
                found=f"it is on: {', '.join(attached) or 'no network'}",
                hint=f"start it with --network {name}, or docker network connect {name} "
                f"{container}",
            )
    on = f", and {', '.join(containers)} {'is' if len(list(containers)) == 1 else 'are'} on it"
    passed(f"network {name} exists" + (on if containers else ""))


def reaches(client: str, server: str, *, contains: str = "Welcome to nginx") -> None:
    """From inside ``client``, ``wget http://SERVER`` gets the page (name resolution works)."""
    api = engine()
    with missing(f"there is no container {client}"):
        state = api.inspect_container(client)["State"]
    if not state["Running"]:
        raise fail(f"container {client} is not running", hint="it must keep running (-d)")
    code, out, err = api.exec_run(client, ["wget", "-q", "-O", "-", f"http://{server}"])
    text = (out + err).decode(errors="replace")
    if "bad address" in text:
        raise fail(
            f"{client} cannot resolve the name {server}",
            found=text.strip(),
            hint="names resolve only between containers on the same user-defined network; "
            "the default bridge has no DNS",
        )
    if code != 0 or contains not in text:
        raise fail(
            f"{client} found {server} but got no page from it",
            found=text.strip()[:200],
            hint=f"is {server} running nginx?",
        )
    passed(f"{client} reaches {server} by name")


def _project(path: str) -> Project:
    try:
        source = load(Path.cwd(), [path], None, {})
    except ComposeError as error:
        raise fail(f"{path} cannot be read", found=str(error)) from None
    problems = validate.problems(source.data, source.text)
    if problems:
        raise fail(f"{path} is not a valid Compose file", found=str(problems[0]))
    try:
        return build(source)
    except ComposeError as error:
        raise fail(f"{path} uses what the course's Compose cannot run", found=str(error)) from None


def compose_file(
    path: str,
    *,
    services: Iterable[str] = (),
    volume: tuple[str, str, str] | None = None,
    env: tuple[str, str, str] | None = None,
    healthy_dependency: tuple[str, str] | None = None,
    publishes: tuple[str, int, int] | None = None,
    project: str | None = None,
    images: dict[str, str] | None = None,
    commands: dict[str, str] | None = None,
    depends: tuple[str, str] | None = None,
    healthcheck: tuple[str, str, float] | None = None,
) -> None:
    """The Compose file is valid and says what the exercise asks.

    Args:
        path: the file.
        services: services it must define.
        volume: (service, named volume, path in the container) the service mounts.
        env: (service, variable, value) in the service's environment.
        healthy_dependency: (service, dependency): ``depends_on`` with
            ``condition: service_healthy``, and the dependency has a health check.
        publishes: (service, host port, container port).
        project: the project name the file gives (``name:``).
        images: service -> image (``busybox`` and ``busybox:latest`` alike).
        commands: service -> command line (a string or a list in the file alike).
        depends: (service, dependency) in any form of ``depends_on``.
        healthcheck: (service, test command line, interval in seconds); the test may be
            a string, ``CMD-SHELL`` or ``CMD`` form.
    """
    found = _project(path)
    passed(f"{path} is a valid Compose file")
    if project is not None and found.name != project and not _given_project(project):
        raise fail(
            f"the project is named {found.name}, not {project}",
            hint=f"add name: {project} at the top of the file",
        )
    for name in services:
        if name not in found.services:
            raise fail(f"{path} has no service {name}", found=", ".join(found.services))
    if services:
        passed(f"services: {', '.join(services)}")
    for service, image in (images or {}).items():
        have = found.services[service].image
        if normalize_image(have) != normalize_image(image):
            raise fail(f"service {service} runs {have}, not {image}")
        passed(f"{service} runs {image}")
    for service, line in (commands or {}).items():
        have_words = found.services[service].command
        if have_words != shlex.split(line):
            raise fail(
                f"service {service} does not run {line}",
                found=shlex.join(have_words) if have_words else "the image's own command",
            )
        passed(f"{service} runs {line}")
    if depends:
        service, dependency = depends
        if dependency not in {d.service for d in found.services[service].depends_on}:
            raise fail(f"{service} does not depend on {dependency}", hint="depends_on:")
        passed(f"{service} depends on {dependency}")
    if healthcheck:
        service, test_line, interval = healthcheck
        check_of = found.services[service].healthcheck or {}
        test = check_of.get("Test") or ["NONE"]
        words = shlex.split(" ".join(test[1:])) if test[0] == "CMD-SHELL" else test[1:]
        if words != shlex.split(test_line):
            raise fail(f"the health check of {service} does not run {test_line}")
        if check_of.get("Interval") != round(interval * 1e9):
            raise fail(f"the health check of {service} does not run every {interval:g}s")
        passed(f"{service}'s health check runs {test_line} every {interval:g}s")
    if volume:
        service, key, target = volume
        if key not in found.volumes:
            raise fail(f"no named volume {key} is declared", hint='add it under "volumes:"')
        mounts = found.services[volume[0]].mounts
        wanted = found.volumes[key]["name"]
        if not any(m["Source"] == wanted and m["Target"] == target for m in mounts):
            raise fail(f"service {service} does not mount volume {key} at {target}")
        passed(f"{service} keeps {target} in the named volume {key}")
    if env:
        service, variable, value = env
        setting = found.services[service].environment.get(variable)
        if setting != value:
            raise fail(
                f"service {service} does not set {variable}={value}",
                found=f"{variable}={setting}" if setting is not None else f"no {variable}",
            )
        passed(f"{service} gets {variable}={value}")
    if healthy_dependency:
        service, dependency = healthy_dependency
        wanted_condition = [
            d for d in found.services[service].depends_on if d.service == dependency
        ]
        if not wanted_condition or wanted_condition[0].condition != "service_healthy":
            raise fail(
                f"{service} does not wait for {dependency} to be healthy",
                hint="depends_on: with condition: service_healthy",
            )
        check_of = found.services[dependency].healthcheck or {}
        if not check_of.get("Test") or check_of["Test"][0] == "NONE":
            raise fail(f"{dependency} has no health check", hint="add a healthcheck: with a test")
        passed(f"{service} starts once {dependency} is healthy")
    if publishes:
        service, host, inside = publishes
        ports = found.services[service].ports
        if not any(p[1] == str(host) and p[2] == str(inside) for p in ports):
            raise fail(f"service {service} does not publish port {inside} on {host}")
        passed(f"{service} publishes {inside} on host port {host}")


def _given_project(name: str) -> bool:
    from grader.dockercli.compose import parse
    from grader.dockercli.session import CommandFailed

    try:
        return parse(command("compose").args).globals.get("project-name", [""])[-1] == name
    except (AssertionError, CommandFailed):
        return False


def compose_ran(verb: str, *, exercise: str, options: dict[str, object] | None = None) -> None:
    """The student's latest ``docker compose VERB`` of ``exercise`` worked, with ``options``.

    Options are compared by meaning (``-d`` and ``--detach`` alike); other words may vary.
    """
    from grader.dockercli.compose import parse
    from grader.dockercli.session import CommandFailed

    for latest in reversed(attempts(exercise)):
        if latest.command is None or latest.command.name != "compose":
            continue
        try:
            found = parse(latest.command.args)
        except CommandFailed:
            continue
        if found.command != verb:
            continue
        if latest.entry.exit_code != 0:
            raise fail(
                f"your docker compose {verb} failed (exit status {latest.entry.exit_code})",
                hint="read Compose's message under the cell, fix it and run the cell again",
            )
        for key, value in (options or {}).items():
            if found.options.get(key) != value:
                raise fail(
                    f"docker compose {verb} ran without its --{key} option",
                    hint=f"the exercise asks for docker compose {verb} --{key}",
                )
        shown = " ".join(f"--{key}" for key in options or {})
        passed(f"you ran docker compose {verb}" + (f" with {shown}" if shown else ""))
        return
    raise fail(
        f"no docker compose {verb} found in your answer",
        hint="write the command in the answer cell and run that cell",
    )


def compose_running(project: str, services: Iterable[str]) -> None:
    """The project's containers for ``services`` run, on the project's network."""
    api = engine()
    running = {
        (c.get("Labels") or {}).get("com.docker.compose.service")
        for c in api.containers(filters={"label": [f"{PROJECT}={project}"]})
    }
    missing = [name for name in services if name not in running]
    if missing:
        raise fail(
            f"no running container of project {project} for: {', '.join(missing)}",
            hint="run docker compose up -d in the folder of the file",
        )
    passed(f"project {project} runs {', '.join(services)}")


def compose_removed(project: str, *, volumes: Iterable[str] = ()) -> None:
    """Nothing of the project is left: containers, networks, and the named ``volumes``."""
    api = engine()
    label = {"label": [f"{PROJECT}={project}"]}
    left = [c["Names"][0].lstrip("/") for c in api.containers(all=True, filters=label)]
    left += [n["Name"] for n in api.networks(filters=label)]
    existing = {v["Name"] for v in api.volumes().get("Volumes") or []}
    left += [name for name in volumes if name in existing]
    if left:
        raise fail(
            f"project {project} is not all gone",
            found=", ".join(left),
            hint="docker compose down removes containers and networks; -v removes volumes too",
        )
    passed(f"project {project} is gone, volumes included")
