"""``GET /events`` reports a change a client makes as soon as it has the answer's headers."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

from fake_handler import FakeHandler

from grader.engine.sandbox import SandboxEngine
from grader.serve import system
from grader.serve.http import Reply, Request


class _EagerClient(Reply):
    """A client that stops the container the moment the headers arrive, then reads one event."""

    def __init__(self, handler: FakeHandler, engine: SandboxEngine, container: str) -> None:
        super().__init__(handler)  # type: ignore[arg-type]
        self.engine, self.container = engine, container
        self.client_end: socket.socket | None = None
        self.events: list[dict[str, object]] = []

    def _chunked(self, content_type: str) -> None:
        super()._chunked(content_type)
        self.engine.stop(self.container, timeout=0)

    def _chunk(self, data: bytes) -> None:
        self.events.append(json.loads(data))
        assert self.client_end is not None
        self.client_end.close()  # one event is all this client wanted


def test_a_stop_made_right_after_the_headers_is_reported(sandbox_dir: Path) -> None:
    engine = SandboxEngine(sandbox_dir)
    created = engine.create_container("nginx", name="web")
    engine.start(created["Id"])
    server_end, client_end = socket.socketpair()
    reply = _EagerClient(FakeHandler("GET", server_end), engine, created["Id"])
    reply.client_end = client_end
    # ``until`` bounds the stream so that a missed event fails the test instead of hanging it
    request = Request("GET", "/events", "1.47", {"until": [str(time.time() + 10)]}, {})
    system.events(engine, request, reply)
    server_end.close()
    assert [event["Action"] for event in reply.events] == ["die"]
