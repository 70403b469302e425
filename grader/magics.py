"""IPython magics for the notebooks: ``%load_ext grader.magics``.

- ``%%docker [--timeout SECONDS]``: the cell's docker command lines run on the selected
  engine (the real daemon or the sandbox), with Docker's own output, one after the other,
  with shell quoting, variables (``export``), ``$(...)``, ``;`` and ``&&``. Each command is
  recorded in the course history (source "magic") for the checks.
- ``%docker ARGS``: one docker command on a line of Python code (``%docker ps -a``).

A cell's errors and output appear in the order a terminal shows them: Jupyter sends each
stream's buffer on its own schedule, so the cell's two streams (:class:`InOrder`) flush
each other before every write.

A cell still holding nbgrader's stub (``raise NotImplementedError()``) gets a short message
instead of a shell error. Loading the extension also loads the other parts' cell magics
(``%%dockerfile``, ``%%kubectl``) when they are installed, so a notebook needs one line.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import shlex
import sys
from typing import Any, TextIO

DEFAULT_TIMEOUT = 60.0
"""Seconds a cell may run before its command is stopped (``docker run`` in the foreground
or ``docker logs -f`` would otherwise hold the notebook forever)."""

STUB_MARKERS = ("raise NotImplementedError", "# YOUR CODE HERE")
"""The lines nbgrader puts in an answer cell of the student release."""


def empty_answer(what: str) -> str:
    """What a cell holding only nbgrader's stub says; ``what`` is missing ("docker commands")."""
    return (
        f"This answer cell has no {what} yet: replace the lines "
        "'# YOUR CODE HERE' and 'raise NotImplementedError()' with yours, "
        "then run the cell again."
    )


SKIPPED_STUB = "(skipped nbgrader's 'raise NotImplementedError()' line: delete it)"
"""Said when a cell has the student's lines and a stub line left over."""


EXTENSIONS = ("grader.dockerfile_magic", "grader.kubectl_magic")
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


def answer_text(cell: str, what: str) -> str | None:
    """``cell`` without nbgrader's stub lines, or None when only the stub is there.

    Says on stderr what happened: :func:`empty_answer` for a stub alone, :data:`SKIPPED_STUB`
    when stub lines were removed from the student's lines.

    Args:
        cell: the cell's text.
        what: what the cell should hold, for the message ("docker commands").
    """
    text, stubbed = strip_stub(cell)
    if not stubbed:
        return cell
    if not has_commands(text.splitlines()):
        print(empty_answer(what), file=sys.stderr)
        return None
    print(SKIPPED_STUB, file=sys.stderr)
    return text + "\n"


def run_cell(line: str, cell: str) -> int:
    """Run a ``%%docker`` cell; returns the last command's exit status (what ``$?`` says)."""
    try:
        options = parse_options(line)
    except MagicUsageError as error:
        print(error, file=sys.stderr)
        return 2
    script = answer_text(cell, "docker commands")
    if script is None:
        return 1
    if not has_commands(script.splitlines()):
        return 0
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


class InOrder:
    """A text stream that flushes ``other`` before each write, so two streams keep order."""

    def __init__(self, stream: TextIO, other: TextIO) -> None:
        self._stream = stream
        self._other = other

    def write(self, text: str) -> int:
        """Send what ``other`` holds, then write ``text``."""
        if text:
            self._other.flush()
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _run(script: str, timeout: float) -> int:
    from grader.dockercli import run_script
    from grader.widgets.live import refresh_all

    stdout, stderr = sys.stdout, sys.stderr
    try:
        return run_script(
            script,
            source="magic",
            timeout=timeout,
            env=shell_variables(),
            stdout=InOrder(stdout, stderr),
            stderr=InOrder(stderr, stdout),
        )
    finally:
        stdout.flush()
        stderr.flush()
        refresh_all()


def _docker_cell(line: str, cell: str) -> None:
    """``%%docker [--timeout SECONDS]``: run the cell's docker command lines."""
    run_cell(line, cell)


def _docker_line(line: str) -> None:
    """``%docker ARGS``: run one docker command."""
    run_line(line)


def stub_aware_writefile(writefile: Any) -> Any:
    """IPython's ``%%writefile`` (``writefile``), writing nothing for nbgrader's stub alone."""

    @functools.wraps(writefile)
    def _writefile(line: str, cell: str) -> Any:
        text = answer_text(cell, "lines for this file")
        return None if text is None else writefile(line, text)

    return _writefile


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%%docker``/``%docker`` and the other parts' magics that are installed.

    ``%%writefile`` is wrapped by :func:`stub_aware_writefile`.
    """
    ipython.register_magic_function(_docker_cell, magic_kind="cell", magic_name="docker")
    ipython.register_magic_function(_docker_line, magic_kind="line", magic_name="docker")
    writefile = ipython.find_cell_magic("writefile")
    if writefile is not None and not hasattr(writefile, "__wrapped__"):
        ipython.register_magic_function(
            stub_aware_writefile(writefile), magic_kind="cell", magic_name="writefile"
        )
    for name in EXTENSIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name and name.startswith(error.name):
                continue
            raise
        module.register(ipython)
