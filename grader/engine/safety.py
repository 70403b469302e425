"""What the course refuses to run while grading, whichever engine or CLI runs it.

Grading mode (``COURSE_GRADING=1``, set by ``course autograde``) runs students' cells
unattended, so a cell must not be able to take over the grading machine. Refused then,
before the daemon is contacted:

- ``--privileged`` containers, and ``docker exec --privileged``;
- the host's namespaces: ``--pid``, ``--ipc``, ``--uts``, ``--userns``, ``--cgroupns`` or
  ``--network`` set to ``host``;
- added capabilities (``--cap-add``, any of them), host devices (``--device``,
  ``--device-cgroup-rule``, ``--gpus``) and unconfined security options
  (``apparmor=unconfined``, ``seccomp=unconfined``, ``label=disable``,
  ``systempaths=unconfined``);
- any bind of the Docker socket (``/var/run/docker.sock``, ``/run/docker.sock`` or any path
  ending in ``docker.sock``): whoever holds it controls the daemon, hence the host;
- binds of ``/`` or of a system folder (``/etc``, ``/proc``, ``/sys``, ``/dev``, ``/boot``,
  ``/root``, ``/var/lib/docker`` ...), or of anything inside one, also when the path given
  is a symlink (or goes through one) that resolves there; local volumes that bind such a
  folder (``--opt o=bind --opt device=/``);
- a build whose context is ``/`` or a system folder (it would copy the host into an image).
- when the grader names the submission's folder (``COURSE_GRADING_FOLDER``), binds of any
  host path outside it (a real daemon reads host files the grader's audit hook cannot see).

Both engines call :func:`refuse_unsafe_host_config` before creating a container (and the
``refuse_unsafe_*`` checks for volumes, exec and build); the real CLI pass-through applies
the same rules to a command line (:func:`grader.dockercli.safety.refuse_unsafe_argv`),
which also refuses ``swarm init``/``join``, ``plugin install`` and services with such mounts.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Mapping
from typing import Any

from grader.engine.errors import GradingRefused

SYSTEM_FOLDERS = (
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/sys",
    "/usr",
    "/var/lib/containerd",
    "/var/lib/docker",
    "/var/run",
)
"""Host folders (and everything inside them) that no graded container may bind."""

DOCKER_SOCKETS = ("/var/run/docker.sock", "/run/docker.sock")

GRADING_FOLDER = "COURSE_GRADING_FOLDER"
"""Set by the trusted grader to the submission's private folder: binds must stay inside."""


def grading_mode() -> bool:
    """True when ``COURSE_GRADING`` is set to a true value (1, true, yes)."""
    return os.environ.get("COURSE_GRADING", "").strip().lower() in {"1", "true", "yes"}


def bind_problem(source: str) -> str | None:
    """Why binding host path ``source`` is refused while grading, or None when it is fine.

    The path is checked as written and as it resolves on this machine (symlinks followed),
    so a link to ``/`` in the student's folder is refused like ``/`` itself.
    """
    problem = _path_problem(source, source)
    if problem is None and source.startswith("/"):
        problem = _path_problem(os.path.realpath(source), source)
    return problem


def _path_problem(path: str, shown: str) -> str | None:
    """:func:`bind_problem` for one spelling ``path`` of the source ``shown``."""
    path = posixpath.normpath(path) if path.startswith("/") else path
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    if path in DOCKER_SOCKETS or path.endswith("docker.sock"):
        return (
            f"binding the Docker socket ({shown}) is refused while grading: "
            "whoever holds the socket controls the Docker daemon and the whole host"
        )
    if path == "/":
        return (
            f"binding the host's root folder / ({shown}) is refused while grading: "
            "the container would see and change every file of the grading machine"
        )
    for folder in SYSTEM_FOLDERS:
        if path == folder or path.startswith(folder + "/"):
            return (
                f"binding the system folder {folder} ({shown}) is refused while grading: "
                "mount a folder of your own (for example ./site) instead"
            )
    allowed = os.environ.get(GRADING_FOLDER)
    if allowed and path.startswith("/"):
        real, base = os.path.realpath(path), os.path.realpath(allowed)
        if real != base and not real.startswith(base + "/"):
            return (
                f"binding {shown} is refused while grading: only folders inside the "
                "assignment's folder (for example ./site) can be mounted"
            )
    return None


PRIVILEGED_PROBLEM = (
    "--privileged is refused while grading: a privileged container has every capability "
    "and device of the host, so it could take over the grading machine"
)

NAMESPACES = {
    "PidMode": "--pid",
    "IpcMode": "--ipc",
    "UTSMode": "--uts",
    "UsernsMode": "--userns",
    "CgroupnsMode": "--cgroupns",
    "NetworkMode": "--network",
}
"""HostConfig fields naming a namespace, and the flag that sets each."""

UNCONFINED = (
    "apparmor=unconfined",
    "seccomp=unconfined",
    "label=disable",
    "systempaths=unconfined",
)
"""Security options that switch a protection off (``:`` is accepted for ``=`` too)."""


def _bind_sources(binds: Iterable[str]) -> list[str]:
    """Host paths of ``-v``/Binds entries ``SRC:DST[:MODE]`` (named volumes are skipped)."""
    sources = []
    for bind in binds:
        source = bind.split(":", 1)[0] if ":" in bind else ""
        if source.startswith("/"):
            sources.append(source)
    return sources


def host_config_problem(host_config: Mapping[str, Any]) -> str | None:
    """Why a HostConfig is unsafe to run while grading, or None (see the module docstring)."""
    if host_config.get("Privileged"):
        return PRIVILEGED_PROBLEM
    for field, flag in NAMESPACES.items():
        if str(host_config.get(field) or "").lower() == "host":
            return (
                f"{flag}=host is refused while grading: the container would share the "
                "grading machine's own namespace instead of having its own"
            )
    if host_config.get("CapAdd"):
        added = ", ".join(str(c) for c in host_config["CapAdd"])
        return (
            f"--cap-add {added} is refused while grading: extra capabilities let a "
            "container act on the host; the course's exercises need none"
        )
    for option in host_config.get("SecurityOpt") or []:
        normal = str(option).replace(":", "=", 1).replace(" ", "").lower()
        if normal in UNCONFINED:
            return (
                f"--security-opt {option} is refused while grading: it switches off a "
                "protection between the container and the host"
            )
    if host_config.get("Devices") or host_config.get("DeviceCgroupRules"):
        return (
            "--device is refused while grading: a host device inside a container "
            "reaches the grading machine's hardware"
        )
    if host_config.get("DeviceRequests"):
        return "--gpus is refused while grading: the course's exercises need no devices"
    sources = _bind_sources(host_config.get("Binds") or [])
    for mount in host_config.get("Mounts") or []:
        kind = str(mount.get("Type", "volume")).lower()
        if kind == "bind" and mount.get("Source"):
            sources.append(str(mount["Source"]))
        options = ((mount.get("VolumeOptions") or {}).get("DriverConfig") or {}).get("Options")
        problem = volume_options_problem(options)
        if problem:
            return problem
    for source in sources:
        problem = bind_problem(source)
        if problem:
            return problem
    return None


def volume_options_problem(options: Mapping[str, str] | None) -> str | None:
    """Why a local volume's driver options are unsafe while grading, or None.

    ``--opt o=bind --opt device=/etc`` makes a "volume" that is a bind mount of ``/etc``.
    """
    if not options:
        return None
    mount_options = str(options.get("o", "")).replace(" ", "").split(",")
    device = str(options.get("device", ""))
    if device and ("bind" in mount_options or "rbind" in mount_options):
        return bind_problem(device)
    return None


def _refuse(problem: str | None, grading: bool | None) -> None:
    if problem and (grading_mode() if grading is None else grading):
        raise GradingRefused(problem)


def refuse_unsafe_host_config(
    host_config: Mapping[str, Any] | None, *, grading: bool | None = None
) -> None:
    """Raise :class:`GradingRefused` when a HostConfig is unsafe to run while grading.

    Args:
        host_config: The HostConfig JSON (``Privileged``, ``Binds``, ``Mounts`` ...).
        grading: Check as in grading mode; default :func:`grading_mode`. Outside grading
            mode nothing is refused.

    Raises:
        GradingRefused: With the reason, in words a student can act on.
    """
    if host_config and (grading_mode() if grading is None else grading):
        _refuse(host_config_problem(host_config), True)


def refuse_unsafe_volume(
    driver_opts: Mapping[str, str] | None, *, grading: bool | None = None
) -> None:
    """Raise :class:`GradingRefused` for a volume that binds a refused host folder."""
    _refuse(volume_options_problem(driver_opts), grading)


EXEC_PRIVILEGED_PROBLEM = (
    "exec --privileged is refused while grading: the command would get every "
    "capability and device of the host"
)


def refuse_unsafe_exec(privileged: bool, *, grading: bool | None = None) -> None:
    """Raise :class:`GradingRefused` for ``docker exec --privileged``."""
    _refuse(EXEC_PRIVILEGED_PROBLEM if privileged else None, grading)


def build_context_problem(path: str) -> str | None:
    """Why building from the folder ``path`` is refused while grading, or None."""
    if not path or path == "-" or "://" in path or path.startswith("git@"):
        return None
    full = os.path.realpath(path)
    if bind_problem(full) is None:
        return None
    return (
        f"building from {path} ({full}) is refused while grading: the build would send "
        "the grading machine's files to the daemon; build from your project's folder"
    )


def refuse_unsafe_build(path: str, *, grading: bool | None = None) -> None:
    """Raise :class:`GradingRefused` for a build context that is ``/`` or a system folder."""
    _refuse(build_context_problem(path), grading)
