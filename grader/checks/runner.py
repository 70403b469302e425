"""Run docker command lines for the checks, capturing what Docker prints.

The checks run commands for two reasons: an exercise's set-up (``check.reset(...,
setup=...)``) and re-running a student's read-only command next to a reference one
(``check.output``). Both go through ``grader.dockercli.run_script``, the executor the
``%%docker`` magic uses, with a history source that the route checks ignore.
"""

from __future__ import annotations

import io
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """What a script printed and its exit status."""

    exit_code: int
    stdout: str
    stderr: str


def run(script: str, *, source: str, timeout: float | None = 30.0) -> Result:
    """Run ``script`` (docker command lines) on the selected engine, capturing its output."""
    from grader.dockercli import run_script

    out, err = io.StringIO(), io.StringIO()
    code = run_script(script, source=source, timeout=timeout, stdout=out, stderr=err)
    return Result(int(code or 0), out.getvalue(), err.getvalue())
