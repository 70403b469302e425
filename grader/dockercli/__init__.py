"""The docker command line of the course: parse like Docker 28, run on an engine, print alike.

- :func:`execute`: one docker invocation (argv after ``docker``) on an engine.
- :func:`run_script`: a multi-line cell or script through the course's small shell
  language (``docker`` lines, ``$(docker ps -aq)``, ``export``, ``echo``, ``cd``, ``pwd``).
- ``grader.dockercli.main``: ``python -m grader docker ARG...`` and the ``docker`` shim.
- ``grader.dockercli.shim``: installs that shim on PATH.

The two functions are imported on first use, so the shim loads only what one command needs.
"""

from __future__ import annotations

from typing import Any

__all__ = ["execute", "run_script"]


def __getattr__(name: str) -> Any:
    if name == "execute":
        from grader.dockercli.executor import execute

        return execute
    if name == "run_script":
        from grader.dockercli.script import run_script

        return run_script
    raise AttributeError(f"module 'grader.dockercli' has no attribute {name!r}")
