"""The per-worker time summary of a parallel run (tests/worker_times.py)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from worker_times import WorkerTimes, group_of


def report(
    worker: str, nodeid: str, when: str, start: float, stop: float, cpu: float = 0.0
) -> pytest.TestReport:
    made = pytest.TestReport(
        nodeid, ("f.py", 1, "t"), {}, "passed", None, when, [], stop - start, cpu=cpu
    )
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
        report("gw0", "a.py::t1@docker-daemon", "setup", 100.0, 102.0, cpu=1.5),
        report("gw0", "a.py::t1@docker-daemon", "call", 102.0, 130.0, cpu=4.0),
        report("gw0", "b.py::t2@browser", "call", 130.0, 135.0, cpu=6.25),
        report("gw0", "c.py::t3", "call", 140.0, 141.0),
        report("gw1", "d.py::t4", "call", 101.0, 104.0),
    ]:
        times.pytest_runtest_logreport(made)
    times.pytest_runtest_logreport(
        pytest.TestReport("e.py::t5", ("e.py", 1, "t"), {}, "passed", None, "call", [], 9.0)
    )
    assert times.lines() == [
        "gw0: 36 s of tests over 41 s, 12 s CPU, 3 tests; "
        "longest groups: docker-daemon 30 s, browser 5 s",
        "gw1: 3 s of tests over 3 s, 0 s CPU, 1 tests; longest groups: none",
        "    6.2 s CPU  b.py::t2@browser",
        "    5.5 s CPU  a.py::t1@docker-daemon",
    ]


def test_each_phase_report_carries_the_cpu_its_process_and_children_used(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent))
    pytester.makeconftest(
        "from worker_times import CpuClock\n"
        "def pytest_configure(config):\n"
        "    config.pluginmanager.register(CpuClock(), 'cpu-clock')\n"
        "def pytest_runtest_logreport(report):\n"
        "    print(f'CPU {report.when} {report.cpu:.2f}')\n"
    )
    pytester.makepyfile(
        "import subprocess, sys\n"
        "def test_burns():\n"
        "    subprocess.run([sys.executable, '-c', 'x = 0\\nwhile x < 3_000_000: x += 1'])\n"
    )
    result = pytester.runpytest_subprocess("-s", "-p", "no:randomly")
    phases = {
        when: float(seconds)
        for when, seconds in re.findall(r"CPU (\w+) ([\d.]+)", result.stdout.str())
    }
    assert set(phases) == {"setup", "call", "teardown"}
    assert phases["call"] > 0.05  # the child's counting loop, waited for by the test
    assert phases["call"] > 5 * phases["setup"]
