"""Checks about a command run inside a container with ``docker exec`` through its shell.

Running ``echo ready`` directly and running it through the container's shell print the same
line, so the output alone cannot tell whether the student used the shell an exercise asks
for. This check reads the parsed ``docker exec`` command: the program it starts, the shell's
``-c`` and the command line given to it (compared as words, so the quoting is free).
"""

from __future__ import annotations

import posixpath
import shlex

from grader.checks.failure import fail
from grader.checks.progress import passed
from grader.checks.routes import command

SHELLS = frozenset({"sh", "ash", "bash", "dash", "zsh", "ksh"})
"""Programs that read a command line and run it (``/bin/sh``, ``busybox sh`` count too)."""


def exec_shell(
    container: str, *, exercise: str | None = None, runs: str = "", hint: str = ""
) -> None:
    """Check that the latest ``docker exec`` into ``container`` runs ``runs`` through a shell.

    Args:
        container: the container the command must run in.
        exercise: only commands typed since ``check.reset(exercise)`` count.
        runs: the command line the shell's ``-c`` must get (compared word by word).
        hint: replaces the default hint of the first failure.
    """
    found = command("container exec", exercise=exercise, hint=hint, target=(None, [container]))
    typed = "docker " + shlex.join(found.argv)
    if not found.args or found.args[0] != container:
        raise fail(
            f"your docker exec command does not run in {container}",
            found=typed,
            hint=hint or "the container comes right after the options",
        )
    words = found.args[1:]
    if words[:1] == ["busybox"]:
        words = words[1:]
    if not words or posixpath.basename(words[0]) not in SHELLS:
        raise fail(
            "your docker exec command runs the program directly, not through a shell",
            found=typed,
            hint=hint or "which program of the container reads a command line and runs it?",
        )
    if len(words) < 3 or words[1] != "-c":
        raise fail(
            f"your docker exec command starts {words[0]} without a command line for it to run",
            found=typed,
            hint=hint or "the shell's -c option takes the command line as its next argument",
        )
    try:
        same = not runs or shlex.split(words[2]) == shlex.split(runs)
    except ValueError:
        same = False
    if not same:
        raise fail(
            "the shell in your docker exec command runs another command line than asked",
            found=typed,
            hint=hint or "compare the text after -c with the exercise",
        )
    passed(f"docker exec runs {words[2]!r} through {words[0]} in {container}")
