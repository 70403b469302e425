"""Install the ``docker`` shim: a tiny script on PATH that runs ``python -m grader docker``.

The script execs this virtualenv's interpreter directly (absolute path, no ``env`` lookup)
with ``-I`` (isolated: no user site-packages, no PYTHONPATH, no current folder on sys.path),
which starts faster and cannot be confused by a student's files named like modules; the
package is found because ``PYTHONPATH`` is not needed for an installed (or editable)
package. When ``grader`` is not importable that way (a plain checkout), the script puts the
project folder on ``PYTHONPATH`` instead and runs without ``-I``.

Usage: ``python -m grader.dockercli.shim DIR`` (Binder's postBuild and ``make lab``).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import grader

PROJECT = Path(grader.__file__).resolve().parent.parent


def _importable_isolated() -> bool:
    probe = subprocess.run(
        [sys.executable, "-I", "-c", "import grader, sys; sys.stdout.write(grader.__file__)"],
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
    )
    return probe.returncode == 0 and Path(probe.stdout).resolve() == Path(grader.__file__).resolve()


def script_text() -> str:
    """The shim's shell script (it names the ``grader`` package, which marks it as a shim)."""
    python = shlex.quote(sys.executable)
    if _importable_isolated():
        run = f'exec {python} -I -m grader docker "$@"'
    else:
        project = shlex.quote(str(PROJECT))
        run = (
            f'PYTHONPATH={project}${{PYTHONPATH:+:$PYTHONPATH}} exec {python} -m grader docker "$@"'
        )
    return f"#!/bin/sh\n# docker for the Docker & Kubernetes course (grader package)\n{run}\n"


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
