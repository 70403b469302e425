"""A sandbox daemon (``python -m grader serve``) on a fresh sandbox folder, per test."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from grader.serve.daemon import socket_path, stop


def start_daemon(folder: Path, *extra: str) -> subprocess.Popen[bytes]:
    """Start ``python -m grader serve`` on ``folder``; return once it listens.

    The daemon says "API listen on ..." once its socket is bound (as dockerd does); the
    rest of its error output is drained in the background and kept on ``process.log``.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "grader", "serve", "--folder", str(folder), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    first = process.stderr.readline().decode()
    if not first.startswith("API listen on "):
        process.kill()
        pytest.fail(f"the daemon did not start: {first}{process.stderr.read().decode()}")
    log: list[str] = []
    process.log = log  # type: ignore[attr-defined]
    stream = process.stderr

    def drain() -> None:
        for line in stream:
            log.append(line.decode())

    threading.Thread(target=drain, daemon=True).start()
    return process


@pytest.fixture
def launch() -> Callable[..., subprocess.Popen[bytes]]:
    """:func:`start_daemon`, for tests that start (and watch) their own daemon."""
    return start_daemon


@pytest.fixture
def daemon(sandbox_dir: Path) -> Iterator[str]:
    """``unix://.../docker.sock`` of a daemon serving the test's sandbox folder."""
    process = start_daemon(sandbox_dir)
    try:
        yield f"unix://{socket_path(sandbox_dir)}"
    finally:
        stop(sandbox_dir)
        process.wait(timeout=30)
