"""HTTP/1.1 as dockerd speaks it: versioned paths, JSON, chunked streams, hijacked streams.

:class:`Request` is one parsed request (API version prefix removed, query decoded);
:class:`Reply` writes the answers an Engine API endpoint gives: a JSON document, an empty
204, a stream of JSON messages (pull, push, build), a stream of log frames (multiplexed
stdout/stderr, or raw for a TTY), or a hijacked connection (``Upgrade: tcp``) for attach
and exec. The headers every answer carries are the ones dockerd sends.
"""

from __future__ import annotations

import array
import fcntl
import json
import re
import socket
import struct
import termios
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from grader.engine.sandbox.system import API_VERSION, SERVER_VERSION

VERSIONED = re.compile(r"^/v(?P<version>\d+\.\d+)(?P<path>/.*)$")
MULTIPLEXED = "application/vnd.docker.multiplexed-stream"
RAW = "application/vnd.docker.raw-stream"
STREAM_IDS = {"stdin": 0, "stdout": 1, "stderr": 2}
HEADERS_READ_TIMEOUT = 5.0
"""At most this long a hijacked stream waits for the client to read its headers."""

SERVER = f"Docker/{SERVER_VERSION} (linux)"
"""dockerd's ``Server`` header."""
COMMON_HEADERS = {"Api-Version": API_VERSION, "Docker-Experimental": "false", "Ostype": "linux"}
"""What dockerd adds to every answer (the CLI negotiates its API version from these)."""


@dataclass
class Request:
    """One Engine API request."""

    method: str
    path: str
    """The path without the ``/v1.xx`` prefix ("/containers/json")."""
    version: str
    """The API version the client asked for (the daemon's own when unversioned)."""
    query: dict[str, list[str]]
    headers: Any
    body: bytes = b""
    groups: dict[str, str] = field(default_factory=dict)
    """The route's named path parts ("id", "name")."""

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The last value of a query parameter."""
        values = self.query.get(name)
        return values[-1] if values else default

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean query parameter as dockerd reads it ("1", "true", "True")."""
        value = self.arg(name)
        if value is None or value == "":
            return default
        return value.lower() in {"1", "true", "yes"}

    def number(self, name: str) -> int | None:
        """An integer query parameter (None when absent or empty)."""
        value = self.arg(name)
        return int(value) if value not in (None, "") else None

    def json(self) -> Any:
        """The body as JSON ({} when empty)."""
        return json.loads(self.body) if self.body.strip() else {}

    def filters(self) -> dict[str, list[str]] | None:
        """The ``filters`` parameter, in both of its forms ({"k": {"v": true}}, {"k": ["v"]})."""
        text = self.arg("filters")
        if not text:
            return None
        decoded = json.loads(text)
        return {
            key: [v for v, on in value.items() if on] if isinstance(value, dict) else list(value)
            for key, value in decoded.items()
        } or None

    def upgrade(self) -> bool:
        """Whether the client asked to hijack the connection (``Upgrade: tcp``)."""
        return "upgrade" in (self.headers.get("Connection") or "").lower()


def parse_request(method: str, target: str, headers: Any, body: bytes) -> Request:
    """Split a request target into path, API version and query."""
    url = urlsplit(target)
    path, version = url.path, API_VERSION
    match = VERSIONED.match(path)
    if match:
        path, version = match["path"], match["version"]
    path = unquote(path).rstrip("/") or "/"
    return Request(method, path, version, parse_qs(url.query, True), headers, body)


class Reply:
    """Writes one answer on the handler's connection."""

    def __init__(self, handler: BaseHTTPRequestHandler) -> None:
        self.handler = handler
        self.sent = False

    def _head(self, status: int, headers: dict[str, str]) -> None:
        handler = self.handler
        handler.send_response(status)
        for key, value in {**COMMON_HEADERS, **headers}.items():
            handler.send_header(key, value)
        handler.end_headers()
        self.sent = True

    def data(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        """A complete body."""
        self._head(
            status, {"Content-Type": content_type, "Content-Length": str(len(body)), **headers}
        )
        if self.handler.command != "HEAD":
            self.handler.wfile.write(body)

    def json(self, document: Any, status: int = 200) -> None:
        """A JSON document, newline-terminated as dockerd writes it."""
        self.data(status, json.dumps(document).encode() + b"\n", "application/json")

    def error(self, status: int, message: str) -> None:
        """Docker's error body: ``{"message": ...}``."""
        self.json({"message": message}, status)

    def empty(self, status: int = 204) -> None:
        """No body (start, stop, kill, ...)."""
        self._head(status, {"Content-Length": "0"} if status != 204 else {})

    def _chunked(self, content_type: str) -> None:
        self._head(200, {"Content-Type": content_type, "Transfer-Encoding": "chunked"})

    def _chunk(self, data: bytes) -> None:
        if data:
            self.handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.handler.wfile.flush()

    def _end(self) -> None:
        self.handler.wfile.write(b"0\r\n\r\n")
        self.handler.wfile.flush()

    def begin_json(self) -> None:
        """Headers now, one JSON document later (:meth:`end_json`): ``wait`` answers so."""
        self._chunked("application/json")
        self.handler.wfile.flush()

    def end_json(self, document: Any) -> None:
        """The document :meth:`begin_json` announced."""
        self._chunk(json.dumps(document).encode() + b"\n")
        self._end()

    def json_stream(self, items: Iterable[Any]) -> None:
        """Progress messages (pull, push, build), one JSON object a line."""
        self._chunked("application/json")
        try:
            for item in items:
                self._chunk(json.dumps(item).encode() + b"\r\n")
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
        self._end()

    def frames(self, items: Iterable[tuple[str, bytes]], tty: bool) -> None:
        """Log lines: multiplexed frames (or raw bytes for a TTY container), chunked."""
        self._chunked(RAW if tty else MULTIPLEXED)
        try:
            for stream, data in items:
                self._chunk(data if tty else frame(stream, data))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
        self._end()

    def hijack(self, tty: bool, upgrade: bool) -> socket.socket:
        """Take the connection over for a raw stream; return its socket.

        With ``Upgrade: tcp`` the answer is ``101 UPGRADED``, as dockerd gives; without it,
        a ``200`` whose body runs until the connection closes.
        """
        content_type = RAW if tty else MULTIPLEXED
        if upgrade:
            self._head(
                101, {"Content-Type": content_type, "Connection": "Upgrade", "Upgrade": "tcp"}
            )
        else:
            self._head(200, {"Content-Type": content_type, "Connection": "close"})
        self.handler.wfile.flush()
        self.handler.close_connection = True
        wait_until_read(self.handler.connection)
        return self.handler.connection


def wait_until_read(sock: socket.socket) -> None:
    """Block until the client has read everything sent on ``sock`` (or a time bound).

    docker-py reads a hijacked answer's headers through a buffered reader, then the
    stream from the raw socket: bytes that arrived with the headers would be lost. dockerd's
    output comes after a process starts; the sandbox's comes at once, so it first waits
    for the headers to leave the socket (``SIOCOUTQ``: bytes the peer has not read yet).
    """
    deadline = time.monotonic() + HEADERS_READ_TIMEOUT
    unread = array.array("i", [0])
    while time.monotonic() < deadline:
        fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, unread)
        if unread[0] == 0:
            return
        time.sleep(0.001)


def close_writing(sock: socket.socket) -> None:
    """End a hijacked stream: the client reads end-of-file."""
    try:
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def frame(stream: str, data: bytes) -> bytes:
    """One frame of Docker's multiplexed stream: stream id, 3 zero bytes, length, data."""
    return struct.pack(">BxxxL", STREAM_IDS.get(stream, 1), len(data)) + data


def read_body(handler: BaseHTTPRequestHandler) -> bytes:
    """The request body, with a Content-Length or chunked."""
    headers = handler.headers
    if (headers.get("Transfer-Encoding") or "").lower() == "chunked":
        chunks: list[bytes] = []
        while True:
            line = handler.rfile.readline().split(b";")[0].strip()
            size = int(line, 16) if line else 0
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""
