"""``docker events`` in the course: the changes between two looks, printed as the CLI does."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from grader.dockercli import execute
from grader.dockercli.events import line, states, watch
from grader.engine import get_engine


@pytest.fixture
def engine(sandbox_dir: Path):
    return get_engine("sandbox")


def test_watch_reports_what_happens_between_two_looks(engine) -> None:
    looks = iter([lambda: engine.create_container("busybox", ["sleep", "300"], name="evt")])

    def pause(seconds: float) -> bool:
        """The first pause creates and starts a container; the second ends the watch."""
        action = next(looks, None)
        if action is None:
            return False
        engine.start(action()["Id"])
        return True

    events = list(watch(engine, states(engine), None, {}, pause))
    assert [(e["Action"], e["Actor"]["Attributes"]["name"]) for e in events] == [
        ("create", "evt"),
        ("start", "evt"),
    ]
    looks = iter([lambda: engine.create_container("busybox", ["sleep", "300"], name="two")])
    starts = watch(engine, states(engine), None, {"event": ["start"]}, pause)
    assert [e["Action"] for e in starts] == ["start"]


def test_the_line_is_the_clis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    event = {
        "Type": "container",
        "Action": "die",
        "Actor": {"ID": "abc", "Attributes": {"name": "web", "image": "nginx"}},
        "timeNano": 1_700_000_000_123_456_789,
    }
    try:
        assert line(event) == (
            "2023-11-14T22:13:20.123456789Z container die abc (image=nginx, name=web)\n"
        )
    finally:
        monkeypatch.undo()
        time.tzset()


def test_until_in_the_past_ends_at_once(engine) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert (
        execute(["events", "--since", "1h", "--until", "5m"], engine, stdout=out, stderr=err) == 0
    )
    assert (out.getvalue(), err.getvalue()) == ("", "")
