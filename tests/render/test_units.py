"""go-units sizes and durations, ids, ellipsis, Go time strings, --since/--until values."""

from __future__ import annotations

import datetime as dt

import pytest

from grader.gotime import DurationError, human_duration, parse_duration
from grader.render import units
from grader.render.timeparse import TimeValueError, get_timestamp


@pytest.mark.parametrize(
    ("size", "precision", "text"),
    [
        (0, 3, "0B"),
        (999, 3, "999B"),
        (13_300, 3, "13.3kB"),
        (7_800_000, 3, "7.8MB"),
        (187_000_000, 3, "187MB"),
        (1_985_000, 3, "1.99MB"),
        (1_985_000, 4, "1.985MB"),
        (3_220, 3, "3.22kB"),
        (999_999, 3, "1e+03kB"),
        (1_000_000_000_000, 3, "1TB"),
    ],
)
def test_human_size(size: int, precision: int, text: str) -> None:
    assert units.human_size(size, precision) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.4, "Less than a second"),
        (1, "1 second"),
        (59, "59 seconds"),
        (60, "About a minute"),
        (119, "About a minute"),
        (120, "2 minutes"),
        (59 * 60 + 59, "59 minutes"),
        (3600, "About an hour"),
        (5399, "About an hour"),
        (5400, "2 hours"),
        (47 * 3600, "47 hours"),
        (48 * 3600, "2 days"),
        (14 * 86400, "2 weeks"),
        (60 * 86400, "2 months"),
        (2 * 365 * 86400, "2 years"),
    ],
)
def test_human_duration(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


def test_since_reads_ago() -> None:
    assert units.since(1000, now=1003) == "3 seconds ago"


def test_truncate_id_drops_algorithm() -> None:
    assert units.truncate_id("sha256:" + "ab" * 32) == "abababababab"
    assert units.truncate_id("0123456789abcdef") == "0123456789ab"


@pytest.mark.parametrize(
    ("text", "width", "out"),
    [
        ("/docker-entrypoint.sh nginx -g 'daemon off;'", 20, "/docker-entrypoint.…"),
        ("sleep 3600", 20, "sleep 3600"),
        ("a" * 20, 20, "a" * 20),
        ("a" * 21, 20, "a" * 19 + "…"),
        ("日本語のコマンドです", 10, "日本語の…"),
        ("anything", 0, ""),
    ],
)
def test_ellipsis(text: str, width: int, out: str) -> None:
    assert units.ellipsis(text, width) == out


def test_go_time_string_utc() -> None:
    utc = dt.UTC
    assert units.go_time_string(1627910618, tz=utc) == "2021-08-02 13:23:38 +0000 UTC"


def test_rfc3339_nano_has_nine_digits() -> None:
    assert units.rfc3339_nano(1627910618.5) == "2021-08-02T13:23:38.500000000Z"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("42m", 2520), ("1h30m", 5400), ("10s", 10), ("1.5h", 5400), ("-5m", -300), ("300ms", 0.3)],
)
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


def test_bad_duration_is_go_error() -> None:
    with pytest.raises(DurationError, match='time: unknown unit "x" in duration "5x"'):
        parse_duration("5x")
    with pytest.raises(DurationError, match='time: invalid duration "-"'):
        parse_duration("-")


def test_get_timestamp_forms() -> None:
    now = 1_700_000_000.0
    assert get_timestamp("42m", now) == now - 2520
    assert get_timestamp("2021-08-02T13:23:38Z", now) == 1627910618
    assert get_timestamp("2021-08-02T13:23:38.25+02:00", now) == pytest.approx(1627903418.25)
    assert get_timestamp("1627910618.5", now) == 1627910618.5
    local = dt.datetime(2021, 8, 2, 13, 23, 38).astimezone().timestamp()
    assert get_timestamp("2021-08-02T13:23:38", now) == local
    midnight = dt.datetime(2021, 8, 2).astimezone().timestamp()
    assert get_timestamp("2021-08-02", now) == midnight


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("foo", 'failed to parse value as time or duration: "foo"'),
        ("2021-13-01", 'parsing time "2021-13-01": month out of range'),
        ("2021-08-02T25:00:00", 'parsing time "2021-08-02T25:00:00": hour out of range'),
    ],
)
def test_get_timestamp_errors_match_docker(value: str, message: str) -> None:
    with pytest.raises(TimeValueError) as caught:
        get_timestamp(value)
    assert str(caught.value) == message
