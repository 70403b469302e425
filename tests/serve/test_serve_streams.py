"""Streaming endpoints decide what they answer before their headers go out.

A client may act as soon as it has an answer's headers (the CLI sends ``wait`` before
``start``; ``/events`` consumers stop containers). Work an endpoint did after its headers
would then see the client's change. Each test's reply acts at the moment its headers are
written, in the serving thread, so the order is certain.
"""

from __future__ import annotations

import json
from pathlib import Path

from fake_handler import FakeHandler

from grader.engine.sandbox import SandboxEngine
from grader.serve import containers
from grader.serve.http import Reply, Request


class _StartsOnHeaders(Reply):
    """A client that starts the container as soon as the headers arrive."""

    def __init__(self, engine: SandboxEngine, container: str) -> None:
        super().__init__(FakeHandler("POST"))  # type: ignore[arg-type]
        self.engine, self.container = engine, container
        self.documents: list[dict[str, object]] = []

    def _chunked(self, content_type: str) -> None:
        super()._chunked(content_type)
        self.engine.start(self.container)

    def _chunk(self, data: bytes) -> None:
        self.documents.append(json.loads(data))


class _KillsOnHeaders(_StartsOnHeaders):
    """A client that notes the container's state when the headers arrive, then kills it."""

    def _chunked(self, content_type: str) -> None:
        Reply._chunked(self, content_type)
        self.running_at_headers = self.engine.inspect_container(self.container)["State"]["Running"]
        self.engine.kill(self.container)


def test_wait_sends_its_headers_while_the_container_runs(sandbox_dir: Path) -> None:
    """``wait`` (not-running) registers, answers its headers, then waits for the exit.

    The exit the client causes once it has the headers is the one answered: the CLI's
    ``attach`` looks the container up only after it has them.
    """
    engine = SandboxEngine(sandbox_dir)
    created = engine.create_container("busybox", ["sleep", "600"], name="web")
    engine.start(created["Id"])
    reply = _KillsOnHeaders(engine, created["Id"])
    containers.wait(
        engine,
        Request("POST", "/containers/web/wait", "1.51", {}, {}, groups={"id": "web"}),
        reply,
    )
    assert reply.running_at_headers
    assert reply.documents == [{"Error": None, "StatusCode": 137}]


def test_wait_answers_for_the_state_the_request_found(sandbox_dir: Path) -> None:
    """``wait`` (not-running) on a created container is 0 at once, even if it starts now."""
    engine = SandboxEngine(sandbox_dir)
    created = engine.create_container("busybox", ["sh", "-c", "exit 7"], name="quick")
    reply = _StartsOnHeaders(engine, created["Id"])
    containers.wait(
        engine,
        Request("POST", "/containers/quick/wait", "1.51", {}, {}, groups={"id": "quick"}),
        reply,
    )
    assert reply.documents == [{"Error": None, "StatusCode": 0}]
    assert engine.inspect_container("quick")["State"]["ExitCode"] == 7  # it did start


def test_wait_for_the_next_exit_sees_the_start_made_on_the_headers(sandbox_dir: Path) -> None:
    """``wait?condition=next-exit`` (the CLI's ``run``) waits for the run the client starts."""
    engine = SandboxEngine(sandbox_dir)
    created = engine.create_container("busybox", ["sh", "-c", "exit 7"], name="quick")
    reply = _StartsOnHeaders(engine, created["Id"])
    request = Request(
        "POST",
        "/containers/quick/wait",
        "1.51",
        {"condition": ["next-exit"]},
        {},
        groups={"id": "quick"},
    )
    containers.wait(engine, request, reply)
    assert reply.documents == [{"Error": None, "StatusCode": 7}]
