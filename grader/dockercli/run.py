"""``docker run`` and ``docker create``: options -> the Engine API's container config.

``run`` pulls a missing image first ("Unable to find image 'nginx:latest' locally" and the
pull's lines on stderr), creates, starts, then either prints the full id (``-d``) or
follows the container's output and exits with its exit code. A foreground run is bounded by
the session's timeout (the container keeps running; with ``--rm`` the engine removes it
once it exits) and by Ctrl-C.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from grader import reference
from grader.commands import ports as port_specs
from grader.commands.envvars import EnvFileError, container_env
from grader.commands.model import Command
from grader.commands.platforms import PlatformError, parse_platform
from grader.commands.sizes import ram_in_bytes
from grader.commands.values import parse_cpus, parse_duration
from grader.commands.volumes import parse_volume
from grader.dockercli.hostopts import host_fields, mount_options
from grader.dockercli.pulling import pull_image
from grader.dockercli.session import CommandFailed, Session, daemon_text
from grader.dockercli.stream import follow, stop_note
from grader.engine.api import RegisteredWait
from grader.engine.errors import EngineError, ImageNotFound, NotFound

RUN_HELP = "\n\nRun 'docker run --help' for more information"


def _labels(items: list[str]) -> dict[str, str]:
    labels = {}
    for item in items:
        key, _, value = item.partition("=")
        labels[key] = value
    return labels


def _env(cmd: Command, session: Session) -> list[str]:
    """The container's ``NAME=value`` list from ``--env-file`` and ``-e``, as the CLI sends it.

    A bare ``-e NAME`` takes NAME's value from the environment ``docker`` runs in (the
    script's exported variables), and is dropped when NAME is unset there.
    """
    files = []
    for path in cmd.option("env-file", []):
        try:
            with open(os.path.join(session.cwd, path), encoding="utf-8") as handle:
                files.append((path, handle.read()))
        except OSError as error:
            message = f"docker: open {path}: {(error.strerror or '').lower()}{RUN_HELP}"
            raise CommandFailed(message, 125) from None
    try:
        env = container_env(cmd.option("env", []), session.environ, files)
    except EnvFileError as error:
        raise CommandFailed(f"docker: {error}{RUN_HELP}", 125) from None
    return [f"{name}={value}" for name, value in env.items()]


def _extra_host(spec: str) -> str:
    """``--add-host`` as the CLI sends it: ``host=ip`` or ``host:[ip]`` -> ``host:ip``."""
    name, sep, address = spec.partition("=")
    if not sep:
        name, _, address = spec.partition(":")
    if len(address) > 1 and address.startswith("[") and address.endswith("]"):
        address = address[1:-1]
    return f"{name}:{address}"


def _capability(name: str) -> str:
    """``--cap-add``/``--cap-drop`` as the CLI sends it: ``net_admin`` -> ``CAP_NET_ADMIN``."""
    name = name.strip().upper()
    return name if name == "ALL" or name.startswith("CAP_") else f"CAP_{name}"


def _auto_remove(cmd: Command, session: Session) -> bool:
    """Whether the engine itself removes the container once it exits (``--rm``).

    An engine that keeps a removed container's logs readable for a moment (the sandbox) does
    it for every ``--rm``, as dockerd does for Docker's CLI, so a foreground run left running
    at the session's time bound is still removed when it later stops (it keeps the exit code
    for ``wait``). A real daemon refuses the logs of a container already removed, and this
    executor follows logs rather than attaching before the start as the CLI does, so there a
    foreground ``--rm`` removes the container itself after ``wait``.
    """
    if not cmd.option("rm"):
        return False
    return bool(cmd.option("detach")) or session.engine.autoremove_keeps_logs


def container_config(
    cmd: Command, session: Session
) -> tuple[str, list[str] | None, dict[str, Any]]:
    """The image, command and ``create_container`` keywords a run/create line asks for."""
    image, command = cmd.args[0], cmd.args[1:] or None
    port_bindings: dict[str, list[tuple[str, str]]] = {}
    exposed: list[tuple[int, str]] = []
    for spec in cmd.option("publish", []):
        for binding in port_specs.parse_publish(spec):
            port_bindings.setdefault(binding.key, []).append((binding.host_ip, binding.host_port))
            exposed.append((binding.container_port, binding.protocol))
    for spec in cmd.option("expose", []):
        exposed += [(b.container_port, b.protocol) for b in port_specs.parse_expose(spec)]
    binds, anonymous = [], []
    for spec in cmd.option("volume", []):
        volume = parse_volume(spec)
        if not volume.source:
            anonymous.append(volume.target)
            continue
        parts = [volume.host_source(session.cwd), volume.target]
        if volume.options:
            parts.append(",".join(volume.options))
        binds.append(":".join(parts))
    host: dict[str, Any] = {
        "port_bindings": port_bindings or None,
        "binds": binds or None,
        "volumes_from": cmd.option("volumes-from") or None,
        "publish_all_ports": bool(cmd.option("publish-all")),
        "auto_remove": _auto_remove(cmd, session),
        "privileged": bool(cmd.option("privileged")),
        "read_only": bool(cmd.option("read-only")),
        "network_mode": (cmd.option("network") or [None])[0],
        "extra_hosts": [_extra_host(item) for item in cmd.option("add-host", [])] or None,
        "dns": [item.strip() for item in cmd.option("dns", [])] or None,
        "cap_add": [_capability(item) for item in cmd.option("cap-add", [])] or None,
        "cap_drop": [_capability(item) for item in cmd.option("cap-drop", [])] or None,
        "init": True if cmd.option("init") else None,
    }
    mounts = [_mount(spec, session.cwd) for spec in cmd.option("mount", [])]
    if cmd.option("use-api-socket"):
        mounts.append(_api_socket(cmd, session))
    if mounts:
        host["mounts"] = mounts
    if cmd.option("memory"):
        host["mem_limit"] = ram_in_bytes(str(cmd.option("memory")))
    if cmd.option("cpus"):
        host["nano_cpus"] = round(parse_cpus(str(cmd.option("cpus"))) * 1e9) or None
    if cmd.option("restart"):
        name, _, count = str(cmd.option("restart")).partition(":")
        host["restart_policy"] = {"Name": name, "MaximumRetryCount": int(count or 0)}
    host = {k: v for k, v in host.items() if v is not None}
    kwargs: dict[str, Any] = {
        "name": cmd.option("name"),
        "hostname": cmd.option("hostname"),
        "user": cmd.option("user"),
        "detach": bool(cmd.option("detach")),
        "stdin_open": bool(cmd.option("interactive")),
        "tty": bool(cmd.option("tty")),
        "environment": _env(cmd, session) or None,
        "working_dir": cmd.option("workdir"),
        "labels": _labels(cmd.option("label", [])) or None,
        "ports": sorted(set(exposed)) or None,
        "volumes": anonymous or None,
        "platform": _platform(cmd.option("platform")),
        "stop_signal": cmd.option("stop-signal"),
        "stop_timeout": cmd.option("stop-timeout"),
        "host_config": {**session.engine.create_host_config(**host), **host_fields(cmd)},
    }
    attach = {stream.lower() for stream in cmd.option("attach", [])}
    if attach and not attach & {"stdout", "stderr"}:
        kwargs["detach"] = True  # the CLI attaches no output stream: dockerd's detach
    if "entrypoint" in cmd.options:
        kwargs["entrypoint"] = [cmd.option("entrypoint")]
    check = _healthcheck(cmd)
    if check:
        kwargs["healthcheck"] = check
    if cmd.option("network-alias"):
        network = cmd.option("network")[0].split(",")[0].removeprefix("name=")
        kwargs["networking_config"] = {
            "EndpointsConfig": {network: {"Aliases": list(cmd.option("network-alias"))}}
        }
    return image, command, {k: v for k, v in kwargs.items() if v is not None}


def _healthcheck(cmd: Command) -> dict[str, Any] | None:
    """The ``Healthcheck`` the ``--health-*`` flags ask for, as the CLI sends it (ns)."""
    if cmd.option("no-healthcheck"):
        return {"Test": ["NONE"]}
    check: dict[str, Any] = {}
    if cmd.option("health-cmd"):
        check["Test"] = ["CMD-SHELL", cmd.option("health-cmd")]
    for flag, key in (
        ("health-interval", "Interval"),
        ("health-timeout", "Timeout"),
        ("health-start-period", "StartPeriod"),
        ("health-start-interval", "StartInterval"),
    ):
        if cmd.option(flag):
            check[key] = round(parse_duration(cmd.option(flag)) * 1e9)
    if cmd.option("health-retries"):
        check["Retries"] = cmd.option("health-retries")
    return check or None


def _mount(spec: str, cwd: str) -> dict[str, Any]:
    from grader.commands.mounts import parse_mount

    mount = parse_mount(spec)
    source = mount.source
    if mount.type == "bind" and source and not os.path.isabs(source):
        source = os.path.normpath(os.path.join(cwd, source))
    return {
        "Type": mount.type,
        "Source": source,
        "Target": mount.target,
        "ReadOnly": mount.read_only,
        **mount_options(mount),
    }


DEFAULT_HOST = "unix:///var/run/docker.sock"
"""The engine address the Docker CLI uses without ``DOCKER_HOST``."""


def _api_socket(cmd: Command, session: Session) -> dict[str, Any]:
    """``--use-api-socket``: the engine's own socket, bound at ``/var/run/docker.sock``.

    As the Docker 28 CLI: the socket of the address ``docker`` talks to (``DOCKER_HOST``),
    refused for any address that is no Unix socket. The CLI also copies the credentials it
    keeps into the container; the course keeps none, so there are none to copy.
    """
    host = session.environ.get("DOCKER_HOST") or DEFAULT_HOST
    if not host.startswith("unix://"):
        message = (
            "flag --use-api-socket can only be used with unix sockets: "
            f"docker endpoint {host} incompatible"
        )
        if cmd.name == "container run":
            raise CommandFailed(f"docker: {message}{RUN_HELP}", 125)
        raise CommandFailed(message, 1)
    return {
        "Type": "bind",
        "Source": host.removeprefix("unix://"),
        "Target": "/var/run/docker.sock",
        "BindOptions": {},
    }


def _platform(text: str | None) -> str | None:
    """``--platform`` as the CLI sends it, normalised (``arm64`` -> ``linux/arm64``)."""
    if not text:
        return None
    try:
        return str(parse_platform(text))
    except PlatformError:
        return text


def _familiar(image: str) -> str:
    try:
        return reference.parse_normalized_named(image).familiar_string()
    except reference.ReferenceError:
        return image


def _create(cmd: Command, session: Session) -> str:
    """Create the container, pulling its image when missing; returns the id."""
    image, command, kwargs = container_config(cmd, session)
    policy = cmd.option("pull", "missing")
    quiet = bool(cmd.option("quiet"))
    platform = kwargs.get("platform")
    if policy == "always":
        pull_image(session, image, to_stderr=True, quiet=quiet, platform=platform)
    try:
        created = session.engine.create_container(image, command, **kwargs)
    except ImageNotFound:
        if policy == "never":
            raise
        if not quiet:
            session.err(f"Unable to find image '{_familiar(image)}' locally\n")
        pull_image(session, image, to_stderr=True, quiet=quiet, platform=platform)
        created = session.engine.create_container(image, command, **kwargs)
    for warning in created.get("Warnings") or []:
        session.err(f"WARNING: {warning}\n")
    return created["Id"]


def create(cmd: Command, session: Session) -> int:
    """``docker create``: print the new container's full id."""
    session.out(_create(cmd, session) + "\n")
    return 0


def _start_failure_code(text: str) -> int:
    if "executable file not found" in text or "no such file or directory" in text:
        return 127
    if "permission denied" in text:
        return 126
    return 125


def run(cmd: Command, session: Session) -> int:
    """``docker run``."""
    if cmd.option("tty") and cmd.option("interactive") and not _stdin_is_tty():
        raise CommandFailed("the input device is not a TTY", 1)
    try:
        container = _create(cmd, session)
    except EngineError as error:
        raise CommandFailed(f"docker: {daemon_text(error)}{RUN_HELP}", 125) from None
    try:
        session.engine.start(container)
    except EngineError as error:
        if cmd.option("detach"):
            session.out(container + "\n")
        code = _start_failure_code(error.explanation)
        if cmd.option("rm"):
            _remove_quietly(session, container)
        raise CommandFailed(f"docker: {daemon_text(error)}{RUN_HELP}", code) from None
    if cmd.option("detach"):
        session.out(container + "\n")
        return 0
    if cmd.option("tty") and cmd.option("interactive") and not session.engine.attaches_terminal:
        return _line_terminal(cmd, session, container)
    return attach_and_wait(session, container, remove=bool(cmd.option("rm")))


def _line_terminal(cmd: Command, session: Session, container: str) -> int:
    """``docker run -it IMAGE SHELL`` on an engine that attaches no terminal: a line shell.

    The engine (the sandbox) cannot attach a terminal to the container's own process, so
    each line runs in the container through exec; leaving the shell stops the container, as
    it would.
    """
    from grader.dockercli.execing import is_shell, shell_session

    config = session.engine.inspect_container(container)["Config"]
    command = [*(config.get("Entrypoint") or []), *(config.get("Cmd") or [])]
    if not is_shell(session, container, command):
        return attach_and_wait(session, container, remove=bool(cmd.option("rm")))
    options = {"user": cmd.option("user", "") or "", "workdir": cmd.option("workdir")}
    code = shell_session(session, container, command[0], options)
    session.engine.stop(container, timeout=0)
    if cmd.option("rm"):
        _remove_quietly(session, container)
    return code


def _stdin_is_tty() -> bool:
    import sys

    return bool(sys.stdin) and sys.stdin.isatty()


def _remove_quietly(session: Session, container: str) -> None:
    try:
        session.engine.remove_container(container, force=True)
    except EngineError:
        pass


def attach_and_wait(
    session: Session,
    container: str,
    *,
    remove: bool,
    since: float | None = None,
    exited: RegisteredWait | None = None,
) -> int:
    """Print the container's output as it comes; return its exit code (bounded by timeout).

    With ``since`` (Unix seconds), only the output from then on (``docker attach``); with
    ``exited``, the exit code is that wait's (registered before the look-up, as the CLI's
    ``attach`` does), else a wait made once the output has ended.
    """

    def write(item: tuple[str, bytes]) -> None:
        stream, line = item
        text = line.decode("utf-8", "replace")
        (session.stderr if stream == "stderr" else session.stdout).write(text)
        (session.stderr if stream == "stderr" else session.stdout).flush()

    lines = session.engine.logs(container, stdout=True, stderr=True, follow=True, since=since)
    outcome = follow(lines, write, session.timeout)
    if outcome != "end":
        session.err(stop_note(outcome, session.timeout, "the container keeps running"))
        return 0
    if exited is not None:
        return _exit_status(exited.result())
    try:
        code = int(session.engine.wait(container).get("StatusCode", 0))
    except NotFound:
        return 0
    if remove:
        _remove_quietly(session, container)
    return code


def _exit_status(result: Mapping[str, Any]) -> int:
    """A wait's answer as the CLI's ``getExitStatus`` takes it: its error, or the code."""
    error = result.get("Error") or {}
    if error.get("Message"):
        raise CommandFailed(error["Message"])
    return int(result.get("StatusCode", 0))
