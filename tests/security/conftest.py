"""The ``graded_campaign`` fixture: each grading route's campaign, built once per session.

A campaign grades some thirty hand-ins, so its tests share one xdist worker (one group),
and so do the student-edition tests (one published tree).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from campaign import Campaign, grade, prepare

GROUPS = {"graded_campaign": "security-campaign", "edition": "security-edition"}
"""Fixture a test uses -> the xdist group that keeps its users in one worker."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the users of one expensive fixture into one xdist group."""
    for item in items:
        for fixture, group in GROUPS.items():
            if fixture in item.fixturenames and not item.get_closest_marker("xdist_group"):
                item.add_marker(pytest.mark.xdist_group(group))


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
