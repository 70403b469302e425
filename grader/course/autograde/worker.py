"""Grade one submission in its own ``nbgrader autograde`` process, on a private sandbox.

The process gets ``COURSE_GRADING=1``, the grading engine and a fresh ``COURSE_SANDBOX_DIR``
of its own (the sandbox's state, and on both engines the command history and exercise
markers the checks read), so submissions graded side by side never see each other's
containers or commands. On the sandbox it can also get a network namespace of its own (``unshare``):
the sandbox's nginx containers really listen on their published host ports, so two
students' ``-p 8080:80`` would otherwise collide, and a student's code gets no network.
A submission that exceeds its time budget is stopped with its whole process group
(nbgrader and the kernel it started) and reported as timed out.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from grader.course.settings import bin_dir


@dataclass(frozen=True)
class Outcome:
    """What happened to one submission."""

    assignment: str
    student: str
    ok: bool
    """nbgrader finished (the score is in the gradebook)."""
    seconds: float
    log: str
    """nbgrader's output, kept for the instructor when something went wrong."""
    timed_out: bool = False


def grading_env(engine: str, state: Path) -> dict[str, str]:
    """The environment of one grading process."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([bin_dir(), env.get("PATH", "")])
    env["COURSE_GRADING"] = "1"
    env["COURSE_ENGINE"] = engine
    env["COURSE_SANDBOX_DIR"] = str(state)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


ISOLATE = ["unshare", "--net", "--map-root-user", "sh", "-c", 'ip link set lo up && exec "$@"']
"""Prefix that runs a command in a new network namespace whose loopback is up."""


@functools.cache
def isolation_available() -> bool:
    """True when this machine lets the grader create network namespaces (``unshare -rn``)."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return False
    try:
        probe = subprocess.run([*ISOLATE, "probe", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def _shutdown_sandbox(state: Path) -> None:
    """Stop helper processes (HTTP servers) the sandbox started for this submission."""
    try:
        from grader.engine.sandbox import SandboxEngine
    except ImportError:
        return
    shutdown = getattr(SandboxEngine, "shutdown_all", None)
    if shutdown is not None:
        shutdown(state)


def grade_one(
    *,
    root: Path,
    assignment: str,
    student: str,
    engine: str,
    timeout: float,
    isolate: bool = False,
) -> Outcome:
    """Run ``nbgrader autograde ASSIGNMENT --student STUDENT --force`` under ``root``.

    Args:
        root: the course root.
        assignment: the assignment id.
        student: the student id.
        engine: ``sandbox`` or ``docker``.
        timeout: seconds before the submission is stopped.
        isolate: run in a network namespace of its own (see :data:`ISOLATE`).
    """
    command = [
        sys.executable,
        "-m",
        "nbgrader",
        "autograde",
        assignment,
        "--student",
        student,
        "--force",
    ]
    if isolate:
        command = [*ISOLATE, "grade", *command]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"course-grade-{student}-") as scratch:
        state = Path(scratch) / "state"
        state.mkdir()
        process = subprocess.Popen(
            command,
            cwd=root,
            env=grading_env(engine, state),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            log, _ = process.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            log, _ = process.communicate()
            timed_out = True
        finally:
            if engine == "sandbox":
                _shutdown_sandbox(state)
    ok = not timed_out and process.returncode == 0
    if timed_out:
        log += f"\nstopped: grading took longer than {timeout:.0f} s"
    return Outcome(assignment, student, ok, time.monotonic() - started, log, timed_out)
