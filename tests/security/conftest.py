"""The ``graded_campaign`` fixture: each grading route's campaign, built once per session.

A campaign grades some thirty hand-ins, so the tests of one route share one xdist worker
(tests/conftest.py, ``shared_resource``), and so do the student-edition tests (one
published tree).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from campaign import Campaign, grade, prepare


@pytest.fixture(scope="session")
def graded_campaign(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """``graded_campaign(route)``: the :class:`Campaign` graded through ``route``."""
    done: dict[str, Campaign] = {}

    def get(route: str) -> Campaign:
        if route not in done:
            campaign = prepare(route, tmp_path_factory.mktemp(f"campaign-{route}"))
            done[route] = campaign
            grade(campaign)
        return done[route]

    yield get
    for campaign in done.values():
        campaign.kill_survivors()
        campaign.remove_planted_in_package()
