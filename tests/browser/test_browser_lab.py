"""A student's first minutes in a real browser: JupyterLab on the release, in headless Chromium.

The lab is started the way Binder and ``make lab`` start it (the course's settings overrides,
the sandbox engine, a fresh user), then Playwright opens the ps1 fixture notebook, runs it,
and looks at what a student sees: no kernel picker, no "Jupyter news" prompt, the
``%%docker`` cell's output, the check cell's verdict, and a diagram that answers a click.
Screenshots go to artifacts/browser/.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.course.lab import write_overrides
from grader.course.release import main as release

pytestmark = [pytest.mark.browser, pytest.mark.slow]

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_server(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
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


def stop_sandbox(state: Path) -> None:
    from grader.engine.sandbox import SandboxEngine

    SandboxEngine.shutdown_all(state)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running JupyterLab on the fixtures' release; yields its base URL."""
    home = tmp_path_factory.mktemp("lab")
    root = home / "course"
    root.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "tests" / "data" / "course" / "notebooks", root / "notebooks")
    release(root=root, assignments=["ps1"])
    prefix = home / "prefix"
    settings = write_overrides(prefix).parent
    port = free_port()
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "COURSE_ENGINE": "sandbox",
        "COURSE_SANDBOX_DIR": str(home / "sandbox"),
    }
    (home / "sandbox").mkdir()
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
            f"--ServerApp.root_dir={root / 'release'}",
            f"--LabApp.app_settings_dir={settings}",
            "--LabApp.expose_app_in_browser=True",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
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
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        stop_sandbox(home / "sandbox")


@pytest.fixture
def page(tmp_path: Path, request: pytest.FixtureRequest):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 1000},
        )
        page = context.pages[0] if context.pages else context.new_page()
        try:
            yield page
        finally:
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"))
            context.close()


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
CAPTION_SAYS_60_S = """() => {
  const caption = document.querySelector('.course-widget .cw-caption');
  return caption !== null && caption.innerText.includes('60 s');
}"""


ANSWER = "docker run -d --name ps1-web -p 18473:80 nginx:latest"
SETUP_CELLS, DOCKER_CELL, CHECK_CELL = (1, 2, 4), 5, 6
"""Code cells of ps1: set-up, diagram, exercise start; the answer; the visible test."""


def run_cell(page, index: int) -> None:
    """Select cell ``index``, run it with Shift+Enter like a student, wait for it to finish."""
    before = page.evaluate(EXECUTION_COUNT, index)
    page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-InputPrompt").click()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(RAN_SINCE, arg=[index, before], timeout=60_000)


def test_a_student_runs_the_fixture_notebook(lab: str, page) -> None:
    page.goto(f"{lab}/lab/tree/ps1/ps1.ipynb?token={TOKEN}")
    page.wait_for_function(KERNEL_IDLE, timeout=90_000)
    assert page.locator(".jp-Dialog").count() == 0, "a dialog (kernel picker?) opened"
    for index in SETUP_CELLS:
        run_cell(page, index)

    editor = page.locator(".jp-Notebook .jp-Cell").nth(DOCKER_CELL).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"%%docker\n{ANSWER}")
    run_cell(page, DOCKER_CELL)
    docker_output = page.evaluate(CELL_OUTPUT, DOCKER_CELL)
    assert re.fullmatch(r"\s*[0-9a-f]{64}\s*", docker_output), docker_output

    run_cell(page, CHECK_CELL)
    page.screenshot(path=str(ARTIFACTS / "ps1-answered-and-checked.png"), full_page=True)
    check_output = page.evaluate(CELL_OUTPUT, CHECK_CELL)
    assert "✔" in check_output and "1 public check passed" in check_output, check_output
    assert "all tests passed" not in check_output.lower()

    widget = page.locator(".course-widget").first
    widget.scroll_into_view_if_needed()
    assert "0.5 s" in widget.locator(".cw-caption").inner_text()
    widget.get_by_role("button", name="Virtual machines").click()
    page.wait_for_function(CAPTION_SAYS_60_S, timeout=20_000)
    pressed = widget.get_by_role("button", name="Virtual machines").get_attribute("aria-pressed")
    assert pressed == "true"
    widget.screenshot(path=str(ARTIFACTS / "ps1-widget-after-click.png"))

    assert page.get_by_text("Jupyter news").count() == 0, "the news prompt showed up"
    assert page.locator(".jp-Dialog").count() == 0
