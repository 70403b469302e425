"""``docker exec``: run a command in a running container and relay its output and exit code.

Like Docker, ``-t`` without a terminal on stdin is refused ("the input device is not a
TTY"). In a terminal on the sandbox, ``-it`` with a shell gives a line-by-line shell: each
line typed runs as ``SHELL -c LINE`` in the container until ``exit`` (alone, or run by the
line: ``ls; exit``, ``make && exit``) or end of input.
"""

from __future__ import annotations

import sys

from grader.commands.envvars import container_env
from grader.commands.model import Command
from grader.dockercli.session import CommandFailed, Session
from grader.engine.safety import refuse_unsafe_exec


def exec_(cmd: Command, session: Session) -> int:
    """``docker exec [-it] [-e K=V] [-w DIR] [-u USER] CONTAINER COMMAND...``."""
    refuse_unsafe_exec(bool(cmd.option("privileged")))
    container, command = cmd.args[0], cmd.args[1:]
    tty = bool(cmd.option("tty"))
    # as the CLI: a look at the container first, so "No such container" comes before
    # the terminal check and no exec instance is created for nothing
    session.engine.inspect_container(container)
    if tty and not cmd.option("detach") and not (sys.stdin and sys.stdin.isatty()):
        raise CommandFailed("the input device is not a TTY")
    options = {
        "user": cmd.option("user", "") or "",
        "environment": [
            f"{name}={value}"
            for name, value in container_env(cmd.option("env", []), session.environ).items()
        ]
        or None,
        "workdir": cmd.option("workdir"),
    }
    if cmd.option("detach"):
        session.engine.exec_run(container, command, detach=True, **options)
        return 0
    if tty and cmd.option("interactive"):
        return _interactive(session, container, command, options)
    code, out, err = session.engine.exec_run(container, command, tty=tty, **options)
    session.out(out.decode("utf-8", "replace"))
    session.err(err.decode("utf-8", "replace"))
    return int(code or 0)


_SHELLS = {"sh", "bash", "ash", "dash", "zsh"}


def is_shell(session: Session, container: str, command: list[str]) -> bool:
    """True when ``command`` is a lone shell (``bash``, ``/bin/sh``) the container has."""
    if len(command) != 1 or command[0].rsplit("/", 1)[-1] not in _SHELLS:
        return False
    found, _, _ = session.engine.exec_run(container, ["sh", "-c", f"command -v {command[0]}"])
    return found == 0


_STILL_RUNNING = "course-shell-still-running:"
"""Printed with ``$?`` after each line: its absence means the line ended the shell."""


def shell_session(session: Session, container: str, shell: str, options: dict) -> int:
    """Read lines from the terminal and run each as ``SHELL -c LINE`` until ``exit``/EOF."""
    code = 0
    prompt = "# " if options.get("user") in (None, "", "root", "0") else "$ "
    while True:
        session.out(prompt)
        session.stdout.flush()
        line = sys.stdin.readline()
        words = line.split()
        if not line or words[:1] == ["exit"]:
            session.out("" if line else "exit\n")
            return int(words[1]) if len(words) > 1 and words[1].isdigit() else code
        if line.strip():
            script = f"{line.rstrip()}\nprintf '{_STILL_RUNNING}%s' \"$?\""
            exit_code, out, err = session.engine.exec_run(
                container, [shell, "-c", script], **options
            )
            code = exit_code or 0  # None only for a detached exec, which this is not
            text, still_running, status = out.decode("utf-8", "replace").rpartition(_STILL_RUNNING)
            session.out(text if still_running else status)
            session.err(err.decode("utf-8", "replace"))
            if not still_running:
                return int(code or 0)
            code = int(status) if status.isdigit() else code


def _interactive(session: Session, container: str, command: list[str], options: dict) -> int:
    if is_shell(session, container, command):
        return shell_session(session, container, command[0], options)
    code, out, err = session.engine.exec_run(container, command, **options)
    session.out(out.decode("utf-8", "replace"))
    session.err(err.decode("utf-8", "replace"))
    return int(code or 0)
