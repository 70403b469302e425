"""What the browser tests share: Chromium's options, a lab started like ``make lab``, waits.

:func:`start_lab` starts JupyterLab on a course's release the way ``make lab`` and Binder do
(``course prepare-lab``'s shims, settings overrides and student configuration on
``JUPYTER_CONFIG_PATH``, the sandbox engine), for a fresh user whose ``~/.bashrc`` resets
``PATH`` the way Debian's ``/etc/profile`` does, from a folder outside the release.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ports import unused_port

from grader.course.lab import install_shims, write_overrides
from grader.course.lab.config import write as write_lab_config

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = REPO / "artifacts" / "browser"
TOKEN = "course-browser-test"
RESETS_PATH = "PATH=/usr/local/bin:/usr/bin:/bin\nexport PATH\n"
"""A start-up file line that hides a virtualenv's bin, as Debian's /etc/profile does."""


CELL_OUTPUT = """(index) => {
  const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
  return cell.node.querySelector('.jp-OutputArea')?.innerText ?? '';
}"""
KERNEL_IDLE = """() => {
  const session = window.jupyterapp?.shell.currentWidget?.sessionContext?.session;
  return session?.kernel?.status === 'idle';
}"""
RAN_SINCE = """([index, count]) => {
  const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
  const prompt = cell.node.querySelector('.jp-InputPrompt').innerText;
  return cell.model.executionCount > count && !prompt.includes('*');
}"""
EXECUTION_COUNT = """(index) =>
  window.jupyterapp.shell.currentWidget.content.widgets[index].model.executionCount ?? 0"""


def run_cell(page, index: int) -> None:
    """Select cell ``index``, run it with Shift+Enter like a student, wait for it to finish."""
    before = page.evaluate(EXECUTION_COUNT, index)
    page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-InputPrompt").click()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(RAN_SINCE, arg=[index, before], timeout=60_000)


def wait_for_server(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    """Poll ``url`` until it answers 200; fail when ``process`` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"jupyter lab did not answer {url} within {timeout} s")


def close_terminals(base: str) -> None:
    """Ask the lab to end its terminals' shells (they would outlive a stopped server)."""
    try:
        with urllib.request.urlopen(f"{base}/api/terminals?token={TOKEN}", timeout=10) as answer:
            names = [terminal["name"] for terminal in json.loads(answer.read())]
        for name in names:
            request = urllib.request.Request(
                f"{base}/api/terminals/{name}?token={TOKEN}", method="DELETE"
            )
            urllib.request.urlopen(request, timeout=10).close()
    except OSError:
        return  # the server is gone already: nothing left to ask


@contextmanager
def start_lab(home: Path, release: Path) -> Iterator[str]:
    """A running student lab on ``release`` for a user at ``home``; yields its base URL."""
    prefix = home / "prefix"
    install_shims(prefix / "bin")
    settings = write_overrides(prefix).parent
    (home / ".bashrc").write_text(RESETS_PATH)
    (home / "sandbox").mkdir()
    port = unused_port()
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        "HOME": str(home),
        "SHELL": "/bin/bash",
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_CONFIG_PATH": str(write_lab_config(prefix)),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "COURSE_ENGINE": "sandbox",
        "COURSE_SANDBOX_DIR": str(home / "sandbox"),
    }
    log = (home / "lab.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={release}",
            f"--LabApp.app_settings_dir={settings}",
            "--LabApp.expose_app_in_browser=True",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        cwd=home,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(f"{base}/api/status?token={TOKEN}", process)
        yield base
    finally:
        close_terminals(base)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        from grader.engine.sandbox import SandboxEngine

        SandboxEngine.shutdown_all(home / "sandbox")
