"""``course prepare-lab``: what Binder's postBuild and ``make lab`` leave behind."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.course.cli import cli


def test_prepare_lab_installs_shims_and_quiet_settings(
    course: Path, tmp_path: Path, sandbox_dir: Path
) -> None:
    prefix = tmp_path / "env"
    overrides = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    overrides.parent.mkdir(parents=True)
    theme = {"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}
    overrides.write_text(json.dumps(theme))

    result = CliRunner().invoke(
        cli, ["--root", str(course), "prepare-lab", "--prefix", str(prefix), "--no-release"]
    )
    assert result.exit_code == 0, result.output
    settings = json.loads(overrides.read_text())
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert (
        settings["@jupyterlab/apputils-extension:themes"]
        == theme["@jupyterlab/apputils-extension:themes"]
    )

    env = {**os.environ, "PATH": f"{prefix / 'bin'}:/usr/bin:/bin"}
    docker = subprocess.run(["docker", "ps"], env=env, capture_output=True, text=True)
    assert docker.returncode == 0, docker.stderr
    assert docker.stdout.startswith("CONTAINER ID")
    kubectl = subprocess.run(["kubectl", "get", "pods"], env=env, capture_output=True, text=True)
    assert kubectl.returncode == 0, kubectl.stderr
    assert "No resources found in default namespace." in kubectl.stdout + kubectl.stderr
    assert not (course / "release").exists()


@pytest.mark.slow
def test_prepare_lab_builds_the_release(course: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--root", str(course), "prepare-lab", "--prefix", str(tmp_path / "env")]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (course / "release").iterdir()) == ["ps0", "ps1"]


@pytest.fixture
def student_lab(tmp_path: Path, sandbox_dir: Path) -> Path:
    """The student lab's configuration folder of a fresh environment (shims installed)."""
    from grader.course.lab import install_shims
    from grader.course.lab.config import write

    prefix = tmp_path / "env"
    install_shims(prefix / "bin")
    return write(prefix)


def open_terminal(lab: Path, shell: str, home: Path, cwd: Path, typed: str) -> list[str]:
    """Run the lab's terminal launcher as JupyterLab would; the lines it printed."""
    from grader.course.lab.terminal import LAUNCHER

    env = {
        "HOME": str(home),
        "SHELL": shell,
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "JUPYTER_SERVER_ROOT": str(home / "release"),
        "COURSE_ENGINE": "sandbox",
        "COURSE_SANDBOX_DIR": os.environ["COURSE_SANDBOX_DIR"],
        "ENV": str(home / ".shrc"),
    }
    done = subprocess.run(
        [str(lab / "terminal" / LAUNCHER)],
        input=typed + "\nexit\n",
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("shell", ["/bin/bash", "/bin/sh"])
def test_terminal_runs_the_course_docker_whatever_the_start_up_files_do(
    student_lab: Path, tmp_path: Path, shell: str
) -> None:
    home = tmp_path / "home"
    (home / "release" / "ps1").mkdir(parents=True)
    reset = "PATH=/usr/local/bin:/usr/bin:/bin; export PATH\n"  # what /etc/profile does
    (home / ".bashrc").write_text(reset)
    (home / ".shrc").write_text(reset)
    typed = "command -v docker; command -v kubectl; pwd; docker ps"
    docker, kubectl, folder, header = open_terminal(student_lab, shell, home, tmp_path, typed)[:4]
    bin_dir = tmp_path.resolve() / "env" / "bin"
    assert (docker, kubectl) == (str(bin_dir / "docker"), str(bin_dir / "kubectl"))
    assert folder == str((home / "release").resolve()), "outside the root: opens in the root"
    assert header.startswith("CONTAINER ID")
    inside = home / "release" / "ps1"
    assert open_terminal(student_lab, shell, home, inside, "pwd")[0] == str(inside.resolve())


def test_student_lab_config_hides_instructor_tools_and_sets_the_terminal(
    student_lab: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_server.serverapp import ServerApp
    from jupyterlab_server.config import get_static_page_config

    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(student_lab))
    app = ServerApp()
    app.load_config_file()
    app.find_server_extensions()
    assert app.jpserver_extensions["nbgrader.server_extensions.formgrader"] is False
    assert app.jpserver_extensions["nbgrader.server_extensions.course_list"] is False
    assert app.jpserver_extensions["nbgrader.server_extensions.assignment_list"] is True
    assert app.terminado_settings["shell_command"] == [str(student_lab / "terminal" / "terminal")]
    disabled = get_static_page_config()["disabledExtensions"]
    assert disabled["@jupyter/nbgrader:formgrader"] is True
    assert disabled["@jupyter/nbgrader:create-assignment"] is True

    monkeypatch.delenv("JUPYTER_CONFIG_PATH")
    instructor = ServerApp()
    instructor.load_config_file()
    instructor.find_server_extensions()
    assert instructor.jpserver_extensions["nbgrader.server_extensions.formgrader"] is True
