"""The real-CLI pass-through: shim detection, the course label, grading rules, timeouts."""

from __future__ import annotations

import io
import os
import stat

import pytest

from grader.dockercli.passthrough import (
    command_words,
    find_real_docker,
    is_shim,
    labelled_argv,
    run_real_cli,
)
from grader.engine.errors import GradingRefused

LABEL = ["--label", "course=docker-k8s"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["run", "-d", "nginx"], ["run", *LABEL, "-d", "nginx"]),
        (["container", "run", "nginx"], ["container", "run", *LABEL, "nginx"]),
        (["create", "busybox"], ["create", *LABEL, "busybox"]),
        (["container", "create", "busybox"], ["container", "create", *LABEL, "busybox"]),
        (["build", "-t", "a", "."], ["build", *LABEL, "-t", "a", "."]),
        (["image", "build", "."], ["image", "build", *LABEL, "."]),
        (["builder", "build", "."], ["builder", "build", *LABEL, "."]),
        (["volume", "create", "v"], ["volume", "create", *LABEL, "v"]),
        (["network", "create", "n"], ["network", "create", *LABEL, "n"]),
        (["-H", "unix:///x", "run", "nginx"], ["-H", "unix:///x", "run", *LABEL, "nginx"]),
        (["--debug", "volume", "create"], ["--debug", "volume", "create", *LABEL]),
        (["ps", "-a"], ["ps", "-a"]),
        (["volume", "ls"], ["volume", "ls"]),
        (["image", "ls"], ["image", "ls"]),
        (["exec", "web", "run"], ["exec", "web", "run"]),
    ],
)
def test_label_goes_right_after_the_command_words(argv, expected):
    assert labelled_argv(argv) == expected


def test_command_words_skip_global_flags():
    assert command_words(["--context", "default", "-D", "container", "ls", "-a"]) == (3, 5)
    assert command_words(["--host=unix:///x", "ps"]) == (1, 2)
    assert command_words([]) == (0, 0)


def _write_exe(path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_the_course_shim_is_skipped_and_a_real_cli_found(tmp_path, monkeypatch):
    shim_dir = tmp_path / "shim"
    real_dir = tmp_path / "real"
    shim_dir.mkdir()
    real_dir.mkdir()
    _write_exe(shim_dir / "docker", '#!/bin/sh\nexec python -m grader docker "$@"\n')
    _write_exe(real_dir / "docker", '#!/bin/sh\necho real "$@"\n')
    assert is_shim(shim_dir / "docker")
    assert not is_shim(real_dir / "docker")
    assert find_real_docker(f"{shim_dir}{os.pathsep}{real_dir}") == real_dir / "docker"
    assert find_real_docker(str(shim_dir)) is None
    monkeypatch.setenv("PATH", f"{shim_dir}{os.pathsep}{real_dir}")
    out, err = io.StringIO(), io.StringIO()
    assert run_real_cli(["run", "busybox"], stdout=out, stderr=err) == 0
    assert out.getvalue() == "real run --label course=docker-k8s busybox\n"
    monkeypatch.setenv("PATH", str(shim_dir))
    assert run_real_cli(["ps"], stdout=out, stderr=err) is None


def test_grading_mode_refuses_before_running(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    _write_exe(tmp_path / "docker", f"#!/bin/sh\ntouch {marker}\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("COURSE_GRADING", "1")
    with pytest.raises(GradingRefused, match="privileged"):
        run_real_cli(["run", "--privileged", "busybox"], stdout=io.StringIO(), stderr=io.StringIO())
    assert not marker.exists()


def test_a_timed_out_command_is_stopped(tmp_path, monkeypatch):
    _write_exe(tmp_path / "docker", "#!/bin/sh\necho start\nexec /bin/sleep 30\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    out, err = io.StringIO(), io.StringIO()
    assert run_real_cli(["logs", "-f", "web"], stdout=out, stderr=err, timeout=1) == 124
    assert out.getvalue() == "start\n"
    assert "stopped after 1s" in err.getvalue()


@pytest.mark.real_engine
def test_attached_run_of_a_server_keeps_running_after_the_timeout(
    real_engine, course_images, cleanup_names, port, http_get
):
    name = f"{cleanup_names}-srv"
    out, err = io.StringIO(), io.StringIO()
    code = run_real_cli(
        ["run", "--name", name, "-p", f"{port}:80", "nginx"], stdout=out, stderr=err, timeout=3
    )
    assert code == 0, err.getvalue()
    assert "keeps running" in err.getvalue()
    state = real_engine.inspect_container(name)
    assert state["State"]["Running"] is True
    assert state["Config"]["Labels"]["course"] == "docker-k8s"
    assert "Welcome to nginx!" in http_get(f"http://127.0.0.1:{port}/")


@pytest.mark.real_engine
def test_real_cli_output_and_exit_code_come_through(real_engine, course_images, cleanup_names):
    out, err = io.StringIO(), io.StringIO()
    assert run_real_cli(["run", "--rm", "hello-world"], stdout=out, stderr=err) == 0
    assert "Hello from Docker!" in out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert run_real_cli(["rm", f"{cleanup_names}-none"], stdout=out, stderr=err) == 1
    assert err.getvalue() == (
        f"Error response from daemon: No such container: {cleanup_names}-none\n"
    )
