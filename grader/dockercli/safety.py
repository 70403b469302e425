"""The grading rules applied to a docker command line, before the real CLI runs it.

The engines check the HostConfig they are asked to create
(:func:`grader.engine.safety.refuse_unsafe_host_config`); when the real ``docker`` CLI runs
a student's line instead, this module parses the line with Docker's grammar and applies the
same rules to what it would create: containers (``run``/``create``), ``exec
--privileged``, local volumes binding a host folder, build contexts, services with such
mounts. ``swarm init``/``join`` and plugin installs are refused outright while grading (a
swarm manager or a plugin runs with the daemon's own rights).
"""

from __future__ import annotations

import os
from typing import Any

from grader.commands import Command, DockerCLIError, parse_argv
from grader.commands.mounts import MountSpecError, parse_mount, read_csv_record
from grader.commands.volumes import VolumeSpecError, parse_volume
from grader.engine.errors import GradingRefused
from grader.engine.safety import (
    grading_mode,
    refuse_unsafe_build,
    refuse_unsafe_exec,
    refuse_unsafe_host_config,
    refuse_unsafe_volume,
)

CONTAINER_COMMANDS = frozenset({"container run", "container create"})
REFUSED_COMMANDS = {
    "swarm init": "a swarm manager runs services with the daemon's own rights",
    "swarm join": "a swarm node runs services with the daemon's own rights",
    "plugin install": "a plugin runs with the daemon's own rights",
    "plugin create": "a plugin runs with the daemon's own rights",
    "plugin enable": "a plugin runs with the daemon's own rights",
    "plugin upgrade": "a plugin runs with the daemon's own rights",
}
"""Commands refused whatever their options while grading, and why."""


def refuse_unsafe_argv(argv: list[str], *, grading: bool | None = None) -> None:
    """Raise :class:`GradingRefused` when a docker command line is unsafe while grading.

    ``argv`` is what follows ``docker``. Lines Docker's own grammar rejects are left to
    the CLI (it prints its own error).

    Raises:
        GradingRefused: With the reason, in words a student can act on.
    """
    if not (grading_mode() if grading is None else grading):
        return
    try:
        command = parse_argv(argv)
    except DockerCLIError:
        return
    refuse_unsafe_command(command, grading=True)


def refuse_unsafe_command(command: Command, *, grading: bool | None = None) -> None:
    """:func:`refuse_unsafe_argv` for a command line already parsed.

    Raises:
        GradingRefused: With the reason, in words a student can act on.
    """
    if not (grading_mode() if grading is None else grading):
        return
    name = command.name
    if name in REFUSED_COMMANDS:
        raise GradingRefused(f"{name} is refused while grading: {REFUSED_COMMANDS[name]}")
    if name in CONTAINER_COMMANDS or name in {"service create", "service update"}:
        refuse_unsafe_host_config(_host_config(command), grading=True)
    elif name in {"container exec"}:
        refuse_unsafe_exec(bool(command.option("privileged", False)), grading=True)
    elif name == "volume create":
        refuse_unsafe_volume(_key_values(command.option("opt", [])), grading=True)
    elif name == "image build" and command.args:
        refuse_unsafe_build(command.args[0], grading=True)


def _key_values(items: list[str]) -> dict[str, str]:
    """``["o=bind", "device=/"]`` -> ``{"o": "bind", "device": "/"}``."""
    return dict(item.partition("=")[::2] for item in items)


def _host_config(command: Command) -> dict[str, Any]:
    """The HostConfig the line would send (the fields the grading rules look at)."""
    cwd = os.getcwd()
    mounts: list[dict[str, Any]] = []
    for volume in command.option("volume", []):
        try:
            spec = parse_volume(volume)
        except VolumeSpecError:
            continue
        mounts.append({"Type": spec.type, "Source": spec.host_source(cwd)})
    for text in command.option("mount", []) + command.option("mount-add", []):
        try:
            mount = parse_mount(text)
        except MountSpecError:
            continue
        fields = [item.partition("=") for item in read_csv_record(text)]
        options = _key_values([value for key, _, value in fields if key.lower() == "volume-opt"])
        mounts.append(
            {
                "Type": mount.type,
                "Source": mount.source,
                "VolumeOptions": {"DriverConfig": {"Options": options}},
            }
        )
    network = command.option("network", None)
    return {
        "Privileged": bool(command.option("privileged", False)),
        "PidMode": command.option("pid", ""),
        "IpcMode": command.option("ipc", ""),
        "UTSMode": command.option("uts", ""),
        "UsernsMode": command.option("userns", ""),
        "CgroupnsMode": command.option("cgroupns", ""),
        "NetworkMode": (network[0] if isinstance(network, list) and network else network) or "",
        "CapAdd": command.option("cap-add", []),
        "SecurityOpt": command.option("security-opt", []),
        "Devices": command.option("device", []),
        "DeviceCgroupRules": command.option("device-cgroup-rule", []),
        "DeviceRequests": [command.option("gpus")] if command.option("gpus", None) else [],
        "Mounts": mounts,
    }
