"""Container environment from ``-e/--env`` and ``--env-file``, as Docker's CLI builds it.

- ``-e NAME=value`` sets a variable (the value may be empty: ``-e NAME=``);
- ``-e NAME`` copies NAME from the environment of the ``docker`` command, and drops it when
  that environment has no NAME;
- ``--env-file FILE`` reads ``NAME=value`` lines (``#`` comments, blank lines and leading
  whitespace ignored, a bare ``NAME`` looked up like ``-e NAME``); files come first and
  ``-e`` values override them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class EnvFileError(ValueError):
    """An env file Docker refuses; the message is Docker's."""


def resolve_env(entry: str, environ: Mapping[str, str]) -> str | None:
    """One ``-e`` value as Docker sends it: ``NAME=value``, or None when NAME is unset."""
    name, has_value, _ = entry.partition("=")
    if has_value:
        return entry
    return f"{name}={environ[name]}" if name in environ else None


def parse_env_file(text: str, filename: str, environ: Mapping[str, str]) -> list[str]:
    """Parse an env file's text into ``NAME=value`` entries.

    Raises:
        EnvFileError: ``invalid env file (FILE): variable 'A B' contains whitespaces`` and the
            other messages of Docker's kvfile parser.
    """
    entries = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = (raw.removeprefix("\ufeff") if number == 1 else raw).lstrip()
        if not line or line.startswith("#"):
            continue
        name, has_value, _ = line.partition("=")
        if not name:
            raise EnvFileError(f"invalid env file ({filename}): no variable name on line '{line}'")
        if " " in name or "\t" in name:
            raise EnvFileError(
                f"invalid env file ({filename}): variable '{name}' contains whitespaces"
            )
        if has_value:
            entries.append(line)
        elif line in environ:
            entries.append(f"{name}={environ[line]}")
    return entries


def container_env(
    entries: Iterable[str],
    environ: Mapping[str, str],
    env_files: Iterable[tuple[str, str]] = (),
) -> dict[str, str]:
    """The variables a container gets from ``--env-file`` files and ``-e`` flags.

    Args:
        entries: the ``-e`` values in command-line order.
        environ: the environment the ``docker`` command ran in.
        env_files: (filename, text) of each ``--env-file``, in order.

    Raises:
        EnvFileError: when a file is malformed.
    """
    resolved: list[str] = []
    for filename, text in env_files:
        resolved.extend(parse_env_file(text, filename, environ))
    resolved.extend(value for entry in entries if (value := resolve_env(entry, environ)))
    result: dict[str, str] = {}
    for item in resolved:
        name, _, value = item.partition("=")
        result[name] = value
    return result
