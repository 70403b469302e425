"""The parts of an HTTP request handler a :class:`grader.serve.http.Reply` writes to.

Endpoint tests call an endpoint with a :class:`Reply` over this fake instead of a running
daemon, so they can act at an exact moment of the answer (right after its headers, say).
"""

from __future__ import annotations

import io
import socket


class FakeHandler:
    """Records what a reply writes; ``connection`` is one end of a socket pair."""

    def __init__(self, command: str, connection: socket.socket | None = None) -> None:
        self.command = command
        if connection is None:
            connection, self.peer = socket.socketpair()
        self.connection = connection
        self.wfile = io.BytesIO()

    def send_response(self, status: int) -> None:
        self.wfile.write(b"HTTP/1.1 %d\r\n" % status)

    def send_header(self, key: str, value: str) -> None:
        self.wfile.write(f"{key}: {value}\r\n".encode())

    def end_headers(self) -> None:
        self.wfile.write(b"\r\n")
