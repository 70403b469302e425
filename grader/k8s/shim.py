"""Install the ``kubectl`` shim: a tiny script on PATH that runs kubectl on the simulator.

Like the ``docker`` shim, the script execs this virtualenv's interpreter by absolute path
with ``-I -S`` (isolated: a student's ``yaml.py`` in the current folder cannot shadow a
module) and puts on ``sys.path`` the folder holding ``grader`` and this environment's
site-packages. A terminal's ``kubectl get pods`` then sees the same simulated cluster as the
notebook's ``%%kubectl`` cells (both use ``COURSE_SANDBOX_DIR``).

Usage: ``python -m grader.k8s.shim BIN_DIR`` (``course prepare-lab`` calls :func:`install`).
"""

from __future__ import annotations

import os
import shlex
import sys
import sysconfig
from pathlib import Path

import grader

PACKAGE_HOME = Path(grader.__file__).resolve().parent.parent


def script_text() -> str:
    """The shim's shell script."""
    folders = [str(PACKAGE_HOME)]
    for key in ("purelib", "platlib"):
        folder = sysconfig.get_paths()[key]
        if folder not in folders:
            folders.append(folder)
    code = (
        f"import sys; sys.path[1:1] = {folders!r}; "
        "from grader.k8s.kubectl import main; sys.exit(main(sys.argv[1:]))"
    )
    return (
        "#!/bin/sh\n# kubectl for the Docker & Kubernetes course (grader package, simulated "
        "cluster)\n"
        f'exec {shlex.quote(sys.executable)} -I -S -c {shlex.quote(code)} "$@"\n'
    )


def install(bin_dir: Path) -> Path:
    """Write the executable ``kubectl`` shim into ``bin_dir`` and return its path."""
    bin_dir = Path(bin_dir)
    bin_dir.mkdir(parents=True, exist_ok=True)
    target = bin_dir / "kubectl"
    temporary = bin_dir / ".kubectl.tmp"
    temporary.write_text(script_text())
    os.chmod(temporary, 0o755)
    os.replace(temporary, target)
    return target


def main(argv: list[str] | None = None) -> int:
    """``python -m grader.k8s.shim BIN_DIR``: install the shim and print its path."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m grader.k8s.shim BIN_DIR", file=sys.stderr)
        return 2
    print(install(Path(args[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
