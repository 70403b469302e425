"""``python -m grader parse 'docker run ...'``: print the parsed command or Docker's error.

Exit 0 and the command as JSON on stdout when Docker 28's client would accept the line;
otherwise Docker's message on stderr and Docker's exit code.
"""

from __future__ import annotations

import json
import sys

from grader.commands import DockerCLIError, parse_argv, parse_line

USAGE = "usage: python -m grader parse 'docker COMMAND ...'  (or: parse -- docker WORD...)"


def main(argv: list[str]) -> int:
    """Parse one command line given as a single string, or as words after ``--``."""
    if not argv:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        if argv[0] == "--":
            words = argv[1:]
            command = parse_argv(words[1:] if words[:1] == ["docker"] else words)
        else:
            command = parse_line(" ".join(argv))
    except DockerCLIError as exc:
        print(exc.message, file=sys.stderr)
        return exc.exit_code
    print(json.dumps(command.to_json(), indent=2))
    return 0
