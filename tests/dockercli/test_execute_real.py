"""The executor on a real daemon, compared line for line with the real Docker 28 CLI.

Each comparison runs the same words through :func:`grader.dockercli.executor` (Engine API)
and through ``docker`` itself; outputs with times in them use formats without times.
"""

from __future__ import annotations

import io
import subprocess
import uuid

import pytest
from ports import unused_port
from watched_engine import Watched

from grader.dockercli import execute
from grader.dockercli.passthrough import find_real_docker

pytestmark = pytest.mark.real_engine

CLI = find_real_docker()  # never the course's own shim, which may be on PATH


def ours(engine, *argv: str, timeout: float | None = 20) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = execute(list(argv), engine, stdout=out, stderr=err, timeout=timeout)
    return out.getvalue(), err.getvalue(), code


@pytest.fixture(autouse=True)
def _docker_cli(missing_real_part) -> None:
    """Every test here compares with the real CLI: without one it skips (fails in CI)."""
    if CLI is None:
        missing_real_part("no docker CLI to compare with")


def theirs(*argv: str) -> tuple[str, str, int]:
    assert CLI is not None
    proc = subprocess.run([str(CLI), *argv], capture_output=True, text=True, check=False)
    return proc.stdout, proc.stderr, proc.returncode


@pytest.fixture
def name(real_engine) -> str:
    """A unique container name, removed afterwards."""
    value = f"rndt-{uuid.uuid4().hex[:8]}"
    yield value
    try:
        real_engine.remove_container(value, force=True)
    except Exception:  # noqa: BLE001 - already gone is fine
        pass


def test_detached_run_prints_full_id_and_ps_matches_cli(real_engine, name: str) -> None:
    port = unused_port()
    out, err, code = ours(
        real_engine, "run", "-d", "--name", name, "-p", f"{port}:80", "busybox", "httpd", "-f"
    )
    assert code == 0, err
    assert len(out.strip()) == 64
    fmt = "table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.Ports}}\\t{{.Names}}\\t{{.State}}"
    argv = ("ps", "--filter", f"name={name}", "--format", fmt)
    mine = ours(real_engine, *argv)
    assert f"0.0.0.0:{port}->80/tcp" in mine[0]
    assert mine == theirs(*argv)
    assert ours(real_engine, "inspect", name) == theirs("inspect", name)
    assert ours(real_engine, "port", name) == theirs("port", name)


def test_foreground_run_relays_streams_and_exit_code(real_engine, name: str) -> None:
    out, err, code = ours(
        real_engine, "run", "--name", name, "busybox", "sh", "-c", "echo out; echo err >&2; exit 3"
    )
    assert (out, err, code) == ("out\n", "err\n", 3)
    assert ours(real_engine, "logs", name) == theirs("logs", name)
    assert ours(real_engine, "wait", name) == ("3\n", "", 0)


def test_run_rm_removes_the_container(real_engine, name: str) -> None:
    assert ours(real_engine, "run", "--rm", "--name", name, "busybox", "echo", "bye") == (
        "bye\n",
        "",
        0,
    )
    assert ours(real_engine, "ps", "-aq", "--filter", f"name={name}") == ("", "", 0)


def test_follow_is_bounded_and_says_so(real_engine, name: str) -> None:
    ours(real_engine, "run", "-d", "--name", name, "busybox", "sh", "-c", "echo hi; sleep 60")
    out, err, code = ours(real_engine, "logs", "-f", name, timeout=1.0)
    assert (out, code) == ("hi\n", 0)
    assert err == "(stopped following after 1s; the container keeps running)\n"


def test_exec_output_and_code(real_engine, name: str) -> None:
    ours(real_engine, "run", "-d", "--name", name, "busybox", "sleep", "60")
    argv = ("exec", name, "sh", "-c", "echo hi; echo no >&2; exit 4")
    assert ours(real_engine, *argv) == ("hi\n", "no\n", 4) == theirs(*argv)


@pytest.mark.parametrize(
    "argv",
    [
        ("rm", "rndt-nosuch"),
        ("rm", "-f", "rndt-nosuch"),
        ("start", "rndt-nosuch"),
        ("stop", "rndt-nosuch", "rndt-nosuch2"),
        ("logs", "rndt-nosuch"),
        ("inspect", "rndt-nosuch"),
        ("container", "inspect", "rndt-nosuch"),
        ("rmi", "rndt-nosuch"),
        ("rename", "rndt-nosuch", "x"),
        ("volume", "rm", "rndt-nosuch"),
        ("logs", "--since", "yesterday", "rndt-nosuch"),
        ("ps", "--format", "{{.Nope}}"),
        ("ps", "--format", "{{nope}}"),
        ("run", "--name", "bad name", "busybox"),
        ("run", "-p", "99999:80", "busybox"),
    ],
)
def test_errors_match_cli(real_engine, argv: tuple[str, ...]) -> None:
    assert ours(real_engine, *argv) == theirs(*argv)


def test_tag_and_rmi_lines(real_engine) -> None:
    ref = f"rndt-tag-{uuid.uuid4().hex[:6]}:1.0"
    assert ours(real_engine, "tag", "busybox:latest", ref) == ("", "", 0)
    assert ours(real_engine, "rmi", ref) == (f"Untagged: {ref}\n", "", 0)


def test_attach_refuses_a_stopped_container_as_the_cli_does(real_engine, name: str) -> None:
    real_engine.create_container("busybox", ["true"], name=name)
    watched = Watched(real_engine)
    assert ours(watched, "attach", name) == theirs("attach", name)
    assert watched.calls == ["register_wait", "inspect_container"]


def test_attach_takes_the_exit_code_from_its_registered_wait(real_engine, name: str) -> None:
    """dockerd answers the wait's headers at once: the wait is in place before the look-up,
    so a container killed right after the look-up ends the attach with that exit's code."""
    real_engine.start(real_engine.create_container("busybox", ["sleep", "600"], name=name)["Id"])
    watched = Watched(real_engine, after_lookup=lambda: real_engine.kill(name))
    assert ours(watched, "attach", name) == ("", "", 137)
    assert watched.calls[:2] == ["register_wait", "inspect_container"]
