"""Binder runs the course from binder/ alone: pinned requirements, postBuild, the badge.

The slow test rebuilds the environment the way repo2docker does, as closely as this machine
allows: a fresh virtualenv from the base interpreter, ``pip install -r
binder/requirements.txt`` in a copy of the repository, ``binder/postBuild``, then JupyterLab
from that environment and the first and the last released notebooks run (answers filled in)
on the sandbox: the badge's notebook, and the capstone, which uses every tool of the course.
The others run solved in CI's own environment (``tests/notebooks/test_leaks.py``), whose
packages are the ones pinned here (``test_requirements_pin_exactly_what_ci_tests``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from netns import ISOLATE, isolation_available
from ports import unused_port

from grader.serve.daemon import stop

REPO = Path(__file__).resolve().parents[2]
BINDER = REPO / "binder"


def load_pin():
    spec = importlib.util.spec_from_file_location("binder_pin", BINDER / "pin.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_requirements_pin_exactly_what_ci_tests() -> None:
    pin = load_pin()
    assert pin.main(["--check"]) == 0, "binder/requirements.txt is stale: run binder/pin.py"
    lines = [
        line
        for line in (BINDER / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert lines[-1] == "-e ."
    assert all(re.fullmatch(r"[a-z0-9._-]+==[^=\s]+", line) for line in lines[:-1])
    names = {line.split("==")[0] for line in lines[:-1]}
    assert {"nbgrader", "jupyterlab", "ipywidgets", "anywidget", "docker", "click"} <= names
    assert not names & {"pytest", "playwright", "ruff", "hypothesis"}, "test tools on Binder"


def test_runtime_matches_the_tested_python() -> None:
    wanted = (BINDER / "runtime.txt").read_text().strip()
    assert wanted == f"python-{sys.version_info.major}.{sys.version_info.minor}"


def test_post_build_is_an_executable_bash_script() -> None:
    script = BINDER / "postBuild"
    assert os.access(script, os.X_OK)
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    assert "course prepare-lab" in script.read_text()


def test_badge_opens_the_first_released_notebook() -> None:
    badge = re.search(r"urlpath=lab/tree/(\S+?\.ipynb)\)", (BINDER / "README.md").read_text())
    assert badge, "binder/README.md has no badge with a urlpath"
    first = sorted(p.name for p in (REPO / "notebooks").glob("*/") if p.is_dir())[0]
    assert badge.group(1) == f"release/{first}/{first}.ipynb"
    assert (REPO / "notebooks" / first / f"{first}.ipynb").is_file()


def repository_copy(target: Path) -> Path:
    """The files git would give repo2docker (tracked and new, not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listed:
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def get_json(url: str, deadline: float) -> dict:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.loads(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.mark.slow
def test_a_fresh_binder_environment_runs_the_course(tmp_path: Path) -> None:
    repo = repository_copy(tmp_path / "repo")
    venv = tmp_path / "venv"
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True)
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "VIRTUAL_ENV": str(venv),
        "HOME": str(tmp_path / "home"),
        "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip")),
        "DOCKER_HOST": "unix:///nonexistent.sock",  # mybinder.org has no daemon
        "COURSE_ENGINE": "auto",
        "COURSE_SANDBOX_DIR": str(tmp_path / "sandbox"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "home" / ".jupyter"),
    }
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "-r", "binder/requirements.txt"], cwd=repo, env=env, check=True)
    post = subprocess.run(["binder/postBuild"], cwd=repo, env=env, capture_output=True, text=True)
    assert post.returncode == 0, post.stdout + post.stderr

    try:
        check_environment(repo, env, tmp_path)
    finally:
        stop(tmp_path / "sandbox")  # the sandbox daemon the terminal's docker started


def check_environment(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    """What a student's Binder session does: terminal commands, the lab, two notebooks."""
    venv = Path(env["VIRTUAL_ENV"])
    released = sorted(p.name for p in (repo / "release").iterdir())
    assert released == sorted(p.name for p in (repo / "notebooks").glob("*/") if p.is_dir())
    docker = subprocess.run(["docker", "ps"], env=env, capture_output=True, text=True)
    assert shutil.which("docker", path=env["PATH"]) == str(venv / "bin" / "docker")
    assert docker.stdout.startswith("CONTAINER ID"), docker.stdout + docker.stderr
    kubectl = subprocess.run(["kubectl", "get", "nodes"], env=env, capture_output=True, text=True)
    assert kubectl.returncode == 0, kubectl.stderr

    port = unused_port()
    lab = subprocess.Popen(
        [
            str(venv / "bin" / "jupyter"),
            "lab",
            "--no-browser",
            f"--port={port}",
            "--IdentityProvider.token=binder",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        cwd=repo,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        get_json(f"{base}/api/status?token=binder", deadline)
        plugin = "@jupyterlab/apputils-extension:notification"
        settings = get_json(f"{base}/lab/api/settings/{plugin}?token=binder", deadline)
        assert settings["schema"]["properties"]["fetchNews"]["default"] == "false"
        first = released[0]
        notebook = get_json(
            f"{base}/api/contents/release/{first}/{first}.ipynb?token=binder", deadline
        )
        assert notebook["content"]["metadata"]["kernelspec"]["name"] == "python3"
    finally:
        lab.terminate()
        lab.wait(timeout=30)

    work = tmp_path / "run"
    work.mkdir()
    # In a network namespace of its own when possible: the notebooks publish fixed ports.
    isolate = [*ISOLATE, "run"] if isolation_available() else []
    ran = [released[0], released[-1]]
    run = subprocess.run(
        [
            *isolate,
            str(venv / "bin" / "python"),
            str(Path(__file__).with_name("run_solved_release.py")),
            str(repo),
            str(work),
            *ran,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert run.returncode == 0, run.stderr
    errors = json.loads(run.stdout)
    assert sorted(errors) == ran
    assert {name: found for name, found in errors.items() if found} == {}
