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


INSPECT = "inspect"
"""``docker inspect`` reads any object; ``docker container inspect`` (``image inspect`` ...)
is the same command narrowed to one kind, so each counts where the other is asked for."""


def canonical(name: str) -> str:
    """The grammar's canonical name for command words: ``ps`` -> "container ls"."""
    from grader.commands.parser import SPECS

    wanted = " ".join(_words(name))
    for spec in SPECS.values():
        if wanted == spec.name or wanted in spec.aliases:
            return spec.name
    return wanted


def _is(command: Command, name: str) -> bool:
    wanted = canonical(name)
    if wanted in {command.name, command.used_alias}:
        return True
    typed_inspect = command.name.endswith(" " + INSPECT)
    return (wanted == INSPECT and typed_inspect) or (
        command.name == INSPECT and wanted.endswith(" " + INSPECT)
    )


def _looks_like(attempt: Attempt, name: str) -> bool:
    if attempt.command is not None:
        return _is(attempt.command, name)
    from grader.commands.parser import SPECS

    wanted = canonical(name)
    spec = SPECS.get(wanted)
    names = {wanted, *(spec.aliases if spec else ())}
    words = attempt.entry.argv[1:4]
    return any(alias.split()[-1] in words for alias in names)


def _shown(name: str) -> str:
    return "docker " + " ".join(_words(name))


Target = tuple[str | None, Sequence[str] | None]
"""What a command is about: the ``--name`` it gives, the arguments it starts with."""


def _aims_at(attempt: Attempt, target: Target) -> bool:
    """Whether ``attempt`` is about ``target`` (a container name or leading arguments)."""
    name, args = target
    if attempt.command is None:
        words = attempt.entry.argv[1:]
        return all(word in words for word in ([name] if name else []) + list(args or []))
    if name and attempt.command.options.get("name") != name:
        return False
    return args is None or list(attempt.command.args[: len(args)]) == list(args)


def command(
    name: str,
    *,
    exercise: str | None = None,
    hint: str = "",
    target: Target = (None, None),
) -> Command:
    """The student's latest ``name`` command (e.g. "container run"), which must have worked.

    ``name`` is the grammar's canonical command ("container run", "container ls",
    "image tag", "container logs", "container exec", ...) or the alias the student is
    taught ("run", "ps"); both the canonical name and the alias typed are compared, and
    ``inspect`` matches ``container inspect`` (and the other way round).

    The *latest* attempt is graded: an earlier command that worked does not make up for a
    later one that Docker refused or that failed. ``target`` narrows the attempts to those
    about one object (``--name one``, or leading arguments such as ``["old"]``), so an
    exercise that runs the same command for two containers grades each one's latest.

    Raises:
        CheckFailed: no such command since the exercise started, or the latest one was
            refused or failed (the message says which and shows Docker's error line).
    """
    tried = [item for item in attempts(exercise) if _looks_like(item, name)]
    if not tried:
        raise fail(
            f"no {_shown(name)} command found in your answer",
            hint=hint or "write the command in the answer cell and run that cell",
        )
    aimed = [item for item in tried if _aims_at(item, target)]
    latest = (aimed or tried)[-1]
    if latest.command is None:
        raise fail(
            f"Docker refused your latest {_shown(name)} command (the latest one is graded)",
            found=latest.error.first_line if latest.error else shlex.join(latest.entry.argv),
            hint=hint or "fix the command line and run the cell again",
        )
    if latest.entry.exit_code != 0:
        raise fail(
            f"your latest {_shown(name)} command failed (exit status "
            f"{latest.entry.exit_code}; the latest one is graded)",
            found="docker " + shlex.join(latest.entry.argv[1:]),
            hint=hint
            or "read the error printed under the cell where you ran it, fix the command "
            "and run the cell again (after the exercise's reset cell if it changed the state)",
        )
    return latest.command


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
    if key == "volumes-from":  # the :ro/:rw mode is judged on the mounts themselves
        return sorted(item.partition(":")[0] for item in got) == sorted(
            item.partition(":")[0] for item in expected
        )
    if key in RELATIVE_TIMES:
        return [_relative_seconds(item) for item in got] == [
            _relative_seconds(item) for item in expected
        ]
    return sorted(got) == sorted(expected)


RELATIVE_TIMES = frozenset({"since", "until"})
"""Options that take a time: ``10m`` and ``600s`` mean the same; ``10`` is a Unix time."""


def _relative_seconds(value: str) -> float | str:
    """A Go duration in seconds, or the text itself when it is a timestamp or a date."""
    from grader.gotime import DurationError, parse_duration

    try:
        return parse_duration(value)
    except DurationError:
        return value


def ran(
    name: str,
    *,
    exercise: str | None = None,
    flags: Mapping[str, Any] | None = None,
    image: str | None = None,
    args: Sequence[str] | None = None,
    hint: str = "",
) -> Command:
    """Check the student's latest ``name`` command and its options.

    Options are compared by meaning, never by spelling: the grammar has already resolved
    aliases (``docker ps`` = ``docker container ls``), short, long and ``=`` forms and
    combined short flags, and values are compared as Docker reads them (see ``flags``).
    When ``flags`` names a container (``"name"``) or ``args`` is given, the latest command
    about that container or those arguments is the one graded.

    Args:
        name: the command, as for :func:`command`.
        exercise: only commands typed since ``check.reset(exercise)`` count.
        flags: long option name -> expected value: ``True`` must be given, ``False`` must
            not be; a string or list is compared with what was given (``publish`` and
            ``volume`` by meaning: ``8080:80`` equals ``0.0.0.0:8080:80/tcp``;
            ``volumes-from`` by container, whatever its ``:ro``; ``since``/``until`` as
            durations: ``10m`` equals ``600s``, and a Unix time such as ``10`` equals
            neither).
        image: for run/create: the image argument ("nginx" equals "nginx:latest").
        args: the positional arguments the command must start with.
        hint: replaces the default hint of the first failure.

    Returns:
        The parsed command, for further checks.
    """
    wanted_name = (flags or {}).get("name")
    target = (wanted_name if isinstance(wanted_name, str) else None, args)
    found = command(name, exercise=exercise, hint=hint, target=target)
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
