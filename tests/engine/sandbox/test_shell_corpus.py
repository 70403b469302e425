"""The sandbox shell prints what dash and busybox ash print (recorded in tests/data/shell).

Each recorded script runs as ``sh -c SCRIPT`` in the sandbox's shell over a Debian image
(dash, GNU coreutils) and over an Alpine image (busybox ash and applets) and must give the
recorded stdout, stderr and exit code. ``record_shell.py`` beside the data re-records it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.engine.sandbox.catalogue import filesystem
from grader.engine.sandbox.fs import ScratchFS
from grader.engine.sandbox.programs import context
from grader.engine.sandbox.reach import Offline
from grader.engine.sandbox.shell import run_argv

RECORDED = json.loads((Path(__file__).parents[2] / "data" / "shell" / "recorded.json").read_text())
IMAGES = {"dash": "debian-12", "busybox": "alpine-3.20"}
KNOWN = {
    ("busybox", "cd /nope; echo $?"): (
        "busybox 1.35 (Debian's, recorded) says 'sh: cd: line 0: can't cd to'; the Alpine "
        "3.20 image the sandbox imitates has busybox 1.36, whose line numbering for -c "
        "scripts was not recorded here"
    ),
}
"""(shell, script) -> why the sandbox answers otherwise than the recording."""


def sandbox(shell: str, script: str) -> list:
    fs = ScratchFS(filesystem(IMAGES[shell]))
    ctx = context({"Config": {"Hostname": "box", "WorkingDir": "/tmp"}}, fs, Offline())
    code, out, err = run_argv(["sh", "-c", script], ctx)
    return [out.decode(), err.decode(), code]


CASES = [
    pytest.param(
        shell,
        case["script"],
        case[shell],
        id=f"{shell}: {case['script']}",
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN[shell, case["script"]])]
        if (shell, case["script"]) in KNOWN
        else [],
    )
    for case in RECORDED["cases"]
    for shell in IMAGES
]


@pytest.mark.parametrize(("shell", "script", "expected"), CASES)
def test_the_sandbox_shell_answers_as_the_real_one(shell: str, script: str, expected: list) -> None:
    assert sandbox(shell, script) == expected
