"""Install the ``docker`` shim: a tiny script on PATH that runs the course's docker command.

A JupyterLab terminal then works like a Docker terminal, on whichever engine
``COURSE_ENGINE`` selects. How shims start fast is in :mod:`grader.shims`; the ``docker``
shim runs the thin client :mod:`grader.serve.client`, which hands the command to the
sandbox folder's daemon instead of importing the course for every command.

Usage: ``python -m grader.dockercli.shim DIR`` (Binder's postBuild and ``make lab``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from grader.shims import python_shim_script, shim_main, write_shim


def script_text() -> str:
    """The shim's shell script (it names the ``grader`` package, which marks it as a shim)."""
    return python_shim_script("docker", "grader.serve.client", "thin client of its daemon")


def install_shim(bin_dir: Path) -> Path:
    """Write the executable ``docker`` shim into ``bin_dir`` and return its path."""
    return write_shim(bin_dir, "docker", script_text())


install = install_shim
"""The name ``course prepare-lab`` calls (it installs every shim through ``install``)."""


def main(argv: list[str] | None = None) -> int:
    """``python -m grader.dockercli.shim DIR``: install the shim and print its path."""
    return shim_main("grader.dockercli.shim", install_shim, argv)


if __name__ == "__main__":
    sys.exit(main())
