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

from grader import reference
from grader.commands import platforms, ports, restart, volumes
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
    if cmd.option("network-alias") and not _user_defined(cmd.option("network", [])):
        raise _Refused("network-scoped aliases are only supported for user-defined networks")


def _user_defined(networks: list[str]) -> bool:
    """True when the first ``--network`` names a user-defined network (the CLI's check)."""
    if not networks:
        return False
    target = networks[0].split(",")[0].removeprefix("name=")
    return target not in {"", "default", "bridge", "host", "none"} and not target.startswith(
        "container:"
    )


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
        if cmd.option("platform"):
            try:
                platforms.parse_platform(cmd.option("platform"))
            except platforms.PlatformError as exc:
                raise _Refused(f"error parsing specified platform: {exc}") from None
    except (reference.ReferenceError, _Refused) as exc:
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


_PLATFORM_WORDING = {
    "image push": "Invalid platform {value}{error}",
    "image history": "invalid platform: {error}",
    "image load": "invalid platform: {error}",
    "image save": "invalid platform: {error}",
    "image inspect": "{error}",
    "image rm": "{error}",
}
"""How each command words a ``--platform`` that containerd refuses (run/create: see above)."""


def _platform(cmd: Command) -> None:
    values = cmd.option("platform") or []
    for value in [values] if isinstance(values, str) else values:
        if not value:
            continue
        try:
            platforms.parse_platform(value)
        except platforms.PlatformError as exc:
            text = _PLATFORM_WORDING[cmd.name].format(value=value, error=exc)
            raise DockerCLIError(text, 1) from None


_EMPTY_ID = "invalid {} name or ID: value is empty"


def _blank(text: str) -> bool:
    return text.strip() == ""


def _empty_ids(cmd: Command) -> None:
    """The Go client's refusal of blank names, when no name in the command is usable."""
    name, args = cmd.name, cmd.args
    lines: list[str] = []
    if name in _EACH_CONTAINER and all(_blank(a) for a in args):
        lines = [_EMPTY_ID.format("container")] * len(args)
        if name == "container rm":
            lines = ["container name cannot be empty" if a == "" else lines[0] for a in args]
        if name == "container start":
            if cmd.option("attach") or cmd.option("interactive"):
                lines = lines[:1]
            else:
                lines.append(f"Error: failed to start containers: {', '.join(args)}")
    elif name in _FIRST_CONTAINER and args and _blank(args[0]):
        if name == "container stats" and not all(_blank(a) for a in args):
            return
        empty_diff = name == "container diff" and args[0] == ""
        lines = ["Container name cannot be empty" if empty_diff else _EMPTY_ID.format("container")]
    elif name in _EACH_OBJECT and all(_blank(a) for a in args):
        lines = [_EMPTY_ID.format(_EACH_OBJECT[name])] * len(args)
        if name == "network rm":
            lines.append("exit status 1")
    elif name in {"network connect", "network disconnect"} and (_blank(args[0]) or _blank(args[1])):
        lines = [_EMPTY_ID.format("network" if _blank(args[0]) else "container")]
    elif name == "image inspect" and all(a == "" for a in args):
        lines = ["Error: No such image: "] * len(args)
    elif name == "inspect":
        _empty_inspect(cmd)
    if lines:
        raise DockerCLIError("\n".join(lines), 1)


def _empty_inspect(cmd: Command) -> None:
    kind = cmd.option("type") or "container"
    if kind == "image" and all(a == "" for a in cmd.args):
        raise DockerCLIError("\n".join(["Error: No such image: "] * len(cmd.args)), 1)
    if kind in {"container", "volume", "network"} and all(_blank(a) for a in cmd.args):
        raise DockerCLIError("\n".join([_EMPTY_ID.format(kind)] * len(cmd.args)), 1)


_EACH_CONTAINER = frozenset(
    {"container stop", "container restart", "container kill", "container pause",
     "container unpause", "container wait", "container update", "container inspect",
     "container rm", "container start"}
)  # fmt: skip
_FIRST_CONTAINER = frozenset(
    {"container logs", "container exec", "container top", "container port", "container attach",
     "container export", "container commit", "container diff", "container stats"}
)  # fmt: skip
_EACH_OBJECT = {
    "volume rm": "volume",
    "volume inspect": "volume",
    "network rm": "network",
    "network inspect": "network",
}


def _start(cmd: Command) -> None:
    if len(cmd.args) > 1 and (cmd.option("attach") or cmd.option("interactive")):
        raise DockerCLIError("you cannot start and attach multiple containers at once", 1)
    if len(cmd.args) > 1 and cmd.option("checkpoint"):
        raise DockerCLIError("you cannot restore multiple containers at once", 1)


def _volume_create(cmd: Command) -> None:
    if cmd.option("name") and cmd.args:
        raise DockerCLIError(
            "conflicting options: cannot specify a volume-name through both --name and as a "
            "positional arg",
            1,
        )


def _cidr(text: str) -> tuple[object, object]:
    """Go's ``net.ParseCIDR``: (address, network), or its error."""
    import ipaddress

    address, slash, prefix = text.partition("/")
    try:
        if not slash or not prefix.isdigit():
            raise ValueError(text)
        return ipaddress.ip_address(address), ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise DockerCLIError(f"invalid CIDR address: {text}", 1) from None


def _subnet_matches(subnet: str, data: str) -> bool:
    """The CLI's ``subnetMatches``: whether ``data`` (address or CIDR) lies in ``subnet``."""
    import ipaddress

    try:
        _, network = _cidr(subnet)
    except DockerCLIError as exc:
        raise DockerCLIError(f"invalid subnet: {exc.message}", 1) from None
    if "/" in data:
        address, _ = _cidr(data)
    else:
        try:
            address = ipaddress.ip_address(data)
        except ValueError:
            return False
    return address in network  # type: ignore[operator]


def _network_create(cmd: Command) -> None:
    """The CLI's ``createIPAMConfig`` checks of --subnet, --ip-range, --gateway, --aux-address."""
    subnets = cmd.option("subnet", [])
    ranges, gateways = cmd.option("ip-range", []), cmd.option("gateway", [])
    if len(subnets) < len(ranges) or len(subnets) < len(gateways):
        raise DockerCLIError("every ip-range or gateway must have a corresponding subnet", 1)
    for index, subnet in enumerate(subnets):
        for earlier in subnets[:index]:
            if _subnet_matches(subnet, earlier) or _subnet_matches(earlier, subnet):
                raise DockerCLIError(
                    "multiple overlapping subnet configuration is not supported", 1
                )
    for label, values in (("range", ranges), ("gateway", gateways)):
        taken: dict[str, str] = {}
        for value in values:
            if label == "range":
                _cidr(value)
            matched = [s for s in subnets if _subnet_matches(s, value)]
            for subnet in matched:
                if subnet in taken:
                    what = "ranges" if label == "range" else "gateways"
                    where = "on" if label == "range" else "for"
                    raise DockerCLIError(
                        f"cannot configure multiple {what} ({value}, {taken[subnet]}) "
                        f"{where} the same subnet ({subnet})",
                        1,
                    )
                taken[subnet] = value
            if not matched:
                raise DockerCLIError(f"no matching subnet for {label} {value}", 1)
    for item in cmd.option("aux-address", []):
        address = item.partition("=")[2]
        if not any(_subnet_matches(s, address) for s in subnets):
            raise DockerCLIError(f"no matching subnet for aux-address {address}", 1)


def _update(cmd: Command) -> None:
    if not cmd.options:
        raise DockerCLIError("you must provide one or more flags when using this command", 1)


def _context_use(cmd: Command) -> None:
    """``docker context use`` counts its argument with cobra's own wording."""
    if len(cmd.args) != 1:
        raise DockerCLIError(f"accepts 1 arg(s), received {len(cmd.args)}", 1)


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
    "network create": _network_create,
    "container update": _update,
    "context use": _context_use,
}


def validate(command: Command) -> None:
    """Raise Docker's error when ``command`` fails a client-side check of its command."""
    if command.name in _PLATFORM_WORDING:
        _platform(command)
    if command.name == "container start":
        _start(command)
    if command.name == "volume create":
        _volume_create(command)
    check = _CHECKS.get(command.name)
    if command.name == "container commit":  # the Go client checks the name first
        _empty_ids(command)
    if check is not None:
        check(command)
    _empty_ids(command)
