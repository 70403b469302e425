"""Where a parallel run's time went: each xdist worker's busy time and its largest groups.

``make test`` (and so CI) runs the suite on pytest-xdist workers with ``--dist loadgroup``: a
group's tests all run on one worker, so the run ends no sooner than its busiest worker, and
a big group (the real daemon's) holds one worker for its whole length. At the end of a
parallel run :class:`WorkerTimes` prints, per worker, the seconds its tests took (set-up,
call and tear-down), the span from its first test's start to its last test's end, and the
groups that took it longest. docs/ci.md reads these lines to estimate and check CI's time.

Wall time alone does not say what a test costs the machine: a test waiting on a daemon or a
timeout holds a worker but no core. :class:`CpuClock`, registered in every process that runs
tests, puts on each report the CPU seconds its phase used (the process's own and those of the
children it waited for: kernels, shims, grading processes), and the summary adds each
worker's CPU seconds and the tests that used the most.
"""

from __future__ import annotations

import resource
from collections import defaultdict
from collections.abc import Iterator

import pytest

SHOWN_GROUPS = 4
"""Groups listed per worker, the longest first."""

SHOWN_TESTS = 15
"""Tests listed by CPU time, the costliest first."""


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of the children it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class CpuClock:
    """A pytest plugin for the processes that run tests: each report's ``cpu`` seconds."""

    def __init__(self) -> None:
        self.started: dict[tuple[str, str], float] = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> Iterator:
        made = yield
        started = self.started.pop((item.nodeid, call.when), None)
        if started is not None:
            made.cpu = cpu_seconds() - started  # sent to the controller with the report
        return made

    def _phase(self, item: pytest.Item, when: str) -> Iterator[None]:
        self.started[(item.nodeid, when)] = cpu_seconds()
        return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Iterator[None]:
        return (yield from self._phase(item, "setup"))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        return (yield from self._phase(item, "call"))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Iterator[None]:
        return (yield from self._phase(item, "teardown"))


def group_of(nodeid: str) -> str | None:
    """The ``xdist_group`` named by a node id's ``@GROUP`` suffix (as loadgroup reads it)."""
    if nodeid.rfind("@") > nodeid.rfind("]"):
        return nodeid.split("@")[-1]
    return None


class WorkerTimes:
    """A pytest plugin for the xdist controller: sums each worker's reports."""

    def __init__(self) -> None:
        self.busy: dict[str, float] = defaultdict(float)
        self.tests: dict[str, int] = defaultdict(int)
        self.groups: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.cpu: dict[str, float] = defaultdict(float)
        self.test_cpu: dict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        node = getattr(report, "node", None)  # set by xdist on the reports workers send
        if node is None:
            return
        worker = node.gateway.id
        self.busy[worker] += report.duration
        cpu = getattr(report, "cpu", 0.0)
        self.cpu[worker] += cpu
        self.test_cpu[report.nodeid] += cpu
        if report.when == "call":
            self.tests[worker] += 1
        group = group_of(report.nodeid)
        if group:
            self.groups[worker][group] += report.duration
        self.first[worker] = min(self.first.get(worker, report.start), report.start)
        self.last[worker] = max(self.last.get(worker, report.stop), report.stop)

    def lines(self) -> list[str]:
        """One line per worker: busy seconds, span, tests, its longest groups."""
        found = []
        for worker in sorted(self.busy):
            longest = sorted(self.groups[worker].items(), key=lambda item: -item[1])
            groups = ", ".join(
                f"{name} {seconds:.0f} s" for name, seconds in longest[:SHOWN_GROUPS]
            )
            span = self.last[worker] - self.first[worker]
            found.append(
                f"{worker}: {self.busy[worker]:.0f} s of tests over {span:.0f} s, "
                f"{self.cpu[worker]:.0f} s CPU, {self.tests[worker]} tests; "
                f"longest groups: {groups or 'none'}"
            )
        costliest = sorted(self.test_cpu.items(), key=lambda item: -item[1])[:SHOWN_TESTS]
        found += [
            f"{seconds:7.1f} s CPU  {nodeid}" for nodeid, seconds in costliest if seconds >= 0.05
        ]
        return found

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.busy:
            return
        terminalreporter.write_sep("=", "time per xdist worker")
        for line in self.lines():
            terminalreporter.write_line(line)
