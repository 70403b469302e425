"""The installed ``docker`` shim and ``python -m grader docker`` on the sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from grader import history
from grader.dockercli.shim import install_shim, script_text
from grader.serve.daemon import stop


def _env(sandbox_dir: Path) -> dict[str, str]:
    return dict(os.environ, COURSE_ENGINE="sandbox", COURSE_SANDBOX_DIR=str(sandbox_dir))


def test_shim_script_execs_this_interpreter_isolated(tmp_path: Path) -> None:
    path = install_shim(tmp_path / "bin")
    assert path == tmp_path / "bin" / "docker"
    assert os.access(path, os.X_OK)
    text = path.read_text()
    assert text == script_text()
    assert text.startswith(f"#!{sys.executable} -IS\n")
    assert "from grader.serve.client import main" in text
    assert "grader" in text  # the marker the real-CLI pass-through uses to skip the shim


def test_shim_runs_docker_commands_on_the_sandbox(tmp_path: Path, sandbox_dir: Path) -> None:
    shim = install_shim(tmp_path / "bin")
    env = _env(sandbox_dir)
    done = subprocess.run([str(shim), "ps"], env=env, capture_output=True, text=True, cwd="/")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("CONTAINER ID   IMAGE     COMMAND   CREATED")
    bad = subprocess.run(
        [str(shim), "run", "--port", "80", "nginx"], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 125
    assert bad.stderr.splitlines()[0] == "unknown flag: --port"
    recorded = [(e.argv, e.exit_code, e.source) for e in history.entries()]
    assert recorded[-2:] == [
        (["docker", "ps"], 0, "shim"),
        (["docker", "run", "--port", "80", "nginx"], 125, "shim"),
    ]


def test_python_m_grader_docker(sandbox_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "grader", "docker", "run", "--rm", "busybox", "echo", "hi"],
        env=_env(sandbox_dir),
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout) == (0, "hi\n")


def test_module_entry_installs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "grader.dockercli.shim", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert Path(done.stdout.strip()) == tmp_path / "docker"


@pytest.mark.real_engine
def test_shim_on_a_real_daemon_uses_the_real_cli_with_the_course_label(
    tmp_path: Path, real_docker_host: str
) -> None:
    shim = install_shim(tmp_path / "bin")
    env = dict(
        os.environ,
        COURSE_ENGINE="docker",
        DOCKER_HOST=real_docker_host,
        COURSE_SANDBOX_DIR=str(tmp_path / "state"),
    )
    name = f"rndt-shim-{uuid.uuid4().hex[:8]}"

    def docker(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(shim), *argv], env=env, capture_output=True, text=True)

    try:
        assert docker("run", "-d", "--name", name, "busybox", "sleep", "60").returncode == 0
        labels = docker("inspect", "-f", '{{index .Config.Labels "course"}}', name)
        assert (labels.stdout, labels.returncode) == ("docker-k8s\n", 0)
    finally:
        docker("rm", "-f", name)
        stop(tmp_path / "state")  # the sandbox folder's daemon, which ran the commands
