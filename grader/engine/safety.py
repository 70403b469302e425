"""What the course refuses to run while grading, whichever engine or CLI runs it.

Grading mode (``COURSE_GRADING=1``, set by ``course autograde``) runs students' cells
unattended, so a cell must not be able to take over the grading machine. Refused then:

- ``--privileged`` (a privileged container can do anything the host's root can);
- any bind of the Docker socket (``/var/run/docker.sock``, ``/run/docker.sock`` or any path
  ending in ``docker.sock``): whoever holds it controls the daemon, hence the host;
- binds of ``/`` or of a system folder (``/etc``, ``/proc``, ``/sys``, ``/dev``, ``/boot``,
  ``/root``, ``/var/lib/docker`` ...), or of anything inside one;
- when the grader names the submission's folder (``COURSE_GRADING_FOLDER``), binds of any
  host path outside it (a real daemon reads host files the grader's audit hook cannot see).

Both engines call :func:`refuse_unsafe_host_config` before creating a container; the real
CLI pass-through applies the same rule to a command line
(:func:`grader.dockercli.safety.refuse_unsafe_argv`) before running ``docker``.
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
    """Why binding host path ``source`` is refused while grading, or None when it is fine."""
    path = posixpath.normpath(source) if source.startswith("/") else source
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    if path in DOCKER_SOCKETS or path.endswith("docker.sock"):
        return (
            f"binding the Docker socket ({source}) is refused while grading: "
            "whoever holds the socket controls the Docker daemon and the whole host"
        )
    if path == "/":
        return (
            "binding the host's root folder / is refused while grading: "
            "the container would see and change every file of the grading machine"
        )
    for folder in SYSTEM_FOLDERS:
        if path == folder or path.startswith(folder + "/"):
            return (
                f"binding the system folder {source} is refused while grading: "
                "mount a folder of your own (for example ./site) instead"
            )
    allowed = os.environ.get(GRADING_FOLDER)
    if allowed and path.startswith("/"):
        real, base = os.path.realpath(path), os.path.realpath(allowed)
        if real != base and not real.startswith(base + "/"):
            return (
                f"binding {source} is refused while grading: only folders inside the "
                "assignment's folder (for example ./site) can be mounted"
            )
    return None


PRIVILEGED_PROBLEM = (
    "--privileged is refused while grading: a privileged container has every capability "
    "and device of the host, so it could take over the grading machine"
)


def _bind_sources(binds: Iterable[str]) -> list[str]:
    """Host paths of ``-v``/Binds entries ``SRC:DST[:MODE]`` (named volumes are skipped)."""
    sources = []
    for bind in binds:
        source = bind.split(":", 1)[0] if ":" in bind else ""
        if source.startswith("/"):
            sources.append(source)
    return sources


def refuse_unsafe_host_config(
    host_config: Mapping[str, Any] | None, *, grading: bool | None = None
) -> None:
    """Raise :class:`GradingRefused` when a HostConfig is unsafe to run while grading.

    Args:
        host_config: The HostConfig JSON (``Privileged``, ``Binds``, ``Mounts``).
        grading: Check as in grading mode; default :func:`grading_mode`. Outside grading
            mode nothing is refused.

    Raises:
        GradingRefused: With the reason, in words a student can act on.
    """
    if not host_config or not (grading_mode() if grading is None else grading):
        return
    if host_config.get("Privileged"):
        raise GradingRefused(PRIVILEGED_PROBLEM)
    sources = _bind_sources(host_config.get("Binds") or [])
    for mount in host_config.get("Mounts") or []:
        if str(mount.get("Type", "volume")).lower() == "bind" and mount.get("Source"):
            sources.append(str(mount["Source"]))
    for source in sources:
        problem = bind_problem(source)
        if problem:
            raise GradingRefused(problem)
