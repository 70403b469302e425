"""The typed result of parsing one docker command line, and the error Docker prints instead.

Every layer above the grammar speaks these two types: a :class:`Command` when Docker's own
CLI would accept the arguments, a :class:`DockerCLIError` carrying Docker's exact message
and exit code when it would not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Command:
    """One docker invocation that Docker 28's client would accept.

    Example: ``docker run -dp 8080:80 --name website nginx:latest`` parses to
    ``Command(name="container run", options={"detach": True, "publish": ["8080:80"],
    "name": "website"}, args=["nginx:latest"], ...)``.
    """

    name: str
    """Canonical command path in management form: "container run", "image ls",
    "volume create", "system prune", "version", "build" ("image build"), "login" ...
    Aliases map onto it: ``run`` and ``container run`` -> "container run", ``ps`` and
    ``container ls``/``container list``/``container ps`` -> "container ls", ``images`` and
    ``image ls`` -> "image ls", ``rmi`` -> "image rm", ``build`` -> "image build"."""

    options: dict[str, Any] = field(default_factory=dict)
    """Flags given, keyed by long name without dashes ("publish", "detach", "name").
    Booleans are ``True``/``False``; repeatable flags (``-p``, ``-e``, ``-v``, ``-t`` on build,
    ``--filter``, ``-l``) are lists of strings in command-line order; other values are the
    string the user gave (or parsed number for int flags). Only flags that were given appear."""

    args: list[str] = field(default_factory=list)
    """Positional arguments. For run/create: the image first, then the container's command
    and its arguments (everything after the image, or after ``--``)."""

    argv: list[str] = field(default_factory=list)
    """The words after ``docker`` exactly as given, for messages and checks."""

    global_options: dict[str, Any] = field(default_factory=dict)
    """Options before the command (``-H``/``--host``, ``--context``, ``-D``, ``-l``...)."""

    used_alias: str = ""
    """The command words the user typed ("ps", "container ls", "rmi"), for feedback."""

    warnings: tuple[str, ...] = ()
    """Lines Docker's client prints on stderr before running the command (``docker -h``'s
    deprecation notice, ``login -p``'s insecurity warning), each without its newline."""

    def option(self, name: str, default: Any = None) -> Any:
        """Return an option's value by long name, or ``default`` when it was not given."""
        return self.options.get(name, default)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON-ready form ``python -m grader parse`` prints."""
        return {
            "command": self.name,
            "alias": self.used_alias,
            "options": self.options,
            "args": self.args,
            "global_options": self.global_options,
            "warnings": list(self.warnings),
        }


class DockerCLIError(Exception):
    """What Docker's client prints and exits with when it refuses a command line.

    ``message`` is the full stderr text (usually the error line, then a line like
    ``See 'docker run --help'.``); ``first_line`` is what contracts compare against.
    """

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    @property
    def first_line(self) -> str:
        """The first line of Docker's message (the error itself)."""
        return self.message.splitlines()[0] if self.message else ""
