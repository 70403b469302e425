"""Install the ``kubectl`` shim: a tiny script on PATH that runs kubectl on the simulator.

A terminal's ``kubectl get pods`` then sees the same simulated cluster as the notebook's
``%%kubectl`` cells (both use ``COURSE_SANDBOX_DIR``). How shims start is in
:mod:`grader.shims`.

Usage: ``python -m grader.k8s.shim BIN_DIR`` (``course prepare-lab`` calls :func:`install`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from grader.shims import shim_main, shim_script, write_shim


def script_text() -> str:
    """The ``kubectl`` shim's shell script."""
    return shim_script("kubectl", "grader.k8s.kubectl", "simulated cluster")


def install(bin_dir: Path) -> Path:
    """Write the executable ``kubectl`` shim into ``bin_dir`` and return its path."""
    return write_shim(bin_dir, "kubectl", script_text())


def main(argv: list[str] | None = None) -> int:
    """``python -m grader.k8s.shim BIN_DIR``: install the shim and print its path."""
    return shim_main("grader.k8s.shim", install, argv)


if __name__ == "__main__":
    sys.exit(main())
