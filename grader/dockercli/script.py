"""Run a multi-line cell or script the way a terminal would, with docker on the course engine.

The text goes through the course's shell language (:mod:`grader.commands.shell`:
quoting, ``$VAR``, ``export``, ``$(...)``, ``;``, ``&&``, ``||``). Each simple command runs
here: ``docker ...`` on the engine (or through the real CLI on a real daemon), the builtins
``echo``, ``pwd``, ``cd``, ``true``, ``false`` and ``sleep`` as a shell does, and anything
else gets bash's ``bash: line 1: NAME: command not found`` (exit 127) before the script
goes on, as bash does without ``set -e``. Every docker command is recorded in the course
history.
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable
from typing import TextIO

from grader import history
from grader.commands import parse_argv
from grader.commands.model import DockerCLIError
from grader.commands.shell import ShellError
from grader.commands.shell import run_script as run_shell
from grader.dockercli.executor import run_command
from grader.dockercli.session import Session, daemon_text
from grader.engine.api import EngineAPI
from grader.engine.errors import EngineError
from grader.recursion import deeper


class _Shell:
    """The state one script runs in: engine, streams, folder, variables (``environ``)."""

    def __init__(
        self,
        engine: EngineAPI | None,
        stdout: TextIO,
        stderr: TextIO,
        cwd: str,
        timeout: float | None,
        source: str,
        environ: dict[str, str],
    ) -> None:
        self._engine = engine
        self.environ = environ
        self.stdout, self.stderr = stdout, stderr
        self.cwd = cwd
        self.timeout = timeout
        self.source = source
        self.use_cli: bool | None = None if engine is None else False

    def engine(self) -> EngineAPI:
        if self._engine is None:
            from grader.engine import get_engine

            self._engine = get_engine()
        return self._engine

    def kind(self) -> str:
        """The engine kind for the history, without creating an engine for a refused line."""
        if self._engine is not None:
            return self._engine.kind
        from grader.dockercli.main import kind_or_unknown

        return kind_or_unknown()

    def docker(self, argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
        try:
            cmd = parse_argv(argv)
        except DockerCLIError as error:
            stderr.write(error.message + "\n")
            history.record(["docker", *argv], error.exit_code, self.kind(), self.source)
            return error.exit_code
        try:
            engine = self.engine()
        except EngineError as error:  # the engine cannot start (a damaged sandbox state ...)
            stderr.write(daemon_text(error) + "\n")
            history.record(["docker", *argv], 1, self.kind(), self.source)
            return 1
        code = None
        if engine.kind == "docker" and self.use_cli is not False and cmd.name != "compose":
            from grader.dockercli.passthrough import run_real_cli
            from grader.engine.errors import GradingRefused

            try:
                code = run_real_cli(argv, stdout=stdout, stderr=stderr, timeout=self.timeout)
            except GradingRefused as error:
                stderr.write(f"docker: {error.explanation}\n")
                code = 125
            self.use_cli = code is not None
        if code is None:
            session = Session(engine, stdout, stderr, self.timeout, self.cwd, self.environ)
            code = run_command(cmd, session)
        history.record(["docker", *argv], code, engine.kind, self.source)
        return code

    def run(self, argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
        name = argv[0]
        builtin = _BUILTINS.get(name)
        if builtin is not None:
            return builtin(self, argv, stdout, stderr)
        if name == "docker":
            return self.docker(argv[1:], stdout, stderr)
        stderr.write(f"bash: line 1: {name}: command not found\n")
        return 127

    def execute(self, argv: list[str]) -> int:
        code = self.run(argv, self.stdout, self.stderr)
        self.stdout.flush()
        return code

    def capture(self, argv: list[str]) -> str:
        buffer = io.StringIO()
        self.run(argv, buffer, self.stderr)
        return buffer.getvalue()


def _echo(shell: _Shell, argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    words = argv[1:]
    newline = True
    if words and words[0] == "-n":
        newline, words = False, words[1:]
    stdout.write(" ".join(words) + ("\n" if newline else ""))
    return 0


def _pwd(shell: _Shell, argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    stdout.write(shell.cwd + "\n")
    return 0


def _cd(shell: _Shell, argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    if len(argv) > 2:
        stderr.write("bash: line 1: cd: too many arguments\n")
        return 1
    target = argv[1] if len(argv) > 1 else os.path.expanduser("~")
    path = os.path.normpath(os.path.join(shell.cwd, os.path.expanduser(target)))
    if not os.path.isdir(path):
        reason = "Not a directory" if os.path.exists(path) else "No such file or directory"
        stderr.write(f"bash: line 1: cd: {target}: {reason}\n")
        return 1
    shell.cwd = path
    return 0


def _sleep(shell: _Shell, argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    try:
        seconds = float(argv[1]) if len(argv) > 1 else None
    except ValueError:
        seconds = None
    if seconds is None:
        stderr.write(f"sleep: invalid time interval '{' '.join(argv[1:])}'\n")
        return 1
    time.sleep(max(0.0, seconds))
    return 0


_BUILTINS: dict[str, Callable[[_Shell, list[str], TextIO, TextIO], int]] = {
    "echo": _echo,
    "pwd": _pwd,
    "cd": _cd,
    "sleep": _sleep,
    "true": lambda shell, argv, out, err: 0,
    "false": lambda shell, argv, out, err: 1,
}


def run_script(
    text: str,
    *,
    engine: EngineAPI | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
    timeout: float | None = None,
    source: str = "magic",
) -> int:
    """Run ``text`` line by line like a terminal; return the last command's exit status.

    Args:
        text: the cell or script.
        engine: where docker commands run; default: the selected engine (on a real daemon
            with a real ``docker`` CLI installed, the commands run through that CLI).
        stdout: where output goes (default: ``sys.stdout`` at call time).
        stderr: where errors go (default: ``sys.stderr`` at call time).
        env: shell variables, updated in place by ``export`` (default: a copy of os.environ).
        cwd: the folder the script starts in (default: the process's).
        timeout: bound in seconds for each long-running docker command.
        source: "magic" or "shim", recorded in the history.
    """
    shell = _Shell(
        engine,
        stdout if stdout is not None else sys.stdout,
        stderr if stderr is not None else sys.stderr,
        cwd or os.getcwd(),
        timeout,
        source,
        env if env is not None else dict(os.environ),
    )
    try:
        with deeper():
            return run_shell(
                text,
                execute=shell.execute,
                capture=shell.capture,
                env=shell.environ,
                cwd=shell.cwd,
            )
    except RecursionError:
        shell.stderr.write("bash: the line nests $(...) or quotes deeper than the course follows\n")
        return 2
    except ShellError as error:
        shell.stderr.write(f"bash: {error.message}\n")
        return error.exit_code
    except KeyboardInterrupt:
        shell.stderr.write("\n")
        return 130
