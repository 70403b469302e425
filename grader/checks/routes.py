"""Checks about *how* the student got there: the docker command lines they ran.

The history (``grader.history``) holds every command typed in a ``%%docker`` cell or a
terminal. Each line is parsed again with Docker's grammar (``grader.commands.parse_argv``):
a right state reached by a refused command, by another command, or by other options than
the exercise teaches is explained instead of silently accepted. Messages describe what an
option is *for* rather than naming the one the exercise expects.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from grader import history
from grader.checks.exercises import started_at
from grader.checks.failure import fail
from grader.checks.progress import passed
from grader.checks.refs import normalize_image, parse_publish, parse_volume
from grader.commands.model import Command, DockerCLIError

STUDENT_SOURCES = frozenset({"magic", "shim"})
"""History sources typed by the student (set-up and re-runs by the checks are not)."""

PURPOSE = {
    "detach": "the container should run in the background and give the terminal back",
    "publish": "a container port should be reachable from a host port",
    "volume": "a host folder should appear inside the container",
    "volumes-from": "the container should reuse the mounts of another container",
    "name": "the container should get the name the exercise gives",
    "all": "stopped containers should count too",
    "quiet": "only the IDs should be printed",
    "format": "the output should follow a template",
    "force": "running containers should be removed too",
    "since": "only the recent log lines should be shown",
    "until": "only the older log lines should be shown",
    "follow": "the logs should keep streaming",
    "interactive": "the container's standard input should stay open",
    "tty": "the command should get a terminal",
}
"""What each option achieves, used when a student's command lacks one."""


@dataclass(frozen=True)
class Attempt:
    """One history entry with the verdict of Docker's grammar on it."""

    entry: history.Entry
    command: Command | None
    error: DockerCLIError | None


def _words(name: str) -> list[str]:
    words = name.split()
    return words[1:] if words and words[0] == "docker" else words


def _parse(argv: Sequence[str]) -> tuple[Command | None, DockerCLIError | None]:
    from grader.commands import parse_argv

    try:
        return parse_argv(list(argv)), None
    except DockerCLIError as error:
        return None, error


def attempts(exercise: str | None = None) -> list[Attempt]:
    """The student's docker commands since ``exercise`` started, oldest first."""
    result = []
    for entry in history.entries(since=started_at(exercise)):
        if entry.source not in STUDENT_SOURCES or not entry.argv or entry.argv[0] != "docker":
            continue
        command, error = _parse(entry.argv[1:])
        result.append(Attempt(entry, command, error))
    return result


def _is(command: Command, name: str) -> bool:
    wanted = " ".join(_words(name))
    return wanted in {command.name, command.used_alias}


def _looks_like(attempt: Attempt, name: str) -> bool:
    if attempt.command is not None:
        return _is(attempt.command, name)
    wanted = _words(name)[-1:]
    return bool(wanted) and wanted[0] in attempt.entry.argv[1:4]


def _shown(name: str) -> str:
    return "docker " + " ".join(_words(name))


def command(name: str, *, exercise: str | None = None, hint: str = "") -> Command:
    """The student's latest successful ``name`` command (e.g. "container run").

    ``name`` is the grammar's canonical command ("container run", "container ls",
    "image tag", "container logs", "container exec", ...) or the alias the student is
    taught ("run", "ps"); both the canonical name and the alias typed are compared.

    Raises:
        CheckFailed: no such command ran successfully since the exercise started; the
            message explains a refused or failed attempt.
    """
    tried = [item for item in attempts(exercise) if _looks_like(item, name)]
    for item in reversed(tried):
        if item.command is not None and item.entry.exit_code == 0:
            return item.command
    if tried:
        latest = tried[-1]
        if latest.error is not None:
            raise fail(
                f"Docker refused your {_shown(name)} command",
                found=latest.error.first_line,
                hint=hint or "fix the command line and run the cell again",
            )
        raise fail(
            f"your {_shown(name)} command failed (exit status {latest.entry.exit_code})",
            found="the error is printed under the cell where you ran it",
            hint=hint or "read Docker's error, fix the command and run the cell again",
        )
    raise fail(
        f"no {_shown(name)} command found in your answer",
        hint=hint or "write the command in the answer cell and run that cell",
    )


def _same_volume(have: str, want: str) -> bool:
    source, dest, options = parse_volume(have)
    want_source, want_dest, want_options = parse_volume(want)
    if (dest, options) != (want_dest, want_options):
        return False
    if not want_source or not source:
        return source == want_source
    if "/" in want_source or "/" in source:
        return os.path.realpath(source) == os.path.realpath(want_source)
    return source == want_source


def _values(value: Any) -> list[str]:
    if isinstance(value, list | tuple | set | frozenset):
        return [str(item) for item in value]
    return [str(value)]


def _same_option(key: str, have: Any, want: Any) -> bool:
    if isinstance(want, bool):
        return bool(have) == want
    got, expected = _values(have), _values(want)
    if key == "publish":
        return sorted(map(parse_publish, got), key=str) == sorted(
            map(parse_publish, expected), key=str
        )
    if key == "volume":
        return len(got) == len(expected) and all(
            any(_same_volume(item, wanted) for item in got) for wanted in expected
        )
    return sorted(got) == sorted(expected)


def ran(
    name: str,
    *,
    exercise: str | None = None,
    flags: Mapping[str, Any] | None = None,
    image: str | None = None,
    args: Sequence[str] | None = None,
    hint: str = "",
) -> Command:
    """Check the student's latest successful ``name`` command and its options.

    Args:
        name: the command, as for :func:`command`.
        exercise: only commands typed since ``check.reset(exercise)`` count.
        flags: long option name -> expected value: ``True`` must be given, ``False`` must
            not be; a string or list is compared with what was given (``publish`` and
            ``volume`` by meaning: ``8080:80`` equals ``0.0.0.0:8080:80/tcp``).
        image: for run/create: the image argument ("nginx" equals "nginx:latest").
        args: the positional arguments the command must start with.
        hint: replaces the default hint of the first failure.

    Returns:
        The parsed command, for further checks.
    """
    found = command(name, exercise=exercise, hint=hint)
    typed = "docker " + shlex.join(found.argv)
    for key, want in (flags or {}).items():
        have = found.options.get(key)
        if have is None and want is False:
            continue
        if have is not None and _same_option(key, have, want):
            continue
        if want is False:
            problem = f"your {_shown(name)} command uses --{key}, which this exercise avoids"
        elif have is None:
            purpose = PURPOSE.get(key, "the exercise asks for one more option")
            problem = f"your {_shown(name)} command is missing an option: {purpose}"
        else:
            problem = f"your {_shown(name)} command gives --{key} another value than asked"
        raise fail(problem, found=typed, hint=hint or _option_hint(name, key))
    if image is not None and (
        not found.args or normalize_image(found.args[0]) != normalize_image(image)
    ):
        raise fail(
            f"your {_shown(name)} command does not use the image the exercise names",
            found=typed,
            hint=hint or "the image comes right after the options",
        )
    if args is not None and list(found.args[: len(args)]) != list(args):
        raise fail(
            f"your {_shown(name)} command does not name what the exercise asks for",
            found=typed,
            hint=hint or "check the arguments after the options",
        )
    passed(f"you ran {typed}")
    return found


def _option_hint(name: str, key: str) -> str:
    if key == "publish":
        return "the form is -p HOST:CONTAINER; repeat -p for each host port"
    if key == "volume":
        return "the form is -v HOST_FOLDER:CONTAINER_FOLDER[:ro]"
    return f"{_shown(name)} --help lists every option with what it does"
