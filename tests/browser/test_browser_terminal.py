"""A student's JupyterLab terminal, in headless Chromium: the course's commands, the release.

The lab's user has a ``~/.bashrc`` that resets ``PATH`` (as Debian's ``/etc/profile`` does
for a login shell) and the server runs outside the release folder; the terminal must still
run the course's ``docker`` (the sandbox's table, not "Cannot connect to the Docker
daemon") and open in the release folder. The student lab shows no nbgrader instructor tool.
"""

from __future__ import annotations

import pytest
from labkit import ARTIFACTS, TOKEN

pytestmark = [pytest.mark.browser, pytest.mark.slow]

APP_READY = "() => window.jupyterapp?.commands.hasCommand('terminal:create-new') === true"
TERMINAL = """(id) => Array.from(window.jupyterapp.shell.widgets('main')).find(w => w.id === id)"""
TERMINAL_TEXT = f"""(id) => {{
  const term = ({TERMINAL})(id)?.content?._term;
  if (!term) return '';
  const buffer = term.buffer.active;
  const lines = [];
  for (let row = 0; row < buffer.length; row++) {{
    lines.push(buffer.getLine(row).translateToString(true));
  }}
  return lines.join('\\n');
}}"""
PROMPTED = f"""(id) => {{
  const terminal = ({TERMINAL})(id);
  return terminal?.content?.session?.connectionStatus === 'connected'
    && ({TERMINAL_TEXT})(id).trim().length > 0;
}}"""
SAYS = f"""([id, marker]) =>
  ({TERMINAL_TEXT})(id).split('\\n').some(line => line.startsWith(marker))"""
FOCUS = """() => ({
  focused: document.activeElement?.className ?? null,
  current: window.jupyterapp.shell.currentWidget?.id ?? null,
  dialogs: Array.from(document.querySelectorAll('.jp-Dialog')).map(d => d.innerText),
})"""
"""Where the keys went, if the terminal missed them: the focused element, the tab, a dialog."""
TYPED = "command -v docker; pwd; docker ps; echo END-OF-CHECK"


def test_the_terminal_runs_the_course_docker_in_the_release_folder(lab: str, page) -> None:
    page.goto(f"{lab}/lab?token={TOKEN}")
    page.wait_for_function(APP_READY, timeout=90_000)
    # Only once the lab has restored its workspace (the notebook an earlier test left open):
    # a terminal added before that was dropped from the main area when the saved layout was
    # put back (twice in CI: the terminal existed, its tab did not). Brought to the front: the
    # session's one lab may still show that notebook.
    terminal_id = page.evaluate(
        """async () => {
          await window.jupyterapp.restored;
          const terminal = await window.jupyterapp.commands.execute('terminal:create-new');
          window.jupyterapp.shell.activateById(terminal.id);
          return terminal.id;
        }"""
    )
    # Typed as a student would: once the shell has printed its prompt, into the terminal
    # clicked to the front. Read from this terminal, found by its id, whichever tab is
    # current: the lab also restores the terminals and notebook an earlier test opened.
    page.wait_for_function(PROMPTED, arg=terminal_id, timeout=60_000)
    page.locator(f'[id="{terminal_id}"] .xterm-screen').click()
    page.keyboard.type(TYPED + "\n")
    try:
        page.wait_for_function(SAYS, arg=[terminal_id, "END-OF-CHECK"], timeout=60_000)
    finally:
        page.screenshot(path=str(ARTIFACTS / "terminal.png"))
        text = page.evaluate(TERMINAL_TEXT, terminal_id)
        print(f"the terminal showed:\n{text.rstrip()}\nthe page: {page.evaluate(FOCUS)}")
    lines = [line.rstrip() for line in text.splitlines()]
    answer = lines[next(i for i, line in enumerate(lines) if line.endswith(TYPED)) + 1 :]
    docker, folder, header = answer[:3]
    assert docker.endswith("/prefix/bin/docker"), lines
    assert folder.endswith("/course/release"), lines
    assert header.split() == [
        "CONTAINER",
        "ID",
        "IMAGE",
        "COMMAND",
        "CREATED",
        "STATUS",
        "PORTS",
        "NAMES",
    ]


def test_the_student_lab_has_no_instructor_tools(lab: str, page) -> None:
    page.goto(f"{lab}/lab?token={TOKEN}")
    page.wait_for_function(APP_READY, timeout=90_000)
    commands = page.evaluate(
        "() => ['nbgrader:open-formgrader', 'nbgrader:open-create-assignment',"
        " 'nbgrader:open-assignment-list'].map(id => window.jupyterapp.commands.hasCommand(id))"
    )
    assert commands == [False, False, True]
