"""``docker version``, ``docker info``, ``docker system prune`` and ``docker --version``."""

from __future__ import annotations

import datetime
from typing import Any

from grader.commands.model import Command
from grader.dockercli.session import Session
from grader.engine.errors import EngineError
from grader.render import units
from grader.render.formatter import FormatError
from grader.render.gotemplate import TemplateError, parse
from grader.render.tabwriter import align

CLIENT = {
    "Version": "28.2.2",
    "ApiVersion": "1.50",
    "DefaultAPIVersion": "1.50",
    "GitCommit": "e6534b4",
    "GoVersion": "go1.24.3",
    "Os": "linux",
    "Arch": "amd64",
    "BuildTime": "Fri May 30 12:07:14 2025",
    "Context": "default",
}
"""The Docker 28 client this CLI speaks for (the one on the course's machines)."""

_ENGINE_DETAILS = (
    ("Version", None),
    ("API version", "ApiVersion"),
    ("Go version", "GoVersion"),
    ("Git commit", "GitCommit"),
    ("Built", "BuildTime"),
    ("OS/Arch", None),
    ("Experimental", "Experimental"),
)


def _client(server: dict[str, Any] | None) -> dict[str, Any]:
    client = dict(CLIENT)
    if server and server.get("ApiVersion", "9") < client["ApiVersion"]:
        client["ApiVersion"] = server["ApiVersion"]
    return client


def version(cmd: Command, session: Session) -> int:
    """``docker version`` (``docker --version`` prints one line)."""
    if cmd.global_options.get("version"):
        from grader.commands.parser import DOCKER_VERSION

        session.out(DOCKER_VERSION + "\n")
        return 0
    try:
        server: dict[str, Any] | None = session.engine.version()
        failure = None
    except EngineError as error:
        server, failure = None, error
    fmt = cmd.option("format", "")
    data = {"Client": _client(server), "Server": server}
    if fmt:
        text = "{{json .}}" if fmt == "json" else fmt
        try:
            session.out(parse(text).execute(data) + "\n")
        except TemplateError as error:
            raise FormatError(f"template parsing error: {error}") from None
    else:
        session.out(_version_text(data))
    if failure is not None:
        raise failure
    return 0


def _version_text(data: dict[str, Any]) -> str:
    client = data["Client"]
    api = client["ApiVersion"]
    if api != client["DefaultAPIVersion"]:
        api += f" (downgraded from {client['DefaultAPIVersion']})"
    lines = [
        "Client:",
        f" Version:\t{client['Version']}",
        f" API version:\t{api}",
        f" Go version:\t{client['GoVersion']}",
        f" Git commit:\t{client['GitCommit']}",
        f" Built:\t{client['BuildTime']}",
        f" OS/Arch:\t{client['Os']}/{client['Arch']}",
        f" Context:\t{client['Context']}",
    ]
    server = data["Server"]
    if server:
        name = (server.get("Platform") or {}).get("Name", "")
        lines += ["", "Server:" + (f" {name}" if name else "")]
        for component in server.get("Components") or []:
            details = component.get("Details") or {}
            lines.append(f" {component.get('Name')}:")
            if component.get("Name") == "Engine":
                lines += [
                    f"  Version:\t{component.get('Version', '')}",
                    f"  API version:\t{details.get('ApiVersion', '')} (minimum version "
                    f"{details.get('MinAPIVersion', '')})",
                    f"  Go version:\t{details.get('GoVersion', '')}",
                    f"  Git commit:\t{details.get('GitCommit', '')}",
                    f"  Built:\t{_ansic(details.get('BuildTime', ''))}",
                    f"  OS/Arch:\t{details.get('Os', '')}/{details.get('Arch', '')}",
                    f"  Experimental:\t{details.get('Experimental', '')}",
                ]
            else:
                lines.append(f"  Version:\t{component.get('Version', '')}")
                lines += [f"  {key}:\t{details[key]}" for key in sorted(details)]
    return align("\n".join(lines) + "\n", minwidth=20, padding=1)


def _ansic(build_time: str) -> str:
    """The CLI shows an RFC 3339 build time in Go's ANSIC layout: "Thu May  7 21:09:36 2026"."""
    try:
        moment = datetime.datetime.fromtimestamp(units.parse_rfc3339(build_time), datetime.UTC)
    except ValueError:
        return build_time
    return f"{moment:%a %b} {moment.day:2d} {moment:%H:%M:%S %Y}"


def info(cmd: Command, session: Session) -> int:
    """``docker info``: the client block and the daemon's main facts, in Docker's layout."""
    data = session.engine.info()
    fmt = cmd.option("format", "")
    if fmt:
        text = "{{json .}}" if fmt == "json" else fmt
        try:
            session.out(parse(text).execute(data) + "\n")
        except TemplateError as error:
            raise FormatError(f"template parsing error: {error}") from None
        return 0
    lines = [
        "Client:",
        f" Version:    {CLIENT['Version']}",
        f" Context:    {CLIENT['Context']}",
        " Debug Mode: false",
        "",
        "Server:",
        f" Containers: {data.get('Containers', 0)}",
        f"  Running: {data.get('ContainersRunning', 0)}",
        f"  Paused: {data.get('ContainersPaused', 0)}",
        f"  Stopped: {data.get('ContainersStopped', 0)}",
        f" Images: {data.get('Images', 0)}",
        f" Server Version: {data.get('ServerVersion', '')}",
    ]
    for label, key in (
        ("Storage Driver", "Driver"),
        ("Logging Driver", "LoggingDriver"),
        ("Cgroup Driver", "CgroupDriver"),
        ("Cgroup Version", "CgroupVersion"),
        ("Kernel Version", "KernelVersion"),
        ("Operating System", "OperatingSystem"),
        ("OSType", "OSType"),
        ("Architecture", "Architecture"),
        ("CPUs", "NCPU"),
    ):
        if key in data:
            lines.append(f" {label}: {data[key]}")
    if "MemTotal" in data:
        lines.append(f" Total Memory: {_binary(data['MemTotal'])}")
    for label, key in (("Name", "Name"), ("ID", "ID"), ("Docker Root Dir", "DockerRootDir")):
        if key in data:
            lines.append(f" {label}: {data[key]}")
    lines += [
        " Debug Mode: false",
        f" Experimental: {str(data.get('ExperimentalBuild', False)).lower()}",
    ]
    session.out("\n".join(lines) + "\n\n")
    return 0


def _binary(size: float) -> str:
    names = ["B", "KiB", "MiB", "GiB", "TiB"]
    index = 0
    while size >= 1024 and index < len(names) - 1:
        size /= 1024
        index += 1
    return f"{units.go_format_g(size, 4)}{names[index]}"


def system_prune(cmd: Command, session: Session) -> int:
    """``docker system prune [-a] [--volumes] [-f]``."""
    from grader.dockercli.images import prune_images_text
    from grader.dockercli.lifecycle import confirm
    from grader.dockercli.listing import filters

    everything = bool(cmd.option("all"))
    items = ["all stopped containers", "all networks not used by at least one container"]
    if cmd.option("volumes"):
        items.append("all anonymous volumes not used by at least one container")
    items.append(
        "all images without at least one container associated to them"
        if everything
        else "all dangling images"
    )
    items.append("unused build cache" if everything else "unused build cache")
    question = "WARNING! This will remove:\n" + "".join(f"  - {i}\n" for i in items)
    if not cmd.option("force") and not confirm(
        session, question + "\nAre you sure you want to continue?"
    ):
        return 0
    wanted = filters(cmd) or None
    engine = session.engine
    reclaimed = 0
    report = engine.prune_containers(filters=wanted)
    reclaimed += report.get("SpaceReclaimed") or 0
    if report.get("ContainersDeleted"):
        session.out(
            "Deleted Containers:\n" + "".join(f"{c}\n" for c in report["ContainersDeleted"]) + "\n"
        )
    if cmd.option("volumes"):
        report = engine.prune_volumes(filters=wanted)
        reclaimed += report.get("SpaceReclaimed") or 0
        if report.get("VolumesDeleted"):
            session.out(
                "Deleted Volumes:\n" + "".join(f"{v}\n" for v in report["VolumesDeleted"]) + "\n"
            )
    report = engine.prune_networks(filters=wanted)
    if report.get("NetworksDeleted"):
        session.out(
            "Deleted Networks:\n" + "".join(f"{n}\n" for n in report["NetworksDeleted"]) + "\n"
        )
    image_filters = dict(wanted or {})
    image_filters.setdefault("dangling", ["false" if everything else "true"])
    report = engine.prune_images(filters=image_filters)
    reclaimed += report.get("SpaceReclaimed") or 0
    text = prune_images_text(dict(report, SpaceReclaimed=reclaimed))
    session.out(text)
    return 0
