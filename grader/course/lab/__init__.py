"""``course prepare-lab``: make an environment ready for students (Binder's postBuild, make lab).

Four things, all idempotent:

- the student release of every assignment is built into ``release/``;
- the ``docker`` and ``kubectl`` shims (from ``grader.dockercli.shim`` and ``grader.k8s.shim``)
  are installed into the environment's ``bin/``, so a JupyterLab terminal runs the course's
  commands on the selected engine;
- JupyterLab's settings overrides (``share/jupyter/lab/settings/overrides.json``) turn off
  the "Jupyter news" prompt and update checks, so a fresh lab opens straight on the notebook;
- the student lab's configuration folder (:mod:`grader.course.lab.config`,
  ``ENV/etc/course-lab``, named by ``JUPYTER_CONFIG_PATH`` where the student's lab starts):
  terminals that run the course's commands in the release folder, no instructor tools.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from grader.course.errors import CourseError
from grader.course.lab import config
from grader.course.release import main as release

LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
"""JupyterLab settings a student's lab starts with (merged into existing overrides)."""

SHIMS = {"docker": "grader.dockercli.shim", "kubectl": "grader.k8s.shim"}
"""Command name on PATH -> module whose ``install(bin_dir)`` writes that shim."""


def overrides_path(prefix: Path) -> Path:
    """Where JupyterLab reads settings overrides for the environment at ``prefix``."""
    return prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def write_overrides(prefix: Path) -> Path:
    """Merge :data:`LAB_SETTINGS` into the environment's ``overrides.json``; return its path."""
    path = overrides_path(prefix)
    path.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for plugin, values in LAB_SETTINGS.items():
        current.setdefault(plugin, {}).update(values)
    path.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
    return path


def install_shims(bin_dir: Path) -> list[Path]:
    """Install the ``docker`` and ``kubectl`` shims into ``bin_dir``; return their paths."""
    installed = []
    for command, module_name in SHIMS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            raise CourseError(f"cannot install the {command} shim: {error}") from error
        installed.append(Path(module.install(bin_dir)))
    return installed


def main(*, root: Path, prefix: Path, build_release: bool = True) -> list[Path]:
    """Prepare the environment at ``prefix`` for the course at ``root``.

    Returns:
        The files written (shims, the settings overrides, the lab's configuration folder).
    """
    if build_release:
        release(root=root)
    written = install_shims(prefix / "bin")
    written.append(write_overrides(prefix))
    written.append(config.write(prefix))
    return written
