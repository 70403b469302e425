"""IPython magics for the notebooks: ``%load_ext grader.magics``.

- ``%%docker [--timeout SECONDS]``: the cell's docker command lines run on the selected
  engine (the real daemon or the sandbox), with Docker's own output, one after the other,
  with shell quoting, variables (``export``), ``$(...)``, ``;`` and ``&&``. Each command is
  recorded in the course history (source "magic") for the checks.
- ``%docker ARGS``: one docker command on a line of Python code (``%docker ps -a``).

A cell still holding nbgrader's stub (``raise NotImplementedError()``) gets a short message
instead of a shell error. Loading the extension also loads the other parts' cell magics
(``%%dockerfile``, ``%%kubectl``) when they are installed, so a notebook needs one line.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shlex
import sys
from typing import Any

DEFAULT_TIMEOUT = 60.0
"""Seconds a cell may run before its command is stopped (``docker run`` in the foreground
or ``docker logs -f`` would otherwise hold the notebook forever)."""

STUB_MARKERS = ("raise NotImplementedError", "# YOUR CODE HERE")
"""The lines nbgrader puts in an answer cell of the student release."""


def empty_answer(tool: str) -> str:
    """What a cell holding only nbgrader's stub says, for a cell of ``tool`` commands."""
    return (
        f"This answer cell has no {tool} command yet: replace the lines "
        "'# YOUR CODE HERE' and 'raise NotImplementedError()' with your command(s), "
        "then run the cell again."
    )


EXTENSIONS = ("grader.dockerfile.magic", "grader.kubectl_magic")
"""Other parts' magic modules; each has ``register(ipython)``. Missing ones are skipped."""


class MagicUsageError(Exception):
    """The magic's own options are wrong (``%%docker --timeout ten``)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="%%docker", add_help=False, exit_on_error=False)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    return parser


def parse_options(line: str) -> argparse.Namespace:
    """The ``%%docker`` line's options, or :class:`MagicUsageError` with a usage line."""
    try:
        options, extra = _parser().parse_known_args(shlex.split(line))
    except (argparse.ArgumentError, ValueError) as error:
        raise MagicUsageError(f"%%docker: {error}\nusage: %%docker [--timeout SECONDS]") from None
    if extra:
        raise MagicUsageError(
            f"%%docker: unknown option {extra[0]!r}\nusage: %%docker [--timeout SECONDS]"
        )
    if options.timeout <= 0:
        raise MagicUsageError("%%docker: --timeout must be a positive number of seconds")
    return options


def strip_stub(cell: str) -> tuple[str, bool]:
    """Remove nbgrader's stub lines; returns (script, whether a stub line was there)."""
    lines = cell.splitlines()
    kept = [line for line in lines if not is_stub(line)]
    return "\n".join(kept), len(kept) != len(lines)


def is_stub(line: str) -> bool:
    """Whether ``line`` is one of nbgrader's stub lines."""
    return line.strip().startswith(STUB_MARKERS)


def has_commands(lines: list[str]) -> bool:
    """Whether any of ``lines`` is more than blank or a ``#`` comment."""
    return any(line.strip() and not line.strip().startswith("#") for line in lines)


def run_cell(line: str, cell: str) -> int:
    """Run a ``%%docker`` cell; returns the last command's exit status (what ``$?`` says)."""
    try:
        options = parse_options(line)
    except MagicUsageError as error:
        print(error, file=sys.stderr)
        return 2
    script, stubbed = strip_stub(cell)
    if not has_commands(script.splitlines()):
        if stubbed:
            print(empty_answer("docker"), file=sys.stderr)
            return 1
        return 0
    if stubbed:
        print("(skipped nbgrader's 'raise NotImplementedError()' line: delete it)", file=sys.stderr)
    return _run(script, options.timeout)


def run_line(line: str) -> int:
    """Run ``%docker ARGS`` as the one command ``docker ARGS``."""
    if not line.strip():
        print("usage: %docker COMMAND [ARG...]   (for example: %docker ps -a)", file=sys.stderr)
        return 2
    return _run("docker " + line, DEFAULT_TIMEOUT)


_variables: dict[str, str] = {}
"""The cells' shell variables: ``export`` in one cell is seen by the next, as in a terminal."""


def shell_variables() -> dict[str, str]:
    """The kernel's shell variables, starting as a copy of the environment."""
    if not _variables:
        _variables.update(os.environ)
    return _variables


def _run(script: str, timeout: float) -> int:
    from grader.dockercli import run_script
    from grader.widgets.live import refresh_all

    try:
        return run_script(script, source="magic", timeout=timeout, env=shell_variables())
    finally:
        refresh_all()


def _docker_cell(line: str, cell: str) -> None:
    """``%%docker [--timeout SECONDS]``: run the cell's docker command lines."""
    run_cell(line, cell)


def _docker_line(line: str) -> None:
    """``%docker ARGS``: run one docker command."""
    run_line(line)


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%%docker``/``%docker`` and the other parts' magics that are installed."""
    ipython.register_magic_function(_docker_cell, magic_kind="cell", magic_name="docker")
    ipython.register_magic_function(_docker_line, magic_kind="line", magic_name="docker")
    for name in EXTENSIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name and name.startswith(error.name):
                continue
            raise
        module.register(ipython)
