"""An engine for the live widgets: the sandbox and the real daemon, with cleanup."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from ports import unused_port

from grader.engine.errors import NotFound


class Box:
    """Creates busybox containers on an engine and removes them afterwards."""

    def __init__(self, api) -> None:
        self.api = api
        self.prefix = f"wdg-{uuid.uuid4().hex[:6]}-"
        self.created: list[str] = []

    @staticmethod
    def free_port() -> int:
        """A TCP port nothing listens on right now."""
        return unused_port()

    def create(self, short: str, *, ports=None, binds=None, start=True) -> str:
        name = self.prefix + short
        host_config = self.api.create_host_config(port_bindings=ports or None, binds=binds or None)
        created = self.api.create_container(
            "busybox:latest",
            ["sleep", "300"],
            name=name,
            host_config=host_config,
            ports=list(ports) if ports else None,
            detach=True,
        )
        self.created.append(created["Id"])
        if start:
            self.api.start(created["Id"])
        return name

    def cleanup(self) -> None:
        for container_id in self.created:
            try:
                self.api.remove_container(container_id, force=True, v=True)
            except NotFound:
                pass


@pytest.fixture(params=["sandbox", pytest.param("real", marks=pytest.mark.real_engine)])
def box(request, sandbox_dir) -> Iterator[Box]:
    if request.param == "real":
        # The fixture (not the marker, which tests/conftest.py would spread to every
        # parameter of the test) skips, or fails under COURSE_REQUIRE_DOCKER=1.
        request.getfixturevalue("real_engine")
    from grader.engine import get_engine

    current = Box(get_engine())
    if request.param == "sandbox":
        for repository in ("busybox", "nginx", "hello-world"):
            list(current.api.pull(repository, tag="latest"))
    yield current
    current.cleanup()
