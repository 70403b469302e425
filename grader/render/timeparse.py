"""The time values ``docker logs --since/--until`` accepts, parsed as Docker's client does.

Docker's ``GetTimestamp`` takes a Go duration ("42m", "1h30m", "10s": that long before
now), an RFC 3339 timestamp with or without zone, fraction, seconds or minutes
("2021-08-02T13:23:38", local time when no zone is given), a date ("2021-08-02"), or Unix
seconds ("1627910618.5"). Bad values raise :class:`TimeValueError` with Go's wording.
"""

from __future__ import annotations

import datetime as _dt
import re
import time

from grader.gotime import DurationError, parse_duration


class TimeValueError(ValueError):
    """A --since/--until value Docker's client refuses; ``str()`` is Go's message."""


_ZONE = r"(?P<zone>[zZ]|[+-]\d{2}:\d{2})"
_LAYOUTS = [
    # (has fraction, has T, colons in the time part, regex body, Go layout)
    ("T3", r"(?P<H>\d{2}):(?P<M>\d{2}):(?P<S>\d{2})(?:\.(?P<F>\d{1,9}))?", "15:04:05"),
    ("T2", r"(?P<H>\d{2}):(?P<M>\d{2})", "15:04"),
    ("T1", r"(?P<H>\d{2})", "15"),
]


def _layout_for(value: str, in_location: bool) -> tuple[str, str]:
    """Choose the time part's regex and Go layout exactly as ``GetTimestamp`` does."""
    if "." in value:
        return _LAYOUTS[0][1], "2006-01-02T15:04:05.999999999"
    if "T" in value:
        colons = value.count(":")
        if not in_location and not any(c in value for c in "zZ") and colons > 0:
            colons -= 1
        index = 0 if colons >= 2 else (1 if colons == 1 else 2)
        body, layout = _LAYOUTS[index][1], _LAYOUTS[index][2]
        return body, "2006-01-02T" + layout
    return "", "2006-01-02"


def _parse_absolute(value: str, in_location: bool) -> float | None:
    """Parse an absolute timestamp, None when it does not look like one at all."""
    body, layout = _layout_for(value, in_location)
    pattern = r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    if body:
        pattern += "T" + body
    if not in_location:
        layout += "Z07:00"
        pattern += _ZONE
    match = re.fullmatch(pattern, value)
    if not match:
        if "-" in value:
            raise TimeValueError(f'parsing time "{value}" as "{layout}": cannot parse "{value}"')
        return None
    parts = match.groupdict()
    year, month, day = int(parts["y"]), int(parts["mo"]), int(parts["d"])
    hour, minute, second = (int(parts.get(k) or 0) for k in ("H", "M", "S"))
    if not 1 <= month <= 12:
        raise TimeValueError(f'parsing time "{value}": month out of range')
    for number, limit, what in ((hour, 23, "hour"), (minute, 59, "minute"), (second, 59, "second")):
        if number > limit:
            raise TimeValueError(f'parsing time "{value}": {what} out of range')
    try:
        moment = _dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise TimeValueError(f'parsing time "{value}": day out of range') from None
    if in_location:
        stamp = moment.astimezone().timestamp()
    else:
        zone = parts["zone"]
        offset = _dt.timedelta(0)
        if zone not in {"z", "Z"}:
            sign = -1 if zone[0] == "-" else 1
            offset = sign * _dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        stamp = moment.replace(tzinfo=_dt.timezone(offset)).timestamp()
    fraction = parts.get("F")
    return stamp + (float("0." + fraction) if fraction else 0.0)


def get_timestamp(value: str, now: float | None = None) -> float:
    """Docker's ``GetTimestamp``: the Unix time a --since/--until value stands for."""
    now = time.time() if now is None else now
    if value != "0":
        try:
            return now - parse_duration(value)
        except DurationError:
            pass
    in_location = not any(c in value for c in "zZ+") and value.count("-") != 3
    stamp = _parse_absolute(value, in_location)
    if stamp is not None:
        return stamp
    if re.fullmatch(r"\d{1,19}(\.\d{1,9})?", value) and int(value.split(".")[0]) < 2**63:
        return float(value)  # Docker's parseTimestamp: seconds must fit in an int64
    raise TimeValueError(f'failed to parse value as time or duration: "{value}"')
