"""Docker 28's command-line grammar: argv -> typed :class:`Command` or Docker's own error.

- :func:`parse_argv` parses the words after ``docker``; :func:`parse_line` a whole line.
- Spec helpers other layers reuse: :mod:`grader.commands.ports` (``-p``),
  :mod:`grader.commands.volumes` (``-v``), :mod:`grader.commands.mounts` (``--mount``),
  :mod:`grader.commands.sizes` (``-m 512m``), :mod:`grader.reference` (image names),
  :mod:`grader.commands.envvars` (``-e``), :mod:`grader.commands.restart` (``--restart``),
  :mod:`grader.commands.platforms` (``--platform``).
- :mod:`grader.commands.parser` holds the command specs (``SPECS``, from the generated
  :mod:`grader.commands.table`); :mod:`grader.commands.validate` the checks Docker's client
  makes after parsing flags.
- :mod:`grader.commands.shell`: the small shell language of ``%%docker`` cells.
"""

from __future__ import annotations

import os

from grader.commands.model import Command, DockerCLIError
from grader.commands.parser import parse_argv

__all__ = ["Command", "DockerCLIError", "parse_argv", "parse_line"]


def parse_line(line: str) -> Command:
    """Parse one command line such as ``docker run -p 8080:80 nginx``.

    The line is split into words as a POSIX shell would (quotes, escapes, ``$VAR`` from the
    process environment, ``#`` comments); command substitutions are refused: use
    :func:`grader.commands.shell.run_script` for scripts. A leading ``docker`` word is optional.

    Raises:
        DockerCLIError: Docker's message and exit code when the client refuses the line, or the
            shell's message (exit 2) for bad quoting or unsupported shell syntax.
    """
    from grader.commands.shell import ShellError, split_words

    try:
        words = split_words(line, dict(os.environ))
    except ShellError as exc:
        raise DockerCLIError(exc.message, exc.exit_code) from None
    if words and words[0] == "docker":
        words = words[1:]
    return parse_argv(words)
