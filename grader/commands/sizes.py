"""Human-readable sizes (``-m 512m``, ``--shm-size 1g``) as Docker's go-units parses them.

:func:`ram_in_bytes` follows go-units ``RAMInBytes``: binary multiples (``k`` = 1024), an
optional ``b``/``ib`` after the unit letter, case-insensitive, and go-units' error texts.
"""

from __future__ import annotations

import re

_MULTIPLIERS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}
_GO_FLOAT = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"


class SizeError(ValueError):
    """A size go-units refuses; the message is go-units' own."""


def parse_go_float(text: str) -> float:
    """Go's ``strconv.ParseFloat(s, 64)`` for decimal numbers, with its error texts."""
    if not re.fullmatch(_GO_FLOAT, text):
        raise SizeError(f'strconv.ParseFloat: parsing "{text}": invalid syntax')
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise SizeError(f'strconv.ParseFloat: parsing "{text}": value out of range')
    return value


def ram_in_bytes(text: str) -> int:
    """Parse a memory size such as ``512m``, ``1.5g``, ``1024``, ``2GiB`` into bytes.

    Raises:
        SizeError: ``invalid size: '...'``, ``invalid suffix: '...'`` or a float syntax error.
    """
    separator = max(text.rfind(c) for c in "0123456789. ")
    if separator == -1:
        raise SizeError(f"invalid size: '{text}'")
    if text[separator] != " ":
        number, suffix = text[: separator + 1], text[separator + 1 :]
    else:
        number, suffix = text[:separator], text[separator + 1 :]
    size = parse_go_float(number)
    if size < 0:
        raise SizeError(f"invalid size: '{text}'")
    if not suffix:
        return int(size)
    if len(suffix) > 3:
        raise SizeError(f"invalid suffix: '{suffix}'")
    suffix = suffix.lower()
    if suffix[0] == "b":
        if len(suffix) > 1:
            raise SizeError(f"invalid suffix: '{suffix}'")
        return int(size)
    if suffix[0] not in _MULTIPLIERS:
        raise SizeError(f"invalid suffix: '{suffix}'")
    if (len(suffix) == 2 and suffix[1] != "b") or (len(suffix) == 3 and suffix[1:] != "ib"):
        raise SizeError(f"invalid suffix: '{suffix}'")
    return int(size * _MULTIPLIERS[suffix[0]])
