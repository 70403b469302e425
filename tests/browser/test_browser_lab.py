"""A student's first minutes in a real browser: JupyterLab on the release, in headless Chromium.

The lab is started the way Binder and ``make lab`` start it (``labkit.start_lab``), then
Playwright opens the ps1 fixture notebook, runs it, and looks at what a student sees: no
kernel picker, no "Jupyter news" prompt, the ``%%docker`` cell's output, the check cell's
verdict, and a diagram that answers a click.
Screenshots go to artifacts/browser/.
"""

from __future__ import annotations

import re

import pytest
from labkit import ARTIFACTS, CELL_OUTPUT, KERNEL_IDLE, TOKEN, run_cell
from ports import unused_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]


CAPTION_SAYS_60_S = """() => {
  const caption = document.querySelector('.course-widget .cw-caption');
  return caption !== null && caption.innerText.includes('60 s');
}"""


ANSWER = "docker run -d --name ps1-web -p {port}:80 nginx:latest"
SETUP_CELLS, DOCKER_CELL, CHECK_CELL = (1, 2, 4), 5, 6
"""Code cells of ps1: set-up, diagram, exercise start; the answer; the visible test."""


def test_a_student_runs_the_fixture_notebook(lab: str, page) -> None:
    page.goto(f"{lab}/lab/tree/ps1/ps1.ipynb?token={TOKEN}")
    page.wait_for_function(KERNEL_IDLE, timeout=90_000)
    assert page.locator(".jp-Dialog").count() == 0, "a dialog (kernel picker?) opened"
    for index in SETUP_CELLS:
        run_cell(page, index)

    editor = page.locator(".jp-Notebook .jp-Cell").nth(DOCKER_CELL).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"%%docker\n{ANSWER.format(port=unused_port())}")
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
