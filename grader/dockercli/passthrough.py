"""Run a docker command line with the real Docker CLI, as the course wants it run.

On a machine with a real daemon the course's ``docker`` (the shim on PATH, or
``python -m grader docker``) hands the words to the real ``docker`` binary, so students see
exactly what Docker prints. On the way it:

- skips the course's own shim when searching PATH (the shim carries :data:`SHIM_MARKER`
  or otherwise names the ``grader`` package);
- adds ``--label course=docker-k8s`` right after the command words of ``run``, ``create``,
  ``build``, ``volume create`` and ``network create`` (any alias), so cleanup can find what
  the course made;
- applies the grading rules (:func:`grader.dockercli.safety.refuse_unsafe_argv`);
- bounds the run: a command still running after ``timeout`` seconds is ended, except that
  an attached ``docker run`` of a server leaves its container running (the CLI is killed
  with SIGKILL, which it cannot forward to the container) and says so.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
from pathlib import Path
from typing import IO, TextIO

from grader import LABEL
from grader.dockercli.safety import refuse_unsafe_argv

SHIM_MARKER = b"grader"
"""Bytes every course shim contains (it runs ``python -m grader docker``)."""

GLOBAL_VALUE_FLAGS = frozenset(
    {"--config", "-c", "--context", "-H", "--host", "-l", "--log-level"}
    | {"--tlscacert", "--tlscert", "--tlskey"}
)
"""Docker 28's global flags that take a value (``docker -H unix:///x ps``)."""

GROUPS = frozenset(
    {"builder", "checkpoint", "config", "container", "context", "image", "manifest"}
    | {"network", "node", "plugin", "secret", "service", "stack", "swarm", "system"}
    | {"trust", "volume"}
)
"""Management commands whose next word is the subcommand."""

LABELLED = {
    ("run",): "run",
    ("create",): "create",
    ("build",): "build",
    ("container", "run"): "run",
    ("container", "create"): "create",
    ("image", "build"): "build",
    ("builder", "build"): "build",
    ("volume", "create"): "volume create",
    ("network", "create"): "network create",
}
"""Command words (any alias) whose objects get the course label."""

KILL_GRACE = 5.0
"""Seconds a timed-out command gets after SIGTERM before SIGKILL."""


def is_shim(path: Path) -> bool:
    """True when ``path`` is the course's own ``docker`` shim, not Docker's CLI."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except OSError:
        return False
    return not head.startswith(b"\x7fELF") and SHIM_MARKER in head


def find_real_docker(path: str | None = None) -> Path | None:
    """The first ``docker`` on ``path`` (default ``$PATH``) that is not the course's shim."""
    for folder in (path if path is not None else os.environ.get("PATH", "")).split(os.pathsep):
        candidate = shutil.which("docker", path=folder) if folder else None
        if candidate and not is_shim(Path(candidate)):
            return Path(candidate)
    return None


def command_words(argv: list[str]) -> tuple[int, int]:
    """(start, end) of the command words in ``argv``, after Docker's global flags."""
    index = 0
    while index < len(argv) and argv[index].startswith("-"):
        flag = argv[index]
        index += 2 if flag in GLOBAL_VALUE_FLAGS else 1
    start = index
    if index < len(argv):
        index += 1
        if argv[start] in GROUPS and index < len(argv) and not argv[index].startswith("-"):
            index += 1
    return start, index


def labelled_argv(argv: list[str]) -> list[str]:
    """``argv`` with ``--label course=docker-k8s`` after the command words when they create."""
    start, end = command_words(argv)
    if tuple(argv[start:end]) in LABELLED:
        return [*argv[:end], "--label", LABEL, *argv[end:]]
    return list(argv)


def _attached_run(argv: list[str]) -> bool:
    """True for ``docker run`` without ``-d`` (its CLI stays attached to the container)."""
    from grader.commands import DockerCLIError, parse_argv

    try:
        command = parse_argv(argv)
    except DockerCLIError:
        return False
    return command.name == "container run" and not command.option("detach", False)


def _pump(source: IO[bytes], sink: TextIO) -> None:
    for chunk in iter(lambda: source.read1(65536), b""):  # type: ignore[attr-defined]
        sink.write(chunk.decode("utf-8", "replace"))
        sink.flush()


def run_real_cli(
    argv: list[str], *, stdout: TextIO, stderr: TextIO, timeout: float | None = None
) -> int | None:
    """Run ``docker ARGV`` with the real CLI; return its exit code, or None without one.

    Args:
        argv: The words after ``docker``.
        stdout: Where the command's standard output is written (as text).
        stderr: Where its standard error is written.
        timeout: Seconds before a still-running command is ended; None waits.

    Raises:
        grader.engine.errors.GradingRefused: In grading mode, for an unsafe command line.
    """
    docker = find_real_docker()
    if docker is None:
        return None
    refuse_unsafe_argv(argv)
    process = subprocess.Popen(
        [str(docker), *labelled_argv(argv)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    pumps = [
        threading.Thread(target=_pump, args=(process.stdout, stdout), daemon=True),
        threading.Thread(target=_pump, args=(process.stderr, stderr), daemon=True),
    ]
    for pump in pumps:
        pump.start()
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        code = _end(process, argv, timeout or 0.0, stderr, pumps)
    for pump in pumps:
        pump.join()
    return code


def _end(
    process: subprocess.Popen[bytes],
    argv: list[str],
    timeout: float,
    stderr: TextIO,
    pumps: list[threading.Thread],
) -> int:
    """End a timed-out CLI; an attached ``run`` leaves its container running."""
    if _attached_run(argv):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for pump in pumps:
            pump.join()
        stderr.write(
            f"(still running after {timeout:g}s: the container keeps running in the "
            "background; `docker ps` lists it and `docker stop NAME` stops it)\n"
        )
        return 0
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=KILL_GRACE)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    for pump in pumps:
        pump.join()
    stderr.write(f"(stopped after {timeout:g}s)\n")
    return 124
