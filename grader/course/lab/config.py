"""The student lab's Jupyter configuration folder (``JUPYTER_CONFIG_PATH`` of ``make lab``).

The folder holds what only the student's lab should see, so an instructor's own
``jupyter lab`` in the same environment keeps nbgrader's instructor tools:

- ``jupyter_server_config.json``: nbgrader's instructor server extensions off, and the
  terminals started through the course's launcher (:mod:`grader.course.lab.terminal`);
- ``labconfig/page_config.json``: nbgrader's instructor plugins (Formgrader, Create
  Assignment, Courses) disabled, what ``jupyter labextension disable`` writes;
- ``terminal/``: the terminal launcher and its shell start-up files.

Jupyter reads a folder named in ``JUPYTER_CONFIG_PATH`` before the environment's own
``etc/jupyter``, so these settings win over the extensions' enabling files.
"""

from __future__ import annotations

import json
from pathlib import Path

from grader.course.lab import terminal

INSTRUCTOR_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
)
"""nbgrader's server extensions that only an instructor uses."""

INSTRUCTOR_LAB_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
)
"""nbgrader's JupyterLab plugins that only an instructor uses."""


def config_dir(prefix: Path) -> Path:
    """The student lab's configuration folder in the environment at ``prefix``."""
    return Path(prefix) / "etc" / "course-lab"


def server_config(launcher: Path) -> dict:
    """``jupyter_server_config.json``: instructor extensions off, terminals via ``launcher``."""
    return {
        "ServerApp": {
            "jpserver_extensions": dict.fromkeys(INSTRUCTOR_SERVER_EXTENSIONS, False),
            "terminado_settings": {"shell_command": [str(launcher)]},
        }
    }


def page_config() -> dict:
    """``labconfig/page_config.json``: the instructor plugins disabled."""
    return {"disabledExtensions": dict.fromkeys(INSTRUCTOR_LAB_PLUGINS, True)}


def write(prefix: Path) -> Path:
    """Write the student lab's configuration folder for ``prefix``; return the folder."""
    prefix = Path(prefix).resolve()
    folder = config_dir(prefix)
    launcher = terminal.install(folder / "terminal", prefix / "bin")
    files = {
        folder / "jupyter_server_config.json": server_config(launcher),
        folder / "labconfig" / "page_config.json": page_config(),
    }
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    return folder
