"""What a submission's child process sets up before it replays anything.

A scrubbed environment (the grader's own variables, tokens included, never reach the
course's shell grammar, where ``docker run -e NAME`` would copy them into a container),
``COURSE_GRADING=1``, the engine, a private ``COURSE_SANDBOX_DIR``, ``HOME`` and ``TMPDIR``,
``COURSE_GRADING_FOLDER`` (bind mounts must stay inside it, on the real daemon too);
the work folder as current directory; then the audit hook (:mod:`grader.grading.audit`).
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.engine.safety import GRADING_FOLDER
from grader.grading.audit import Policy, install

KEPT_VARIABLES = (
    "PATH",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "DOCKER_HOST",
    "DOCKER_API_VERSION",
    "COURSE_REGISTRY",
    "PYDEVD_DISABLE_FILE_VALIDATION",
)
"""Variables of the grader's environment a submission keeps; every other one is dropped."""


@dataclass(frozen=True)
class Folders:
    """One submission's private folders, all under one scratch folder."""

    scratch: Path

    @property
    def work(self) -> Path:
        """The working directory: the submission's files and the release's material."""
        return self.scratch / "work"

    @property
    def state(self) -> Path:
        """``COURSE_SANDBOX_DIR``: engine state, command history, exercise markers."""
        return self.scratch / "state"

    @property
    def home(self) -> Path:
        """``HOME`` and ``TMPDIR`` of the child."""
        return self.scratch / "home"

    def create(self) -> None:
        """Make the folders."""
        for folder in (self.work, self.state, self.home):
            folder.mkdir(parents=True, exist_ok=True)


def environment(engine: str, folders: Folders, tools: str) -> dict[str, str]:
    """The child's environment: kept variables plus the grading ones."""
    env = {name: os.environ[name] for name in KEPT_VARIABLES if name in os.environ}
    env["PATH"] = os.pathsep.join(filter(None, [tools, env.get("PATH", "/usr/bin:/bin")]))
    env["COURSE_GRADING"] = "1"
    env["COURSE_ENGINE"] = engine
    env["COURSE_SANDBOX_DIR"] = str(folders.state)
    env[GRADING_FOLDER] = str(folders.scratch)
    env["HOME"] = env["TMPDIR"] = str(folders.home)
    return env


def allowed_programs() -> list[tuple[str, ...]]:
    """Command-line prefixes the sandbox, the Docker passthrough and the linter start."""
    from grader.dockercli.passthrough import find_real_docker
    from grader.dockerfile.lint import hadolint_path

    programs: list[tuple[str, ...]] = [
        (sys.executable, "-m", "grader.engine.sandbox.server"),
        (sys.executable, "-c", "import sys; from grader.engine.sandbox.registry import serve"),
    ]
    docker = find_real_docker()
    if docker is not None:
        programs.append((str(docker),))
    hadolint = hadolint_path()
    if hadolint is not None:
        programs.append((hadolint,))
    return programs


def enter(
    env: dict[str, str], folders: Folders, protected: list[Path], programs: list[tuple[str, ...]]
) -> None:
    """Become the submission's process: environment, folders, audit hook (irreversible)."""
    from grader import magics

    os.environ.clear()
    os.environ.update(env)
    magics.shell_variables().clear()
    os.chdir(folders.work)
    tempfile.tempdir = str(folders.home)
    sys.dont_write_bytecode = True
    install(
        Policy.build(
            writable=[folders.scratch],
            protected=protected,
            programs=programs,
        )
    )
