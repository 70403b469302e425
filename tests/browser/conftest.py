"""Fixtures of the browser tests: one student lab for the session, a fresh Chromium per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from labkit import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, REPO, start_lab

from grader.course.release import main as release


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running student lab on the fixtures' ps1 release; yields its base URL."""
    home = tmp_path_factory.mktemp("lab")
    root = home / "course"
    root.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "tests" / "data" / "course" / "notebooks", root / "notebooks")
    release(root=root, assignments=["ps1"])
    with start_lab(home, root / "release") as base:
        yield base


@pytest.fixture
def page(tmp_path: Path, request: pytest.FixtureRequest):
    """A headless Chromium page; its last screenshot goes to artifacts/browser/."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 1000},
        )
        page = context.pages[0] if context.pages else context.new_page()
        try:
            yield page
        finally:
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"))
            context.close()
