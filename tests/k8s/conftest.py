"""Fixtures of the Kubernetes simulator's tests: a cluster on a clock the test moves."""

from __future__ import annotations

import pytest
from clusterclock import START, SimClock

from grader.k8s.cluster import Cluster, new_state


@pytest.fixture
def sim_clock() -> SimClock:
    return SimClock()


@pytest.fixture
def cluster(sim_clock: SimClock) -> Cluster:
    """One control plane and two workers, created at :data:`START` on ``sim_clock``."""
    return Cluster(new_state(1, 2, now=START), now=sim_clock)
