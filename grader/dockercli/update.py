"""``docker update``: change running containers' resource limits and restart policy.

The request is the CLI's: only the flags given, as HostConfig numbers (``-m 1g`` as bytes,
``--cpus 1.5`` as nanoCPUs), the restart policy as ``{Name, MaximumRetryCount}``. Each
container updated prints its name; the daemon's warnings, then its refusals, come at the end.
"""

from __future__ import annotations

from typing import Any

from grader.commands.model import Command
from grader.commands.sizes import ram_in_bytes
from grader.commands.values import parse_cpus
from grader.dockercli.session import CommandFailed, Session, daemon_text
from grader.engine.errors import EngineError

LIMITS = {
    "blkio-weight": "blkio_weight",
    "cpu-period": "cpu_period",
    "cpu-quota": "cpu_quota",
    "cpu-shares": "cpu_shares",
    "cpuset-cpus": "cpuset_cpus",
    "cpuset-mems": "cpuset_mems",
    "pids-limit": "pids_limit",
}
"""Flags passed on as typed -> the engine's keyword."""
SIZES = {"memory": "mem_limit", "memory-reservation": "mem_reservation"}


def update_arguments(cmd: Command) -> dict[str, Any]:
    """The engine's keywords for the flags given (zero values are "not given", as in Go)."""
    kwargs: dict[str, Any] = {LIMITS[flag]: cmd.option(flag) for flag in LIMITS}
    for flag, keyword in SIZES.items():
        if cmd.option(flag):
            kwargs[keyword] = ram_in_bytes(str(cmd.option(flag)))
    swap = cmd.option("memory-swap")
    if swap:
        kwargs["memswap_limit"] = -1 if swap == "-1" else ram_in_bytes(str(swap))
    if cmd.option("cpus"):
        kwargs["nano_cpus"] = round(parse_cpus(str(cmd.option("cpus"))) * 1e9)
    if cmd.option("restart"):
        name, _, count = str(cmd.option("restart")).partition(":")
        kwargs["restart_policy"] = {"Name": name, "MaximumRetryCount": int(count or 0)}
    return {key: value for key, value in kwargs.items() if value not in (None, 0, "")}


def update(cmd: Command, session: Session) -> int:
    """``docker update [OPTIONS] CONTAINER...``."""
    kwargs = update_arguments(cmd)
    errors: list[str] = []
    warnings: list[str] = []
    for container in cmd.args:
        try:
            answer = session.engine.update_container(container, **kwargs)
        except EngineError as error:
            errors.append(daemon_text(error))
            continue
        warnings += answer.get("Warnings") or []
        session.out(f"{container}\n")
    if warnings:
        session.out("\n".join(warnings) + "\n")
    if errors:
        raise CommandFailed("\n".join(errors))
    return 0
