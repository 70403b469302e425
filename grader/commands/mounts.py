"""``--mount type=bind,source=/src,target=/app,readonly`` as Docker's ``MountOpt`` reads it.

:func:`parse_mount` returns a :class:`MountSpec` or raises :class:`MountSpecError` with the
text Docker prints after ``invalid argument "..." for "--mount" flag:``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from grader.commands.sizes import SizeError, ram_in_bytes

_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}


class MountSpecError(ValueError):
    """A ``--mount`` value Docker refuses; the message is Docker's."""


@dataclass
class MountSpec:
    """One parsed ``--mount``: the fields of Docker's ``mount.Mount`` students meet."""

    type: str = "volume"
    """"volume" (the default), "bind", "tmpfs", "image" ... lower-cased as Docker does."""
    source: str = ""
    """Volume name or host path (a relative ``./path`` made absolute, as the CLI does)."""
    target: str = ""
    read_only: bool = False
    options: dict[str, str] = field(default_factory=dict)
    """Every other ``key=value`` (``bind-propagation``, ``volume-opt``, ``tmpfs-size`` ...)."""


def _bool(key: str, value: str) -> bool:
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise MountSpecError(f"invalid value for {key}: {value}")


def read_csv_record(text: str) -> list[str]:
    """The first record of ``text`` as Go's ``encoding/csv`` reader reads it.

    Raises:
        MountSpecError: Go's texts (``EOF``, ``parse error on line 1, column 8: bare " in
            non-quoted-field`` ...).
    """
    if text == "":
        raise MountSpecError("EOF")
    line = text.split("\n", 1)[0]
    fields: list[str] = []
    pos = 0
    while True:
        if line.startswith('"', pos):
            value, pos = _quoted_field(line, pos)
        else:
            end = line.find(",", pos)
            end = len(line) if end == -1 else end
            value = line[pos:end]
            if '"' in value:
                column = pos + value.index('"') + 1
                raise MountSpecError(
                    f'parse error on line 1, column {column}: bare " in non-quoted-field'
                )
            pos = end
        fields.append(value)
        if pos >= len(line):
            return fields
        pos += 1  # the comma


def _quoted_field(line: str, pos: int) -> tuple[str, int]:
    """Read a quoted CSV field starting at ``line[pos] == '"'``; return (value, end)."""
    value = []
    index = pos + 1
    while index < len(line):
        char = line[index]
        if char != '"':
            value.append(char)
            index += 1
        elif line.startswith('""', index):
            value.append('"')
            index += 2
        elif index + 1 == len(line) or line[index + 1] == ",":
            return "".join(value), index + 1
        else:
            column = index + 2
            raise MountSpecError(
                f'parse error on line 1, column {column}: extraneous or missing " in quoted-field'
            )
    raise MountSpecError(
        f'parse error on line 1, column {len(line) + 1}: extraneous or missing " in quoted-field'
    )


_FLAGS = {"readonly": "ro", "ro": "ro", "volume-nocopy": "", "bind-nonrecursive": ""}
_PREFIXES = ("volume", "image", "bind", "tmpfs")


def parse_mount(text: str) -> MountSpec:
    """Parse one ``--mount`` value.

    Raises:
        MountSpecError: with Docker's text, e.g. ``target is required``.
    """
    spec = MountSpec()
    families: set[str] = set()
    for item in read_csv_record(text):
        key, has_value, value = item.partition("=")
        key = key.lower()
        if not has_value:
            if key not in _FLAGS:
                raise MountSpecError(f"invalid field '{item}' must be a key=value pair")
            if key in {"readonly", "ro"}:
                spec.read_only = True
            else:
                families.add(key.split("-")[0])
                spec.options[key] = "true"
            continue
        if key == "type":
            spec.type = value.lower()
        elif key in {"source", "src"}:
            spec.source = value
            if value.startswith(".") and not os.path.isabs(value):
                spec.source = os.path.abspath(value)
        elif key in {"target", "dst", "destination"}:
            spec.target = value
        elif key in {"readonly", "ro"}:
            spec.read_only = _bool(key, value)
        elif key == "consistency":
            spec.options[key] = value.lower()
        else:
            spec.options[key] = _option(key, value, item)
            families.add(key.split("-")[0])
    if spec.type == "":
        raise MountSpecError("type is required")
    if spec.target == "":
        raise MountSpecError("target is required")
    for family in _PREFIXES:
        if family in families and spec.type != family:
            raise MountSpecError(f"cannot mix '{family}-*' options with mount type '{spec.type}'")
    return spec


def _option(key: str, value: str, item: str) -> str:
    """Check one ``family-name=value`` option as Docker does; return the value kept."""
    if key == "bind-propagation":
        return value.lower()
    if key in {"bind-nonrecursive"}:
        _bool(key, value)
        return value
    if key == "volume-nocopy":
        if value not in _TRUE | _FALSE:
            raise MountSpecError(f"invalid value for volume-nocopy: {value}")
        return value
    if key == "bind-recursive":
        if value not in {"enabled", "disabled", "writable", "readonly"}:
            raise MountSpecError(
                f"invalid value for {key}: {value} "
                '(must be "enabled", "disabled", "writable", or "readonly")'
            )
        return value
    if key == "tmpfs-size":
        try:
            ram_in_bytes(value)
        except SizeError:
            raise MountSpecError(f"invalid value for {key}: {value}") from None
        return value
    if key == "tmpfs-mode":
        try:
            int(value, 8)
        except ValueError:
            raise MountSpecError(f"invalid value for {key}: {value}") from None
        return value
    if key in {"volume-subpath", "volume-label", "volume-driver", "volume-opt", "image-subpath"}:
        return value
    raise MountSpecError(f"unexpected key '{key}' in '{item}'")
