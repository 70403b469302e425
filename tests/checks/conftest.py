"""Engines for the state checks: every test runs on the sandbox and on the real daemon."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from ports import unused_port

from grader.engine.errors import NotFound


@dataclass
class Lab:
    """An engine plus the containers a test created on it (removed afterwards)."""

    api: Any
    kind: str
    created: list[str] = field(default_factory=list)
    prefix: str = field(default_factory=lambda: f"chk-{uuid.uuid4().hex[:6]}-")

    @staticmethod
    def free_port() -> int:
        """A TCP port nothing listens on right now."""
        return unused_port()

    def name(self, short: str) -> str:
        return self.prefix + short

    def run(
        self,
        short: str,
        *,
        image: str | None = None,
        ports: dict | None = None,
        binds: list[str] | None = None,
        volumes_from: list[str] | None = None,
        start: bool = True,
        web: bool = False,
    ) -> str:
        """Create (and start) a container; ``web`` makes it serve "Hello from chk" on port 80."""
        if image is None:
            image = "nginx:latest" if self.kind == "sandbox" and web else "busybox:latest"
        command: Any = None
        if image.startswith("busybox"):
            command = (
                [
                    "sh",
                    "-c",
                    "mkdir -p /www && echo Hello from chk > /www/index.html"
                    " && exec httpd -f -p 80 -h /www",
                ]
                if web
                else ["sleep", "300"]
            )
        host_config = self.api.create_host_config(
            port_bindings=ports or None,
            binds=binds or None,
            volumes_from=[self.name(v) for v in volumes_from] if volumes_from else None,
        )
        created = self.api.create_container(
            image,
            command,
            name=self.name(short),
            host_config=host_config,
            ports=list(ports) if ports else None,
            detach=True,
        )
        self.created.append(created["Id"])
        if start:
            self.api.start(created["Id"])
        return self.name(short)

    def cleanup(self) -> None:
        for container_id in self.created:
            try:
                self.api.remove_container(container_id, force=True, v=True)
            except NotFound:
                pass


@pytest.fixture(params=["sandbox", pytest.param("real", marks=pytest.mark.real_engine)])
def lab(request, sandbox_dir) -> Iterator[Lab]:
    """The engine under test, selected through the environment as the notebooks do."""
    if request.param == "real":
        # The fixture (not the marker, which tests/conftest.py would spread to every
        # parameter of the test) skips, or fails under COURSE_REQUIRE_DOCKER=1.
        request.getfixturevalue("real_engine")
    from grader.engine import get_engine

    current = Lab(get_engine(), "sandbox" if request.param == "sandbox" else "docker")
    if request.param == "sandbox":
        for repository in ("busybox", "nginx", "hello-world"):
            list(current.api.pull(repository, tag="latest"))
    yield current
    current.cleanup()
