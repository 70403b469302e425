"""A damaged or lost sandbox state is reported with the way out, never lost silently.

Also: the sandbox's helpers end with their database, ``course reset --sandbox`` recovers,
and the history keeps no secrets and is private to its owner.
"""

from __future__ import annotations

import json
import shutil
import stat
import sys
import time
from pathlib import Path

import pytest
from hostile_tools import run_capped
from ports import unused_port

from grader.history import redact


def _damage(state: Path, how: str) -> None:
    db = state / "state.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    if how == "truncated":
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 3])
    elif how == "overwritten":
        db.write_bytes(b"this is not a database\n" * 100)
    elif how == "empty":
        db.write_bytes(b"")
    elif how == "missing":
        db.unlink()


@pytest.fixture
def used(hostile):
    """A sandbox with a container and a backup of its state."""
    assert hostile.docker("create", "--name", "kept", "busybox").code == 0
    backup = hostile.state / "state.db.bak"
    shutil.copy(hostile.state / "state.db", backup)
    return hostile


@pytest.mark.slow
@pytest.mark.parametrize("how", ["truncated", "overwritten", "empty", "missing"])
def test_damaged_state_is_reported_and_recoverable(used, how) -> None:
    _damage(used.state, how)
    for argv in (("ps", "-a"), ("run", "--rm", "busybox", "true"), ("images",)):
        outcome = used.docker(*argv)
        assert outcome.code == 1, outcome.output
        assert "course reset --sandbox" in outcome.stderr, outcome.output
        assert "state database" in outcome.stderr
        assert outcome.stdout == ""
    restored = run_capped(
        [sys.executable, "-m", "grader.course.cli", "reset", "--sandbox", "--restore"],
        cwd=used.work,
        env=used.env,
    )
    assert restored.code == 0, restored.output
    assert "kept" in used.docker("ps", "-a").stdout
    if how != "missing":
        assert list(used.state.glob("state.db.damaged-*")), "the damaged database was deleted"


@pytest.mark.slow
def test_reset_starts_afresh(used) -> None:
    _damage(used.state, "overwritten")
    fresh = run_capped(
        [sys.executable, "-m", "grader.course.cli", "reset", "--sandbox"],
        cwd=used.work,
        env=used.env,
    )
    assert fresh.code == 0, fresh.output
    used.still_answers()
    assert "kept" not in used.docker("ps", "-a").stdout


@pytest.mark.slow
def test_state_is_private(hostile) -> None:
    hostile.still_answers()
    assert stat.S_IMODE(hostile.state.stat().st_mode) == 0o700
    assert stat.S_IMODE((hostile.state / "state.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((hostile.state / "history.jsonl").stat().st_mode) == 0o600


@pytest.mark.slow
def test_history_keeps_no_secrets(hostile) -> None:
    hostile.docker("login", "-u", "me", "-p", "S3cret-1", "127.0.0.1:1")
    hostile.docker("run", "--rm", "-e", "DB_PASSWORD=S3cret-2", "-e", "MODE=dev", "busybox", "true")
    hostile.kubectl("create", "secret", "generic", "db", "--from-literal=password=S3cret-3")
    text = (hostile.state / "history.jsonl").read_text()
    assert "S3cret" not in text
    argv = [json.loads(line)["argv"] for line in text.splitlines()]
    assert ["docker", "run", "--rm", "-e", "DB_PASSWORD=***", "-e", "MODE=dev"] == argv[1][:7]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("docker login -pS3cret", "docker login -p***"),
        ("docker login --password=S3cret", "docker login --password=***"),
        ("docker run --env API_TOKEN=t x", "docker run --env API_TOKEN=*** x"),
        ("docker build --build-arg NPM_TOKEN=t .", "docker build --build-arg NPM_TOKEN=*** ."),
        ("docker run -p 8080:80 nginx", "docker run -p 8080:80 nginx"),
        ("docker run -e PASSWORD x", "docker run -e PASSWORD x"),
        (
            "kubectl create secret generic s --from-literal k=v",
            "kubectl create secret generic s --from-literal k=***",
        ),
    ],
)
def test_redact(line, expected) -> None:
    assert redact(line.split()) == expected.split()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _helper_pids(state: Path) -> list[int]:
    from grader.engine.sandbox.ports import _helpers_of

    return [pid for pid, _ in _helpers_of(state)]


def _wait_gone(pids: list[int], seconds: float = 15.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if _alive(pid)]
        if not alive:
            return []
        time.sleep(0.2)
    return [pid for pid in pids if _alive(pid)]


@pytest.mark.slow
@pytest.mark.parametrize("how", ["overwritten", "missing", "folder"])
def test_helpers_end_with_their_database(hostile, how) -> None:
    port = unused_port()
    assert hostile.docker("run", "-d", "-p", f"{port}:80", "nginx").code == 0
    pids = _helper_pids(hostile.state)
    assert pids, "no helper serves the published port"
    if how == "folder":
        # Moved away in one step, then deleted once the helpers are gone: a helper that looks
        # at its database while ``rm -rf`` is half-way through reopens its WAL files there.
        removed = hostile.state.rename(hostile.root / "removed")
        assert _wait_gone(pids) == []
        shutil.rmtree(removed)
    else:
        _damage(hostile.state, how)
    assert _wait_gone(pids) == []


def _read_only(hostile, *argv: str):
    """``python -m grader ARGV`` with the sandbox folder mounted read-only (own namespace)."""
    folder = str(hostile.state)
    script = (
        f'mount --bind "{folder}" "{folder}" && mount -o remount,ro,bind "{folder}" "{folder}"'
        ' && exec "$@"'
    )
    return run_capped(
        ["unshare", "--mount", "sh", "-c", script, "sh", sys.executable, "-m", "grader", *argv],
        cwd=hostile.work,
        env=hostile.env,
    )


@pytest.mark.slow
def test_read_only_folder_reads_and_refuses_writes(used) -> None:
    probe = _read_only(used, "docker", "version", "--format", "{{.Client.Version}}")
    if probe.code != 0:
        pytest.skip(f"no private read-only mount here: {probe.output.strip()[:200]}")
    listed = _read_only(used, "docker", "ps", "-a")
    assert listed.code == 0, listed.output
    assert "kept" in listed.stdout
    refused = _read_only(used, "docker", "run", "--rm", "busybox", "true")
    assert refused.code != 0
    assert "read-only" in refused.stderr and "Traceback" not in refused.output
    assert _read_only(used, "kubectl", "get", "pods").code == 0
    created = _read_only(used, "kubectl", "create", "deployment", "ro", "--image", "nginx")
    assert created.code == 1
    assert created.stderr.startswith("error: cannot write the simulated cluster's state")


@pytest.mark.slow
def test_registry_helper_is_stopped_and_ends_with_its_database(tmp_path) -> None:
    from grader.engine.sandbox import SandboxEngine, shutdown_all

    state = tmp_path / "sandbox"
    engine = SandboxEngine(state)
    assert engine.serve_registry(unused_port())
    pids = _helper_pids(state)
    assert pids, "the registry helper is not found through /proc"
    shutdown_all(state)
    assert _wait_gone(pids) == []
    assert engine.serve_registry(unused_port())
    pids = _helper_pids(state)
    (state / "state.db").rename(state / "elsewhere.db")
    assert _wait_gone(pids) == []
