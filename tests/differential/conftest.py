"""Fixtures for differential tests: the course images on the real daemon, a sandbox engine."""

from __future__ import annotations

import io

import pytest

NEEDED_IMAGES = ["busybox:latest", "nginx:latest", "hello-world:latest"]


@pytest.fixture(scope="session")
def differential_images(real_docker_host: str) -> list[str]:
    """Make sure the offline course images the cases use exist on the real daemon."""
    from grader.images import main

    out = io.StringIO()
    assert main(tags=NEEDED_IMAGES, docker_host=real_docker_host, out=out) == 0, out.getvalue()
    return NEEDED_IMAGES
