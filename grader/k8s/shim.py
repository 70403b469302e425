"""Install the ``kubectl`` shim: a tiny script on PATH that runs kubectl on the simulator.

Like the ``docker`` shim, the script execs this virtualenv's interpreter by absolute path
with ``-I -S`` (isolated: a student's ``yaml.py`` in the current folder cannot shadow a
module) and puts on ``sys.path`` the folder holding ``grader`` and this environment's
site-packages. A terminal's ``kubectl get pods`` then sees the same simulated cluster as the
notebook's ``%%kubectl`` cells (both use ``COURSE_SANDBOX_DIR``).

:func:`shim_script`, :func:`write_shim` and :func:`shim_main` serve any course command
whose module has a ``main(argv) -> int``.

Usage: ``python -m grader.k8s.shim BIN_DIR`` (``course prepare-lab`` calls :func:`install`).
"""

from __future__ import annotations

import os
import shlex
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

import grader

PACKAGE_HOME = Path(grader.__file__).resolve().parent.parent
"""The folder that holds the ``grader`` package (the checkout, or site-packages)."""


def shim_script(name: str, module: str, note: str = "") -> str:
    """The shell script of the shim ``name`` running ``module``'s ``main(argv)``.

    Args:
        name: the command the script stands for ("kubectl").
        module: the module with ``main(argv) -> int`` ("grader.k8s.kubectl").
        note: said after "grader package" in the script's comment line.
    """
    folders = [str(PACKAGE_HOME)]
    for key in ("purelib", "platlib"):
        folder = sysconfig.get_paths()[key]
        if folder not in folders:
            folders.append(folder)
    code = (
        f"import sys; sys.path[1:1] = {folders!r}; "
        f"from {module} import main; sys.exit(main(sys.argv[1:]))"
    )
    about = "grader package" + (f", {note}" if note else "")
    return (
        f"#!/bin/sh\n# {name} for the Docker & Kubernetes course ({about})\n"
        f'exec {shlex.quote(sys.executable)} -I -S -c {shlex.quote(code)} "$@"\n'
    )


def write_shim(bin_dir: Path, name: str, text: str) -> Path:
    """Write the executable script ``bin_dir/name`` atomically and return its path."""
    bin_dir = Path(bin_dir)
    bin_dir.mkdir(parents=True, exist_ok=True)
    target = bin_dir / name
    temporary = bin_dir / f".{name}.tmp"
    temporary.write_text(text)
    os.chmod(temporary, 0o755)
    os.replace(temporary, target)
    return target


def shim_main(module: str, install_into: Callable[[Path], Path], argv: list[str] | None) -> int:
    """``python -m MODULE BIN_DIR``: install a shim with ``install_into`` and print its path."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(f"usage: python -m {module} BIN_DIR", file=sys.stderr)
        return 2
    print(install_into(Path(args[0])))
    return 0


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
