"""Where a parallel run's time went: each xdist worker's busy time and its largest groups.

``make test`` (and so CI) runs the suite on pytest-xdist workers with ``--dist loadgroup``: a
group's tests all run on one worker, so the run ends no sooner than its busiest worker, and
a big group (the real daemon's) holds one worker for its whole length. At the end of a
parallel run :class:`WorkerTimes` prints, per worker, the seconds its tests took (set-up,
call and tear-down), the span from its first test's start to its last test's end, and the
groups that took it longest. docs/ci.md reads these lines to estimate and check CI's time.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

SHOWN_GROUPS = 4
"""Groups listed per worker, the longest first."""


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

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        node = getattr(report, "node", None)  # set by xdist on the reports workers send
        if node is None:
            return
        worker = node.gateway.id
        self.busy[worker] += report.duration
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
                f"{self.tests[worker]} tests; longest groups: {groups or 'none'}"
            )
        return found

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.busy:
            return
        terminalreporter.write_sep("=", "time per xdist worker")
        for line in self.lines():
            terminalreporter.write_line(line)
