"""Checks Docker's CLI makes after parsing flags but before it contacts the daemon.

Flag syntax is the parser's job; these are the checks in each command's ``RunE`` that need no
daemon: ``-p`` specs, ``-v`` specs, restart policies and the image reference of run/create,
references of pull/push/tag/commit, ``inspect --type``, ``cp`` directions. Each raises
:class:`DockerCLIError` with the text and exit code Docker 28 uses for that command (run and
create wrap most errors as ``docker: ...`` + a help hint with exit 125; others print the bare
error with exit 1).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from grader.commands import ports, reference, restart, volumes
from grader.commands.model import Command, DockerCLIError
from grader.commands.values import go_quote, parse_duration

INSPECT_TYPES = (
    "config", "container", "image", "network", "node", "plugin", "secret", "service", "task",
    "volume",
)  # fmt: skip
PULL_POLICIES = ("always", "missing", "never")
_HEALTH_FLAGS = (
    "health-cmd", "health-interval", "health-timeout", "health-retries", "health-start-period",
    "health-start-interval",
)  # fmt: skip
_MAC = r"[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}"


class _Refused(Exception):
    """A container-options problem, before it is worded for run or create."""


def _container_config(cmd: Command) -> None:
    """The CLI's ``parse()`` of run/create options, in Docker's order."""
    mac = cmd.option("mac-address", "")
    if mac and not re.fullmatch(_MAC, mac):
        raise _Refused(f"{mac} is not a valid mac address")
    swappiness = cmd.option("memory-swappiness", -1)
    if swappiness != -1 and not 0 <= swappiness <= 100:
        raise _Refused(f"invalid value: {swappiness}. Valid memory swappiness range is 0-100")
    try:
        for spec in cmd.option("volume", []):
            volumes.parse_volume(spec)
        for spec in cmd.option("publish", []):
            ports.parse_publish(spec)
        for spec in cmd.option("expose", []):
            ports.parse_expose(spec)
    except (volumes.VolumeSpecError, ports.PortSpecError) as exc:
        raise _Refused(str(exc)) from None
    _namespace_modes(cmd)
    try:
        policy, _ = restart.parse_restart_policy(cmd.option("restart", ""))
    except restart.RestartPolicyError as exc:
        raise _Refused(str(exc)) from None
    if cmd.option("log-driver") == "none" and cmd.option("log-opt"):
        raise _Refused("invalid logging opts for driver none")
    for option in cmd.option("security-opt", []):
        key, sep, value = option.partition("=")
        if not sep and key != "no-new-privileges":
            key, sep, value = option.partition(":")
        if (not sep or not value) and key != "no-new-privileges":
            raise _Refused(f"Invalid --security-opt: {go_quote(option)}")
    for option in cmd.option("storage-opt", []):
        if "=" not in option:
            raise _Refused("invalid storage option")
    health = [name for name in _HEALTH_FLAGS if cmd.option(name)]
    if cmd.option("no-healthcheck") and health:
        raise _Refused("--no-healthcheck conflicts with --health-* options")
    for name in ("interval", "timeout", "start-period", "start-interval"):
        value = cmd.option(f"health-{name}")
        if value is not None and parse_duration(value) < 0:
            raise _Refused(f"--health-{name} cannot be negative")
    if cmd.option("health-retries", 0) < 0:
        raise _Refused("--health-retries cannot be negative")
    if cmd.option("rm") and policy not in {"", "no"}:
        raise _Refused("conflicting options: cannot specify both --restart and --rm")


def _namespace_modes(cmd: Command) -> None:
    pid = cmd.option("pid", "")
    if not (pid in {"", "host"} or (pid.startswith("container:") and pid != "container:")):
        raise _Refused("--pid: invalid PID mode")
    if cmd.option("uts", "") not in {"", "host"}:
        raise _Refused("--uts: invalid UTS mode")
    if cmd.option("userns", "") not in {"", "host"}:
        raise _Refused("--userns: invalid USER mode")
    if cmd.option("cgroupns", "") not in {"", "host", "private"}:
        raise _Refused("--cgroupns: invalid CGROUP mode")


def _run_or_create(cmd: Command, verb: str) -> None:
    def worded(text: str) -> DockerCLIError:
        return DockerCLIError(
            f"docker: {text}\n\nRun 'docker {verb} --help' for more information", 125
        )

    pull = cmd.option("pull")
    if pull is not None and pull not in PULL_POLICIES:
        raise worded(
            f'invalid pull option: \'{pull}\': must be one of "always", "missing" or "never"'
        )
    try:
        _container_config(cmd)
    except _Refused as exc:
        raise worded(str(exc)) from None
    if verb == "run" and cmd.option("detach") and cmd.option("attach"):
        raise DockerCLIError("conflicting options: cannot specify both --attach and --detach", 1)
    try:
        reference.parse_any_reference(cmd.args[0])
    except reference.ReferenceError as exc:
        if verb == "run":
            raise worded(str(exc)) from None
        raise DockerCLIError(str(exc), 1) from None


def _pull_or_push(cmd: Command) -> None:
    try:
        ref = reference.parse_normalized_named(cmd.args[0])
    except reference.ReferenceError as exc:
        raise DockerCLIError(str(exc), 1) from None
    if cmd.option("all-tags") and (ref.tag or ref.digest):
        raise DockerCLIError("tag can't be used with --all-tags/-a", 1)


def _tag(cmd: Command) -> None:
    """The Go client's ImageTag checks: source any reference, target a named one."""
    ref = None
    for text, parser in (
        (cmd.args[0], reference.parse_any_reference),
        (cmd.args[1], reference.parse_normalized_named),
    ):
        try:
            ref = parser(text)
        except reference.ReferenceError as exc:
            raise DockerCLIError(
                f"Error parsing reference: {go_quote(text)} is not a valid repository/tag: {exc}", 1
            ) from None
    if ref is not None and ref.digest:
        raise DockerCLIError("refusing to create a tag with a digest reference", 1)


def _commit(cmd: Command) -> None:
    if len(cmd.args) < 2 or not cmd.args[1]:
        return
    try:
        ref = reference.parse_normalized_named(cmd.args[1])
    except reference.ReferenceError as exc:
        raise DockerCLIError(str(exc), 1) from None
    if ref.digest:
        raise DockerCLIError("refusing to create a tag with a digest reference", 1)


def _inspect(cmd: Command) -> None:
    kind = cmd.option("type")
    if kind is None:
        return
    names = '", "'.join(INSPECT_TYPES)
    if kind == "":
        raise DockerCLIError(f'type is empty: must be one of "{names}"', 1)
    if kind not in INSPECT_TYPES:
        raise DockerCLIError(f'unknown type: {go_quote(kind)}: must be one of "{names}"', 1)


def split_cp_arg(arg: str) -> tuple[str, str]:
    """The CLI's ``splitCpArg``: ``web:/etc`` -> ("web", "/etc"); local paths -> ("", path)."""
    if arg.startswith((".", "/")) or ":" not in arg:
        return "", arg
    container, _, path = arg.partition(":")
    return container, path


def _cp(cmd: Command) -> None:
    source, destination = cmd.args
    if source == "":
        raise DockerCLIError("source can not be empty", 1)
    if destination == "":
        raise DockerCLIError("destination can not be empty", 1)
    from_container = split_cp_arg(source)[0] != ""
    to_container = split_cp_arg(destination)[0] != ""
    if from_container and to_container:
        raise DockerCLIError("copying between containers is not supported", 1)
    if not (from_container or to_container):
        raise DockerCLIError("must specify at least one container source", 1)


def _login(cmd: Command) -> None:
    if "password-stdin" in cmd.options:
        if "password" in cmd.options:
            raise DockerCLIError(
                "conflicting options: cannot specify both --password and --password-stdin", 1
            )
        if "username" not in cmd.options:
            raise DockerCLIError("the --password-stdin option requires --username to be set", 1)
    if cmd.options.get("username") == "":
        raise DockerCLIError("username is empty", 1)
    if cmd.options.get("password") == "":
        raise DockerCLIError("password is empty", 1)


def _rename(cmd: Command) -> None:
    if not cmd.args[0].strip() or not cmd.args[1].strip():
        raise DockerCLIError("Error: Neither old nor new names may be empty", 1)


_CHECKS: dict[str, Callable[[Command], None]] = {
    "container run": lambda cmd: _run_or_create(cmd, "run"),
    "container create": lambda cmd: _run_or_create(cmd, "create"),
    "image pull": _pull_or_push,
    "image push": _pull_or_push,
    "image tag": _tag,
    "container commit": _commit,
    "inspect": _inspect,
    "container cp": _cp,
    "login": _login,
    "container rename": _rename,
}


def validate(command: Command) -> None:
    """Raise Docker's error when ``command`` fails a client-side check of its command."""
    check = _CHECKS.get(command.name)
    if check is not None:
        check(command)
