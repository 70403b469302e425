"""``python -m grader docker ARG...`` and the ``docker`` shim: one docker command, Docker's output.

The line is checked against Docker 28's grammar first (a refused line prints Docker's error
and exits with its code, whatever the engine). Then on a real daemon the real ``docker``
CLI runs it on the same terminal when one is installed (with the course label and the
grading rules of :mod:`grader.dockercli.passthrough`); otherwise the command runs over the
Engine API on the selected engine (the sandbox on Binder). Every command is recorded in the
course history with ``source="shim"``.
"""

from __future__ import annotations

import sys

from grader.commands import parse_argv
from grader.commands.model import DockerCLIError
from grader.engine.errors import EngineError


def main(argv: list[str]) -> int:
    """Run ``docker ARGV`` and return Docker's exit code."""
    from grader import history
    from grader.engine import get_engine, selected_kind

    try:
        cmd = parse_argv(list(argv))
    except DockerCLIError as error:
        sys.stderr.write(error.message + "\n")
        history.record(["docker", *argv], error.exit_code, kind_or_unknown(), "shim")
        return error.exit_code
    try:
        kind = selected_kind()
    except ValueError as error:
        sys.stderr.write(f"{error}\n")
        return 1
    code = None
    try:
        if kind == "docker" and cmd.name != "compose":  # Compose is the course's own code
            from grader.engine.errors import GradingRefused

            try:
                code = _real_cli(list(argv))
            except GradingRefused as error:
                sys.stderr.write(f"docker: {error.explanation}\n")
                code = 125
        if code is None:
            from grader.dockercli.executor import run_command
            from grader.dockercli.session import Session

            code = run_command(cmd, Session(get_engine(kind), sys.stdout, sys.stderr))
    except KeyboardInterrupt:
        code = 130
    except EngineError as error:  # the engine cannot start (a damaged sandbox state ...)
        from grader.dockercli.session import daemon_text

        sys.stderr.write(daemon_text(error) + "\n")
        code = 1
    except Exception as error:  # e.g. an engine that cannot start: one line, no traceback
        from grader.unexpected import unexpected_line

        sys.stderr.write(unexpected_line("docker", error))
        code = 1
    sys.stdout.flush()
    history.record(["docker", *argv], code, kind, "shim")
    return code


def _real_cli(argv: list[str]) -> int | None:
    """Run the real ``docker`` on this terminal (None when there is none).

    Unlike :func:`grader.dockercli.passthrough.run_real_cli` (pipes, for notebook cells),
    the CLI inherits the terminal, so ``docker exec -it`` and progress bars work as in any
    Docker terminal; Ctrl-C goes to the CLI alone, which handles it as Docker does.
    """
    import signal
    import subprocess

    from grader.dockercli.passthrough import find_real_docker, labelled_argv
    from grader.dockercli.safety import refuse_unsafe_argv

    docker = find_real_docker()
    if docker is None:
        return None
    refuse_unsafe_argv(argv)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return subprocess.call(
            [str(docker), *labelled_argv(argv)],
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
    finally:
        signal.signal(signal.SIGINT, previous)


def kind_or_unknown() -> str:
    """The engine the command would have run on (for the history), without creating it."""
    from grader.engine import selected_kind

    try:
        return selected_kind()
    except ValueError:
        return "unknown"
