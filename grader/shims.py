"""Write the course's command shims: tiny scripts on PATH that run a course command.

A shim execs this virtualenv's interpreter by absolute path (no ``env`` lookup) with
``-I -S``: isolated (no user site-packages, no ``PYTHONPATH``, no current folder on
``sys.path``, so a student's ``docker.py`` or ``yaml.py`` cannot shadow a module) and
without ``site`` (which costs ~15 ms, mostly the editable install's import hook). The
script puts on ``sys.path`` what ``site`` would have found: the folder holding the
``grader`` package and this environment's site-packages. Every shim's comment line names
the ``grader`` package, which is how the real-CLI pass-through tells a shim from Docker.

:func:`shim_script`, :func:`write_shim` and :func:`shim_main` serve any course command
whose module has a ``main(argv) -> int`` (``docker`` and ``kubectl`` today).
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


def _bootstrap(module: str) -> str:
    """The one line of Python a shim runs: find the packages, call ``module.main``."""
    folders = [str(PACKAGE_HOME)]
    for key in ("purelib", "platlib"):
        folder = sysconfig.get_paths()[key]
        if folder not in folders:
            folders.append(folder)
    return (
        f"import sys; sys.path[1:1] = {folders!r}; "
        f"from {module} import main; sys.exit(main(sys.argv[1:]))"
    )


def shim_script(name: str, module: str, note: str = "") -> str:
    """The shell script of the shim ``name`` running ``module``'s ``main(argv)``.

    Args:
        name: the command the script stands for ("kubectl").
        module: the module with ``main(argv) -> int`` ("grader.k8s.kubectl").
        note: said after "grader package" in the script's comment line.
    """
    about = "grader package" + (f", {note}" if note else "")
    return (
        f"#!/bin/sh\n# {name} for the Docker & Kubernetes course ({about})\n"
        f'exec {shlex.quote(sys.executable)} -I -S -c {shlex.quote(_bootstrap(module))} "$@"\n'
    )


def python_shim_script(name: str, module: str, note: str = "") -> str:
    """Like :func:`shim_script`, as a Python script the kernel starts without a shell.

    Saves a shell's start-up on every command; used where that counts (the ``docker``
    shim's thin client). An interpreter path a ``#!`` line cannot hold (spaces, too
    long) gets the shell script instead.
    """
    if " " in sys.executable or len(sys.executable) > 120:
        return shim_script(name, module, note)
    about = "grader package" + (f", {note}" if note else "")
    return (
        f"#!{sys.executable} -IS\n# {name} for the Docker & Kubernetes course ({about})\n"
        f"{_bootstrap(module)}\n"
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
