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
