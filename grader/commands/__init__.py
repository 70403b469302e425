"""Docker 28's command-line grammar: argv -> typed :class:`Command` or Docker's own error.

- :func:`parse_argv` parses the words after ``docker``; :func:`parse_line` a whole line.
- Spec helpers other layers reuse: :mod:`grader.commands.ports` (``-p``),
  :mod:`grader.commands.volumes` (``-v``), :mod:`grader.commands.mounts` (``--mount``),
  :mod:`grader.commands.sizes` (``-m 512m``), :mod:`grader.commands.reference` (image names),
  :mod:`grader.commands.envvars` (``-e``), :mod:`grader.commands.restart` (``--restart``).
- :mod:`grader.commands.shell`: the small shell language of ``%%docker`` cells.
"""

from __future__ import annotations

import shlex

from grader.commands.model import Command, DockerCLIError
from grader.commands.parser import parse_argv

__all__ = ["Command", "DockerCLIError", "parse_argv", "parse_line"]


def parse_line(line: str) -> Command:
    """Parse one command line such as ``docker run -p 8080:80 nginx``.

    The line is split into words with POSIX shell quoting (no variables or substitutions:
    use :func:`grader.commands.shell.run_script` for those); a leading ``docker`` word is
    optional.

    Raises:
        DockerCLIError: Docker's message and exit code when the client refuses the line, or a
            shell-style message (exit 2) when the quoting is unbalanced.
    """
    try:
        words = shlex.split(line, comments=True)
    except ValueError as exc:
        raise DockerCLIError(f"syntax error: {exc}", 2) from None
    if words and words[0] == "docker":
        words = words[1:]
    return parse_argv(words)
