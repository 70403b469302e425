"""``docker exec``: run a command in a running container's simulated filesystem.

:func:`run_exec` is the exec itself, whoever asks: ``docker exec`` here, ``kubectl exec`` and
exec probes in the Kubernetes simulator.
"""

from __future__ import annotations

import json
import shlex
from typing import TYPE_CHECKING

from grader.engine.errors import Conflict
from grader.engine.sandbox.base import SandboxBase
from grader.engine.sandbox.fs import ContainerFS

if TYPE_CHECKING:
    from grader.engine.sandbox.shell import Context, Result

NEVER_ENDS = b"(course sandbox: this command never ends by itself; it was stopped)\n"


def run_exec(argv: list[str], ctx: Context) -> Result:
    """Run ``argv`` (exec form: no shell unless it names one) in ``ctx``'s container.

    A command that would never end by itself is stopped: exit code 137, with what it printed
    so far and a note on stderr.

    Raises:
        coreutils.ExecutableNotFound: the program is not in the container.
    """
    # The simulated programs load on the first exec, not on every command's start-up.
    from grader.engine.sandbox.shell import BudgetExceeded, run_argv

    ctx.events = []
    try:
        return run_argv(argv, ctx)
    except BudgetExceeded:
        out = b"".join(data for _, stream, data in ctx.events if stream == 1)
        err = b"".join(data for _, stream, data in ctx.events if stream == 2)
        return 137, out, err + NEVER_ENDS


def exec_not_found(name: str) -> str:
    """What Docker 28 prints when the exec'd program is missing (exit code 126)."""
    if "/" in name:
        detail = f'exec: "{name}": stat {name}: no such file or directory'
    else:
        detail = f'exec: "{name}": executable file not found in $PATH'
    prefix = "OCI runtime exec failed: exec failed: unable to start container process"
    return f"{prefix}: {detail}: unknown"


class ExecMixin(SandboxBase):
    """``/containers/{id}/exec`` + ``/exec/{id}/start`` in one call."""

    def exec_run(
        self,
        container: str,
        cmd: list[str] | str,
        user: str = "",
        environment: list[str] | dict[str, str] | None = None,
        workdir: str | None = None,
        tty: bool = False,
        stdin: bool = False,
        detach: bool = False,
    ) -> tuple[int | None, bytes, bytes]:
        """Run ``cmd``; (exit code, stdout, stderr), or (None, b"", b"") when detached.

        A program missing from the container gives exit code 126 and the runtime's message
        on stdout, where the Docker CLI shows it.

        Raises:
            Conflict: the container is not running, or is paused.
        """
        self._settle()
        cid, doc = self._container(container)
        if doc["State"]["Paused"]:
            raise Conflict(f"Container {cid} is paused, unpause the container before exec")
        if not doc["State"]["Running"] or doc["State"]["Restarting"]:
            raise Conflict(f"container {cid} is not running")
        argv = shlex.split(cmd) if isinstance(cmd, str) else list(cmd)
        if not argv:
            raise Conflict("No exec command specified")
        row = self.store.db.execute(
            "SELECT doc FROM images WHERE id = ?", (doc["Image"],)
        ).fetchone()
        from grader.engine.sandbox import coreutils, programs
        from grader.engine.sandbox.reach import DockerNetwork

        fs = ContainerFS(self.store, doc, json.loads(row[0]))
        if user:
            doc = {**doc, "Config": {**doc["Config"], "User": user}}
        if isinstance(environment, dict):
            environment = [f"{k}={v}" for k, v in environment.items()]
        ctx = programs.context(doc, fs, DockerNetwork(self.store, doc), list(environment or []))
        if workdir:
            ctx.cwd = workdir
        try:
            code, out, err = run_exec(argv, ctx)
        except coreutils.ExecutableNotFound as missing:
            ending = "\r\n" if tty else "\n"
            return 126, (exec_not_found(missing.name) + ending).encode(), b""
        if detach:
            return None, b"", b""
        if tty:
            merged = (out + err).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            return code, merged, b""
        return code, out, err
