"""A build's ``RUN`` step: the command runs in the sandbox shell, in a container of the stage.

Docker runs a RUN command in a container made from the image built so far and commits what
the command changed as the step's layer. The sandbox does the same with the one shell and
set of programs every sandbox container uses (:mod:`.shell`, :mod:`.coreutils`,
:mod:`.packages`): the step's container is a :class:`~.fs.ScratchFS` over the stage's files,
with the stage's environment (its ``ENV`` and build arguments), working directory and user.
So ``RUN frobnicate`` fails with the shell's "not found" and exit code 127, as it would on
Docker, and ``RUN npm install`` writes ``node_modules``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.engine.sandbox import coreutils
from grader.engine.sandbox.catalogue import FileEntry
from grader.engine.sandbox.fs import ScratchFS
from grader.engine.sandbox.programs import context
from grader.engine.sandbox.reach import Offline
from grader.engine.sandbox.shell import BudgetExceeded, run_argv

STEP_HORIZON = 600.0
"""Virtual seconds a step may run (``sleep``, loops) before the builder stops following it."""

NEVER_ENDS = "(course sandbox: this step never ends by itself; the build stopped it)"


@dataclass
class RunResult:
    """The outcome of one RUN step."""

    exit_code: int = 0
    output: list[str] = field(default_factory=list)
    """Lines the step prints (each ending with a newline), stdout and stderr in order."""

    changes: dict[str, FileEntry] = field(default_factory=dict)
    """Files added or changed, by absolute path."""

    removed: set[str] = field(default_factory=set)
    """Paths of the image the step deleted (whiteouts in the new layer)."""


def run_step(
    command: list[str],
    files: dict[str, FileEntry],
    config: dict,
    build_env: dict[str, str],
) -> RunResult:
    """Run ``command`` (RUN's argv; ``/bin/sh -c SCRIPT`` for the shell form).

    Args:
        command: the argv Docker runs.
        files: the stage's file listing before the step.
        config: the stage's image config (Env, WorkingDir, User).
        build_env: the build arguments in scope, which the command sees as variables.
    """
    fs = ScratchFS(files)
    container = {"Config": {**config, "Hostname": "buildkitsandbox"}}
    ctx = context(container, fs, Offline(), [f"{k}={v}" for k, v in build_env.items()])
    ctx.events = []
    ctx.horizon = STEP_HORIZON
    result = RunResult()
    try:
        code, out, err = run_argv(command, ctx)
    except BudgetExceeded:
        code, out, err = 137, b"", (NEVER_ENDS + "\n").encode()
        result.output = _lines(b"".join(data for _, _, data in ctx.events) + err)
    except coreutils.ExecutableNotFound as missing:
        code, out, err = 127, b"", _exec_not_found(missing.name).encode()
    result.exit_code = code
    if not result.output:
        shown = b"".join(data for _, _, data in ctx.events) if ctx.events else out + err
        result.output = _lines(shown)
    for path, (kind, mode, data, _) in fs.layer.items():
        if kind == "w":
            if path in fs.image_paths:
                result.removed.add(path)
        else:
            result.changes[path] = (kind, mode, data)
    return result


def _exec_not_found(name: str) -> str:
    """What runc says when an exec-form RUN names a program the image does not have."""
    detail = (
        f"stat {name}: no such file or directory"
        if "/" in name
        else "executable file not found in $PATH"
    )
    return (
        "runc run failed: unable to start container process: error during container init: "
        f'exec: "{name}": {detail}\n'
    )


def _lines(data: bytes) -> list[str]:
    lines = data.decode(errors="replace").split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line + "\n" for line in lines]
