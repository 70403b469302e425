"""A GET with a Host header of the test's choosing, for what a server puts in ``Location``."""

from __future__ import annotations

import socket


def response_head(port: int, path: str, host: str) -> tuple[str, dict[str, str]]:
    """(status line, headers) 127.0.0.1:``port`` answers to ``GET path`` asked of ``host``."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        conn.sendall(request.encode())
        answer = b""
        while chunk := conn.recv(4096):
            answer += chunk
    status, *lines = answer.decode(errors="replace").split("\r\n\r\n")[0].split("\r\n")
    return status, dict(line.split(": ", 1) for line in lines)
