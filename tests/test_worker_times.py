"""The per-worker time summary of a parallel run (tests/worker_times.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from worker_times import WorkerTimes, group_of


def report(worker: str, nodeid: str, when: str, start: float, stop: float) -> pytest.TestReport:
    made = pytest.TestReport(nodeid, ("f.py", 1, "t"), {}, "passed", None, when, [], stop - start)
    made.start, made.stop = start, stop
    made.node = SimpleNamespace(gateway=SimpleNamespace(id=worker))
    return made


def test_group_is_the_suffix_loadgroup_reads() -> None:
    assert group_of("tests/a.py::test_x[1]@docker-daemon") == "docker-daemon"
    assert group_of("tests/a.py::test_pull[nginx@sha256:abc]") is None
    assert group_of("tests/a.py::test_x") is None


def test_each_worker_gets_its_busy_time_span_and_longest_groups() -> None:
    times = WorkerTimes()
    for made in [
        report("gw0", "a.py::t1@docker-daemon", "setup", 100.0, 102.0),
        report("gw0", "a.py::t1@docker-daemon", "call", 102.0, 130.0),
        report("gw0", "b.py::t2@browser", "call", 130.0, 135.0),
        report("gw0", "c.py::t3", "call", 140.0, 141.0),
        report("gw1", "d.py::t4", "call", 101.0, 104.0),
    ]:
        times.pytest_runtest_logreport(made)
    times.pytest_runtest_logreport(
        pytest.TestReport("e.py::t5", ("e.py", 1, "t"), {}, "passed", None, "call", [], 9.0)
    )
    assert times.lines() == [
        "gw0: 36 s of tests over 41 s, 3 tests; longest groups: docker-daemon 30 s, browser 5 s",
        "gw1: 3 s of tests over 3 s, 1 tests; longest groups: none",
    ]
