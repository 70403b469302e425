"""Docker's little text conversions: sizes, durations, ids, ellipses and Go time strings.

Each function mirrors one from Docker's Go code (``go-units``, ``stringid``, the CLI's
``formatter.Ellipsis``, Go's ``time.Time.String``), so tables read exactly like Docker's.
"""

from __future__ import annotations

import datetime as _dt
import math
import time
import unicodedata

from grader.gotime import human_duration

_DECIMAL_UNITS = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]


def go_format_g(value: float, precision: int) -> str:
    """Format ``value`` like Go's ``%.<precision>g`` (same as C's, exponent with 2+ digits)."""
    text = f"{value:.{precision}g}"
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        sign = exponent[0]
        digits = exponent[1:].lstrip("0").rjust(2, "0")
        text = f"{mantissa}e{sign}{digits}"
    return text


def human_size(size: float, precision: int = 4) -> str:
    """Return go-units' ``HumanSizeWithPrecision``: decimal units, "187MB", "13.3kB", "0B"."""
    index = 0
    while size >= 1000.0 and index < len(_DECIMAL_UNITS) - 1:
        size /= 1000.0
        index += 1
    return f"{go_format_g(size, precision)}{_DECIMAL_UNITS[index]}"


def since(unix_seconds: float, now: float | None = None) -> str:
    """Return "<duration> ago" for a Unix time, as the CREATED column shows it."""
    now = time.time() if now is None else now
    return human_duration(now - unix_seconds) + " ago"


def truncate_id(identifier: str) -> str:
    """Return Docker's short id: drop a ``sha256:`` prefix and keep 12 characters."""
    if ":" in identifier:
        identifier = identifier.split(":", 1)[1]
    return identifier[:12]


def char_width(char: str) -> int:
    """Display width of one character: 2 for East Asian wide/fullwidth, else 1."""
    return 2 if unicodedata.east_asian_width(char) in {"W", "F"} else 1


def display_width(text: str) -> int:
    """Display width of a string in terminal cells."""
    return sum(char_width(char) for char in text)


def ellipsis(text: str, max_width: int) -> str:
    """The CLI's ``formatter.Ellipsis``: cut to ``max_width`` cells ending in "…"."""
    if max_width <= 0:
        return ""
    if max_width == 1:
        return text[:1]
    if display_width(text) <= max_width:
        return text
    width = 0
    for index, char in enumerate(text):
        width += char_width(char)
        if width > max_width - 1:
            return text[:index] + "…"
    return text


def go_time_string(unix_seconds: float, tz: _dt.tzinfo | None = None) -> str:
    """Go's ``time.Unix(s, 0).String()`` in local time: "2021-08-02 13:23:38 +0000 UTC"."""
    moment = _dt.datetime.fromtimestamp(int(unix_seconds), tz=tz).astimezone(tz)
    offset = moment.strftime("%z") or "+0000"
    zone = moment.tzname() or ""
    if zone in {"", "Coordinated Universal Time"} or zone == offset:
        zone = "UTC" if offset == "+0000" else offset
    return f"{moment:%Y-%m-%d %H:%M:%S} {offset} {zone}"


def parse_rfc3339(value: str) -> float:
    """Unix time of an RFC 3339 timestamp with optional nanoseconds (engines' inspect times)."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    main, sep, rest = text.partition(".")
    if sep:
        digits = ""
        while rest and rest[0].isdigit():
            digits += rest[0]
            rest = rest[1:]
        fraction = float("0." + digits) if digits else 0.0
        moment = _dt.datetime.fromisoformat(main + rest)
        return moment.timestamp() + fraction
    return _dt.datetime.fromisoformat(text).timestamp()


def rfc3339_nano(unix_seconds: float) -> str:
    """Docker's log timestamp form: "2021-08-02T13:23:38.123456789Z" (UTC, 9 digits)."""
    whole = math.floor(unix_seconds)
    nanos = int(round((unix_seconds - whole) * 1e9))
    if nanos >= 1_000_000_000:
        whole, nanos = whole + 1, nanos - 1_000_000_000
    moment = _dt.datetime.fromtimestamp(whole, tz=_dt.UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{nanos:09d}Z"


def go_time_string_nano(rfc3339: str) -> str:
    """Go's ``time.Time.String`` of an RFC 3339 time, keeping (trimmed) nanoseconds."""
    stamp = parse_rfc3339(rfc3339)
    base = go_time_string(stamp)
    fraction = rfc3339.partition(".")[2].rstrip("Z").split("+")[0].split("-")[0]
    digits = fraction.rstrip("0")
    if not digits:
        return base
    date, clock, rest = base.split(" ", 2)
    return f"{date} {clock}.{digits} {rest}"


def rfc3339(unix_seconds: float) -> str:
    """Go's ``time.Unix(s, 0).Format(time.RFC3339)`` in local time."""
    moment = _dt.datetime.fromtimestamp(int(unix_seconds)).astimezone()
    offset = moment.strftime("%z")
    if offset == "+0000":
        return f"{moment:%Y-%m-%dT%H:%M:%S}Z"
    return f"{moment:%Y-%m-%dT%H:%M:%S}{offset[:3]}:{offset[3:]}"
