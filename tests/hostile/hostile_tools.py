"""Run the course's commands as a student's hostile input would: in a capped subprocess.

Every command runs as ``python -m grader ...`` in its own process with 10 s of CPU time and
1 GiB of address space (``resource.setrlimit`` before ``exec``), and at most
:data:`WALL_SECONDS` of wall-clock time (a command blocked on a lock burns no CPU), so a
command that spins, waits or eats memory fails its test instead of the machine. CPU time
rather than wall-clock time is the 10 s bound because the test machines are shared and
loaded. After each command the sandbox must still answer ``docker ps``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

SECONDS = 10
WALL_SECONDS = 120.0
MEMORY = 1 << 30


def _cap_memory() -> None:
    """In the child, before exec: :data:`MEMORY` bytes, :data:`SECONDS` of CPU time."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS))


@dataclass
class Outcome:
    """What one capped command did."""

    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        """stdout then stderr."""
        return self.stdout + self.stderr


def run_capped(
    argv: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    stdin: bytes | None = None,
    preexec: Callable[[], None] | None = None,
) -> Outcome:
    """Run ``argv`` under the caps; fail the test when it hangs."""

    def limits() -> None:
        _cap_memory()
        if preexec is not None:
            preexec()

    started = time.monotonic()
    try:
        done = subprocess.run(
            argv,
            cwd=cwd,
            env=env,
            input=stdin if stdin is not None else b"",
            capture_output=True,
            timeout=WALL_SECONDS,
            preexec_fn=limits,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{argv[3:]!r} still ran after {WALL_SECONDS:.0f} s")
    return Outcome(
        done.returncode,
        done.stdout.decode(errors="replace"),
        done.stderr.decode(errors="replace"),
        time.monotonic() - started,
    )


def assert_sane(outcome: Outcome) -> None:
    """No traceback, no "unexpected error", no crash by a signal (the memory cap)."""
    assert "Traceback" not in outcome.output, outcome.output[-3000:]
    assert "unexpected error" not in outcome.output, outcome.output[-3000:]
    assert outcome.code >= 0, f"killed by signal {-outcome.code}: {outcome.output[-2000:]}"


class Hostile:
    """Runs grader verbs in capped subprocesses against one private sandbox."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.state = root / "sandbox"
        self.work = root / "work"
        self.work.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k not in {"DOCKER_HOST", "COURSE_GRADING"}}
        env.update(
            COURSE_ENGINE="sandbox",
            COURSE_SANDBOX_DIR=str(self.state),
            COURSE_RAISE_UNEXPECTED="1",
            PYTHONDONTWRITEBYTECODE="1",
        )
        self.env = env

    def run(self, verb: str, *args: str, stdin: bytes | None = None, **options) -> Outcome:
        """``python -m grader VERB ARGS...``; checked with :func:`assert_sane`."""
        env = {**self.env, **options.pop("env", {})}
        outcome = run_capped(
            [sys.executable, "-m", "grader", verb, *args],
            cwd=self.work,
            env=env,
            stdin=stdin,
            **options,
        )
        assert_sane(outcome)
        return outcome

    def docker(self, *args: str, **options) -> Outcome:
        """One docker command on the sandbox."""
        return self.run("docker", *args, **options)

    def kubectl(self, *args: str, **options) -> Outcome:
        """One kubectl command on the cluster simulator."""
        return self.run("kubectl", *args, **options)

    def script(self, text: str) -> Outcome:
        """A ``%%docker`` cell's text, run as the magic runs it."""
        code = (
            "import sys\n"
            "from grader.dockercli.script import run_script\n"
            "sys.exit(run_script(sys.stdin.read()))\n"
        )
        outcome = run_capped(
            [sys.executable, "-c", code], cwd=self.work, env=self.env, stdin=text.encode()
        )
        assert_sane(outcome)
        return outcome

    def still_answers(self) -> None:
        """The sandbox still lists its containers."""
        outcome = self.docker("ps", "-a")
        assert outcome.code == 0, outcome.output
        assert outcome.stdout.startswith("CONTAINER ID"), outcome.output
