"""How Go sees and prints template values: type names, ``fmt.Sprint``, truth, quoting."""

from __future__ import annotations

from typing import Any

MISSING = object()
"""The value of a missing map key (printed as "<no value>")."""


def go_char(char: str) -> str:
    """Go's ``%q`` of a rune: 'x'."""
    return "'\\''" if char == "'" else f"'{char}'"


def go_quote(text: str) -> str:
    """Go's ``strconv.Quote``."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in {'"', "\\"}:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def go_type_name(value: Any) -> str:
    """The Go type name a value stands for, as Go's errors print it."""
    if hasattr(value, "go_type"):
        return value.go_type
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "[]interface {}"
    if isinstance(value, dict):
        return "map[string]interface {}"
    return "interface {}"


def go_sprint(value: Any) -> str:
    """Go's ``fmt.Sprint`` of one value: "[a b]", "map[k:v]", "true", "<nil>"."""
    if value is MISSING:
        return "<no value>"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, list | tuple):
        return "[" + " ".join(go_sprint(item) for item in value) + "]"
    if isinstance(value, dict):
        parts = [f"{go_sprint(k)}:{go_sprint(value[k])}" for k in sorted(value, key=str)]
        return "map[" + " ".join(parts) + "]"
    return str(value)


def _go_float(value: float) -> str:
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa}e{sign}{exponent.lstrip('+-').rjust(2, '0')}"
    return text


def truthy(value: Any) -> bool:
    """Go template truth: false, 0, nil, empty string/slice/map are false."""
    if value is MISSING or value is None:
        return False
    if isinstance(value, bool | int | float | str | list | tuple | dict):
        return bool(value)
    return True
