"""Install the ``docker`` shim: a tiny script on PATH that runs the course's docker command.

The script execs this virtualenv's interpreter directly (absolute path, no ``env`` lookup)
with ``-I -S``: isolated (no user site-packages, no ``PYTHONPATH``, no current folder on
``sys.path``, so a student's ``docker.py`` cannot shadow anything) and without ``site``
(which costs ~15 ms, mostly the editable install's import hook). The script puts on
``sys.path`` what ``site`` would have found: the folder holding the ``grader`` package and
this environment's site-packages (for dockerfile-parse, the docker SDK ...).

Usage: ``python -m grader.dockercli.shim DIR`` (Binder's postBuild and ``make lab``).
"""

from __future__ import annotations

import os
import shlex
import sys
import sysconfig
from pathlib import Path

import grader

PACKAGE_HOME = Path(grader.__file__).resolve().parent.parent
"""The folder that holds the ``grader`` package (the checkout, or site-packages)."""


def script_text() -> str:
    """The shim's shell script (it names the ``grader`` package, which marks it as a shim)."""
    python = shlex.quote(sys.executable)
    folders = [str(PACKAGE_HOME)]
    for key in ("purelib", "platlib"):
        folder = sysconfig.get_paths()[key]
        if folder not in folders:
            folders.append(folder)
    code = (
        f"import sys; sys.path[1:1] = {folders!r}; "
        "from grader.dockercli.main import main; sys.exit(main(sys.argv[1:]))"
    )
    return (
        "#!/bin/sh\n# docker for the Docker & Kubernetes course (grader package)\n"
        f'exec {python} -I -S -c {shlex.quote(code)} "$@"\n'
    )


def install_shim(bin_dir: Path) -> Path:
    """Write the executable ``docker`` shim into ``bin_dir`` and return its path."""
    bin_dir = Path(bin_dir)
    bin_dir.mkdir(parents=True, exist_ok=True)
    target = bin_dir / "docker"
    temporary = bin_dir / ".docker.tmp"
    temporary.write_text(script_text())
    os.chmod(temporary, 0o755)
    os.replace(temporary, target)
    return target


install = install_shim
"""The name ``course prepare-lab`` calls (it installs every shim through ``install``)."""


def main(argv: list[str] | None = None) -> int:
    """``python -m grader.dockercli.shim DIR``: install the shim and print its path."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m grader.dockercli.shim BIN_DIR", file=sys.stderr)
        return 2
    print(install_shim(Path(args[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
