"""Flag values as Docker's pflag types check them when a flag is set.

Each value type in the command table (``bool``, ``int``, ``bytes``, ``decimal``, ``duration``,
``filter``, ``mount``, ``ulimit`` ...) has a converter here that returns the stored value or
raises :class:`ValueProblem` with the text Docker's ``Set`` method returns; the parser wraps
it as ``invalid argument "VALUE" for "-m, --memory" flag: TEXT``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from grader import gotime
from grader.commands.sizes import SizeError, ram_in_bytes


class ValueProblem(ValueError):
    """A flag value that Docker's flag type refuses; the message is Docker's."""


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
               "\t": "\\t", "\v": "\\v", "\\": "\\\\", '"': '\\"'}  # fmt: skip


def go_quote(text: str) -> str:
    """Go's ``%q`` of a string: double quotes, with backslash escapes for quotes and controls."""
    out = []
    for char in text:
        if char in _GO_ESCAPES:
            out.append(_GO_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\x{ord(char):02x}")
        elif not char.isprintable() and char != " ":
            out.append(f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}


def parse_bool(text: str) -> bool:
    """Go's ``strconv.ParseBool``."""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueProblem(f'strconv.ParseBool: parsing "{text}": invalid syntax')


_GO_INT = r"""[+-]?(?:
        0[xX](?:_?[0-9a-fA-F])+      # hexadecimal
      | 0[oO](?:_?[0-7])+            # octal with prefix
      | 0[bB](?:_?[01])+             # binary
      | 0(?:_?[0-7])*                # octal with a leading zero (or just 0)
      | [1-9](?:_?[0-9])*            # decimal
    )"""


def go_parse_int(text: str, bits: int = 64, *, unsigned: bool = False) -> int:
    """Go's ``strconv.ParseInt(s, 0, bits)`` / ``ParseUint`` with their error texts.

    Base 0 as pflag uses it: ``0x1f``, ``0o17``, ``017``, ``0b101`` and ``1_000`` are numbers.
    """
    func = "ParseUint" if unsigned else "ParseInt"
    if not re.fullmatch(_GO_INT, text, re.VERBOSE) or (unsigned and text.startswith(("+", "-"))):
        raise ValueProblem(f'strconv.{func}: parsing "{text}": invalid syntax')
    body = text.lstrip("+-").replace("_", "")
    if len(body) > 1 and body[0] == "0" and body[1] not in "xXoObB":
        number = int(body, 8)
    else:
        number = int(body, 0)
    if text.startswith("-"):
        number = -number
    low, high = (0, 2**bits - 1) if unsigned else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    if not low <= number <= high:
        raise ValueProblem(f'strconv.{func}: parsing "{text}": value out of range')
    return number


def parse_cpus(text: str) -> float:
    """Docker's ``opts.ParseCPUs`` (``--cpus 1.5``): a rational number of CPUs."""
    from fractions import Fraction  # only for --cpus: the shim's start-up stays fast

    match = re.fullmatch(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?|([+-]?\d+)/(\d+)", text)
    if not match or (match.group(5) is None and not (match.group(2) or match.group(3))):
        raise ValueProblem(f"failed to parse {text} as a rational number")
    if match.group(5) is not None:
        if int(match.group(6)) == 0:
            raise ValueProblem(f"failed to parse {text} as a rational number")
        value = Fraction(int(match.group(5)), int(match.group(6)))
    elif abs(int(match.group(4) or 0)) > 1000:  # 10**exponent would be a huge number
        zero = not (match.group(2) or "").strip("0") and not (match.group(3) or "").strip("0")
        if not zero and int(match.group(4)) < 0:
            raise ValueProblem("value is too precise")
        return 0.0  # nanoseconds of 10**1000 CPUs: a multiple of 2**64, so 0 in an int64
    else:
        value = Fraction(text)
    nano = value * 10**9
    if nano.denominator != 1:
        raise ValueProblem("value is too precise")
    return _go_int64(int(nano)) / 1e9


def _go_int64(number: int) -> int:
    """Go's ``big.Int.Int64()``: the low 64 bits of the magnitude, as an int64, signed."""
    low = abs(number) & (2**64 - 1)
    low = low - 2**64 if low >= 2**63 else low
    return -low if number < 0 else low


def parse_duration(text: str) -> float:
    """Go's ``time.ParseDuration`` (:func:`grader.gotime.parse_duration`); returns seconds."""
    try:
        return gotime.parse_duration(text)
    except gotime.DurationError as exc:
        raise ValueProblem(str(exc)) from None


def validate_ip(text: str) -> str:
    """Docker's ``opts.ValidateIPAddress``."""
    import ipaddress  # only when a flag needs it: the shim's start-up stays fast

    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        raise ValueProblem(f"IP address is not correctly formatted: {text}") from None


def validate_env(text: str) -> str:
    """Docker's ``opts.ValidateEnv``: ``NAME=value``, or ``NAME`` taken from the environment."""
    key, has_value, _ = text.partition("=")
    if key == "":
        raise ValueProblem(f"invalid environment variable: {text}")
    if has_value or key not in os.environ:
        return text
    return f"{key}={os.environ[key]}"


_WHITESPACE = " \t\n\v\f\r"


def validate_label(text: str) -> str:
    """Docker's ``opts.ValidateLabel``."""
    key = text.partition("=")[0].lstrip(_WHITESPACE)
    if key == "":
        raise ValueProblem(f"invalid label '{text}': empty name")
    if any(c in _WHITESPACE for c in key):
        raise ValueProblem(f"label '{key}' contains whitespaces")
    return text


def validate_extra_host(text: str) -> str:
    """Docker's ``opts.ValidateExtraHost`` (``--add-host name:ip``)."""
    key, sep, value = text.partition("=")
    if not sep:
        key, sep, value = text.partition(":")
    if not sep or key == "" or ":" in key:
        raise ValueProblem(f"bad format for add-host: {go_quote(text)}")
    if value != "host-gateway":
        if len(value) > 2 and value[0] == "[" and value[-1] == "]":
            value = value[1:-1]
        try:
            validate_ip(value)
        except ValueProblem:
            raise ValueProblem(f"invalid IP address in add-host: {go_quote(value)}") from None
    return f"{key}:{value}"


def validate_attach(text: str) -> str:
    """The ``-a/--attach`` streams of ``docker run``."""
    if text.lower() in {"stdin", "stdout", "stderr"}:
        return text.lower()
    raise ValueProblem("valid streams are STDIN, STDOUT and STDERR")


def validate_filter(text: str) -> str:
    """Docker's ``opts.FilterOpt``: ``name=value``."""
    if text and "=" not in text:
        raise ValueProblem("bad format of filter (expected name=value)")
    return text


def validate_ulimit(text: str) -> str:
    """``--ulimit name=soft[:hard]`` as go-units ``ParseUlimit`` checks it."""
    name, sep, limits = text.partition("=")
    if not sep:
        raise ValueProblem(f"invalid ulimit argument: {text}")
    known = {
        "as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
        "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack",
    }  # fmt: skip
    if name not in known:
        raise ValueProblem(f"invalid ulimit type: {name}")
    parts = limits.split(":")
    if len(parts) > 2:
        raise ValueProblem(
            f"too many limit value arguments - {limits}, can only have up to two, `soft[:hard]`"
        )
    numbers = [_parse_int10(part) for part in reversed(parts)][::-1]
    soft, hard = numbers[0], numbers[-1]
    if hard != -1 and soft == -1:
        raise ValueProblem(
            "ulimit soft limit must be less than or equal to hard limit: "
            f"soft: -1 (unlimited), hard: {hard}"
        )
    if hard != -1 and soft > hard:
        raise ValueProblem(
            f"ulimit soft limit must be less than or equal to hard limit: {soft} > {hard}"
        )
    return text


def _parse_int10(text: str) -> int:
    """Go's ``strconv.ParseInt(s, 10, 64)``."""
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueProblem(f'strconv.ParseInt: parsing "{text}": invalid syntax')
    number = int(text)
    if not -(2**63) <= number < 2**63:
        raise ValueProblem(f'strconv.ParseInt: parsing "{text}": value out of range')
    return number


def _bytes(text: str) -> int:
    try:
        return ram_in_bytes(text)
    except SizeError as exc:
        raise ValueProblem(str(exc)) from None


def validate_sysctl(text: str) -> str:
    """Docker's ``opts.ValidateSysctl``: namespaced kernel parameters only."""
    key, sep, _ = text.partition("=")
    allowed = {
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
        "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
    }  # fmt: skip
    if sep and key and (key in allowed or key.startswith(("net.", "fs.mqueue."))):
        return text
    raise ValueProblem(f"sysctl '{text}' is not allowed")


def validate_build_tag(text: str) -> str:
    """``docker build -t``: a named image reference."""
    from grader.reference import ReferenceError, parse_normalized_named

    try:
        parse_normalized_named(text)
    except ReferenceError as exc:
        raise ValueProblem(str(exc)) from None
    return text


def _gpu_count(text: str) -> None:
    if text == "all":
        return
    if not re.fullmatch(r"[+-]?\d+", text):
        reason = "invalid syntax"
    elif not -(2**63) <= int(text) < 2**63:
        reason = "value out of range"
    else:
        return
    raise ValueProblem(
        f'invalid count ({text}): value must be either "all" or an integer: {reason}'
    )


def validate_gpus(text: str) -> str:
    """Docker's ``GpuOpts``: ``all``, a count, or ``count=..,device=..,driver=..`` fields."""
    from grader.commands.mounts import MountSpecError, read_csv_record

    try:
        fields = read_csv_record(text)
    except MountSpecError as exc:
        raise ValueProblem(str(exc)) from None
    seen: set[str] = set()
    for field in fields:
        key, has_value, value = field.partition("=")
        if key in seen:
            raise ValueProblem(f"gpu request key '{key}' can be specified only once")
        seen.add(key)
        if not has_value:
            seen.add("count")
            _gpu_count(key)
        elif key == "count":
            _gpu_count(value)
        elif key not in {"driver", "device", "capabilities", "options"}:
            raise ValueProblem(f"unexpected key '{key}' in '{field}'")
    return text


def validate_device_rule(kind: str) -> Callable[[str], str]:
    """Validators of ``--device-read-bps`` ("bps"), ``--device-read-iops``, blkio weights."""

    def validate(text: str) -> str:
        path, sep, value = text.partition(":")
        if not sep or not path:
            raise ValueProblem(f"bad format: {text}")
        if not path.startswith("/dev/"):
            raise ValueProblem(f"bad format for device path: {text}")
        if kind == "bps":
            try:
                ok = ram_in_bytes(value) >= 0
            except SizeError:
                ok = False
            if not ok:
                raise ValueProblem(
                    f"invalid rate for device: {text}. The correct format is "
                    "<device-path>:<number>[<unit>]. Number must be a positive integer. "
                    "Unit is optional and can be kb, mb, or gb"
                )
        elif kind == "iops" and not (value.isascii() and value.isdigit() and int(value) < 2**64):
            raise ValueProblem(
                f"invalid rate for device: {text}. The correct format is "
                "<device-path>:<number>. Number must be a positive integer"
            )
        elif kind == "weight":
            weight = int(value) if value.isascii() and value.isdigit() else -1
            if not 0 <= weight < 2**16 or (weight > 0 and not 10 <= weight <= 1000):
                raise ValueProblem(f"invalid weight for device: {text}")
        return text

    return validate


def _mount(text: str) -> str:
    from grader.commands.mounts import MountSpecError, parse_mount

    try:
        parse_mount(text)
    except MountSpecError as exc:
        raise ValueProblem(str(exc)) from None
    return text


LIST_VALIDATORS: dict[str, Callable[[str], str]] = {
    "env": validate_env,
    "label": validate_label,
    "add-host": validate_extra_host,
    "dns": validate_ip,
    "attach": validate_attach,
    "tag": validate_build_tag,
    "build-arg": validate_env,
    "device-read-bps": validate_device_rule("bps"),
    "device-write-bps": validate_device_rule("bps"),
    "device-read-iops": validate_device_rule("iops"),
    "device-write-iops": validate_device_rule("iops"),
    "blkio-weight-device": validate_device_rule("weight"),
}
"""Validators Docker attaches to ``list`` flags, by long flag name."""


def convert(value_type: str, flag: str, text: str) -> Any:
    """Convert one flag value as Docker's flag type does, or raise :class:`ValueProblem`.

    Args:
        value_type: the type name from the command table ("bool", "int", "bytes" ...).
        flag: the flag's long name, to pick a list validator.
        text: the value as typed.
    """
    if value_type == "bool":
        return parse_bool(text)
    if value_type in {"int", "int64"}:
        return go_parse_int(text, 64)
    if value_type in {"uint", "uint64"}:
        return go_parse_int(text, 64, unsigned=True)
    if value_type in {"uint16", "uint32"}:
        return go_parse_int(text, int(value_type[4:]), unsigned=True)
    if value_type == "float":
        from grader.commands.sizes import SizeError, parse_go_float

        try:
            return parse_go_float(text)
        except SizeError as exc:
            raise ValueProblem(str(exc)) from None
    if value_type == "bytes":
        # --memory-swap -1 means unlimited swap; every other size flag refuses negatives.
        return -1 if flag == "memory-swap" and text == "-1" else _bytes(text)
    if value_type == "decimal":
        return parse_cpus(text)
    if value_type == "duration":
        return parse_duration(text)
    if value_type == "filter":
        return validate_filter(text)
    if value_type == "ulimit":
        return validate_ulimit(text)
    if value_type == "mount":
        return _mount(text)
    if value_type == "gpu-request":
        return validate_gpus(text)
    if value_type == "map" and flag == "sysctl":
        return validate_sysctl(text)
    if value_type == "list" and flag in LIST_VALIDATORS:
        LIST_VALIDATORS[flag](text)
    return text
