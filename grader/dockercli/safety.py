"""The grading rules applied to a docker command line, before the real CLI runs it.

The engines check the HostConfig they are asked to create
(:func:`grader.engine.safety.refuse_unsafe_host_config`); when the real ``docker`` CLI runs
a student's line instead, this module parses the line with Docker's grammar and applies the
same rule to the container it would create.
"""

from __future__ import annotations

import os

from grader.commands import DockerCLIError, parse_argv
from grader.commands.mounts import parse_mount
from grader.commands.volumes import parse_volume
from grader.engine.safety import grading_mode, refuse_unsafe_host_config

CONTAINER_COMMANDS = frozenset({"container run", "container create"})


def refuse_unsafe_argv(argv: list[str], *, grading: bool | None = None) -> None:
    """Raise :class:`GradingRefused` when a docker command line is unsafe while grading.

    ``argv`` is what follows ``docker``. Lines Docker's own grammar rejects are left to
    the CLI (it prints its own error); only ``run``/``create`` (any alias) can be unsafe.

    Raises:
        GradingRefused: With the reason, in words a student can act on.
    """
    if not (grading_mode() if grading is None else grading):
        return
    try:
        command = parse_argv(argv)
    except DockerCLIError:
        return
    if command.name not in CONTAINER_COMMANDS:
        return
    cwd = os.getcwd()
    binds = [parse_volume(volume) for volume in command.option("volume", [])]
    mounts = [parse_mount(mount) for mount in command.option("mount", [])]
    host_config = {
        "Privileged": bool(command.option("privileged", False)),
        "Mounts": [{"Type": spec.type, "Source": spec.host_source(cwd)} for spec in binds]
        + [{"Type": spec.type, "Source": spec.source} for spec in mounts],
    }
    refuse_unsafe_host_config(host_config, grading=True)
