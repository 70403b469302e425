"""The sandbox shell prints what dash and busybox ash print (recorded in tests/data/shell).

Each recorded script runs as ``sh -c SCRIPT`` in the sandbox's shell over a Debian image
(dash, GNU coreutils) and over an Alpine image (busybox ash and applets) and must give the
recorded stdout, stderr and exit code. ``record_shell.py`` beside the data re-records it.
"""

from __future__ import annotations

import pytest
from shell_corpus import cases

from grader.engine.sandbox.catalogue import filesystem
from grader.engine.sandbox.fs import ScratchFS
from grader.engine.sandbox.programs import context
from grader.engine.sandbox.reach import Offline
from grader.engine.sandbox.shell import run_argv

IMAGES = {"dash": "debian-12", "busybox": "alpine-3.20"}


def sandbox(shell: str, script: str) -> list:
    fs = ScratchFS(filesystem(IMAGES[shell]))
    ctx = context({"Config": {"Hostname": "box", "WorkingDir": "/tmp"}}, fs, Offline())
    code, out, err = run_argv(["sh", "-c", script], ctx)
    return [out.decode(), err.decode(), code]


@pytest.mark.parametrize(("shell", "script", "expected"), cases(IMAGES))
def test_the_sandbox_shell_answers_as_the_real_one(shell: str, script: str, expected: list) -> None:
    assert sandbox(shell, script) == expected
