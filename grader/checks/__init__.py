"""The checks nbgrader test cells call: ``from grader import checks as check``.

State checks read the engine (both engines, through the Engine API); route checks read the
history of command lines; every failure is a :class:`CheckFailed` (an ``AssertionError``)
with a teaching message that never contains the answer. See docs/checks.md.

Checks written by other parts of the course (``build.py``, ``registry.py``, ``k8s.py`` in
this package) are reachable here too: ``check.<function>`` looks them up on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from grader.checks.containers import container, exit_code, ids, no_containers
from grader.checks.exercises import start
from grader.checks.failure import CheckFailed, fail
from grader.checks.images import image
from grader.checks.mounts import mount
from grader.checks.output import output
from grader.checks.progress import passed, summary
from grader.checks.reset import configure, reset
from grader.checks.routes import command, ran
from grader.checks.web import http

__all__ = [
    "CheckFailed",
    "command",
    "configure",
    "container",
    "exit_code",
    "fail",
    "http",
    "ids",
    "image",
    "mount",
    "no_containers",
    "output",
    "passed",
    "ran",
    "reset",
    "start",
    "summary",
]

EXTENSIONS = ("build", "registry", "k8s")
"""Modules of this package whose public functions are reachable as ``check.<name>``."""


def __getattr__(name: str) -> Any:
    """Find ``name`` among the extension modules' public functions."""
    if not name.startswith("_"):
        for module_name in EXTENSIONS:
            try:
                module = importlib.import_module(f"{__name__}.{module_name}")
            except ModuleNotFoundError as error:
                if error.name == f"{__name__}.{module_name}":
                    continue
                raise
            if hasattr(module, name):
                return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
