"""Record the Engine API requests the Docker 28 CLI sends for each accepted corpus line.

A small recording daemon listens on a private Unix socket. It answers ``/_ping`` and
``/version`` (recorded too) as a Docker 28.3 daemon does (API 1.51, so the 28.2 CLI
negotiates its own maximum, 1.50), records every other request, and refuses it with a
500, so the CLI stops after its first real request (most lines make exactly one; a few
make one per argument).
Each accepted line of ``docker28_corpus.jsonl`` runs through ``/usr/local/bin/docker``
with ``DOCKER_HOST`` on that socket, stdin on a pseudo-terminal (``-t`` is accepted) that
answers "y" to confirmation prompts then ends, and
a working folder holding a Dockerfile (a line that reads a Dockerfile from stdin is typed
one instead: :data:`STDIN`). Run::

    .venv/bin/python tests/data/commands/record_requests.py ["docker LINE" ...]

(with lines: record only those, in place).

It rewrites ``requests.jsonl`` next to this script: one JSON object per line with ``line``,
``argv``, ``stdin`` where :data:`STDIN` gives one, and ``requests``, a list of ``{method,
path, query, body}`` in the order the daemon received them (an order of chance where the
CLI sends them concurrently, as for ``rm a b``: ``tests/serve/test_serve_requests.py``
compares those as a set).
``path`` keeps the ``/v1.50`` prefix; ``query`` maps each key to its list of values;
``body`` is the decoded JSON, ``{"tar": [member names]}`` for a tar archive, or null.
"""

from __future__ import annotations

import io
import json
import os
import pty
import socketserver
import subprocess
import sys
import tarfile
import tempfile
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "docker28_corpus.jsonl"
OUT = HERE / "requests.jsonl"
DOCKER = "/usr/local/bin/docker"
ANSWER = b"y\n\x04"
"""What the terminal types: "y" to a confirmation prompt, then end-of-file (``build -``)."""
STDIN = {"docker build -f - .": "FROM busybox\n"}
"""What the terminal types instead for a line that reads a file from standard input (then
end-of-file): kept in the line's record as ``stdin``, so the course's command reads the same."""

PING_HEADERS = {
    "Api-Version": "1.51",
    "Builder-Version": "2",
    "Docker-Experimental": "false",
    "Ostype": "linux",
    "Server": "Docker/28.3.3 (linux)",
    "Cache-Control": "no-cache, no-store, must-revalidate",
    "Pragma": "no-cache",
}
VERSION = {
    "Version": "28.3.3",
    "ApiVersion": "1.51",
    "MinAPIVersion": "1.24",
    "Os": "linux",
    "Arch": "amd64",
    "KernelVersion": "6.1.0",
    "GitCommit": "bea959c",
    "GoVersion": "go1.24.5",
    "Components": [{"Name": "Engine", "Version": "28.3.3", "Details": {"ApiVersion": "1.51"}}],
}


def decode_body(data: bytes, content_type: str) -> object:
    """The request body as recorded: JSON, a tar's member names, or None when empty."""
    if not data:
        return None
    if "json" in content_type:
        return json.loads(data)
    ended = data + b"\0" * (-len(data) % 512) + b"\0" * 1024  # build -f -: no end blocks
    try:
        with tarfile.open(fileobj=io.BytesIO(ended)) as archive:
            return {"tar": sorted(member.name for member in archive.getmembers())}
    except tarfile.TarError:
        return {"bytes": len(data)}


class RecordingHandler(BaseHTTPRequestHandler):
    """Answers ping and version like Docker 28; records and refuses everything else."""

    protocol_version = "HTTP/1.1"
    server: RecordingServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the recording is the log."""

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                line = self.rfile.readline().split(b";")[0].strip()
                size = int(line, 16) if line else 0
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self) -> None:
        url = urlsplit(self.path)
        data = self._body()
        endpoint = url.path.split("/", 2)[-1] if url.path.startswith("/v1.") else url.path[1:]
        if endpoint == "_ping":
            self._answer(200, b"OK", {**PING_HEADERS, "Content-Type": "text/plain"})
            return
        if endpoint == "version":
            self.server.record(
                {"method": self.command, "path": url.path, "query": {}, "body": None}
            )
            body = json.dumps(VERSION).encode()
            self._answer(200, body, {**PING_HEADERS, "Content-Type": "application/json"})
            return
        self.server.record(
            {
                "method": self.command,
                "path": url.path,
                "query": parse_qs(url.query, keep_blank_values=True),
                "body": decode_body(data, self.headers.get("Content-Type", "")),
            }
        )
        body = json.dumps({"message": "recorded"}).encode() + b"\n"
        self._answer(500, body, {"Content-Type": "application/json"})

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


class RecordingServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """A threaded Unix-socket HTTP server keeping the requests it refused."""

    daemon_threads = True

    def __init__(self, path: str) -> None:
        super().__init__(path, RecordingHandler)
        self.requests: list[dict[str, object]] = []
        self._lock = threading.Lock()

    def record(self, request: dict[str, object]) -> None:
        """Keep one request."""
        with self._lock:
            self.requests.append(request)

    def take(self) -> list[dict[str, object]]:
        """The requests recorded since the last call."""
        with self._lock:
            taken, self.requests = self.requests, []
        return taken


def run_cli(argv: list[str], socket_path: str, workdir: str, answer: bytes = ANSWER) -> None:
    """Run the real CLI on one line against the recording daemon, ``answer`` typed."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": workdir,
        "DOCKER_HOST": f"unix://{socket_path}",
        "DOCKER_CONFIG": str(Path(workdir) / ".docker"),
        "LC_ALL": "C",
    }
    primary, secondary = pty.openpty()
    os.write(primary, answer)
    try:
        subprocess.run(
            [DOCKER, *argv],
            stdin=secondary,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=workdir,
            timeout=10,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pass
    finally:
        os.close(primary)
        os.close(secondary)


def main(lines: list[str]) -> int:
    """Record the accepted corpus lines and write ``requests.jsonl``.

    Every line, or only ``lines`` (the corpus's ``line`` texts), whose records are then
    replaced in place and the others kept.
    """
    records = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]
    accepted = [r for r in records if r["accepted"] and (not lines or r["line"] in lines)]
    out = []
    with tempfile.TemporaryDirectory() as workdir:
        Path(workdir, "Dockerfile").write_text("FROM busybox\n")
        Path(workdir, "app").mkdir()
        Path(workdir, "app", "Dockerfile").write_text("FROM busybox\n")
        Path(workdir, "env.list").write_text("A=1\n")
        Path(workdir, "index.html").write_text("<h1>hi</h1>\n")
        socket_path = str(Path(workdir, "docker.sock"))
        server = RecordingServer(socket_path)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            for record in accepted:
                typed = STDIN.get(record["line"])
                answer = typed.encode() + b"\x04" if typed is not None else ANSWER
                run_cli(record["argv"], socket_path, workdir, answer)
                item = {"line": record["line"], "argv": record["argv"]}
                if typed is not None:
                    item["stdin"] = typed
                out.append({**item, "requests": server.take()})
        finally:
            server.shutdown()
            server.server_close()
    fresh = {item["line"]: json.dumps(item).replace(workdir, "$WORKDIR") for item in out}
    if lines:
        kept = [json.loads(line) for line in OUT.read_text().splitlines() if line.strip()]
        texts = [fresh.get(item["line"], json.dumps(item)) for item in kept]
    else:
        texts = list(fresh.values())
    OUT.write_text("".join(text + "\n" for text in texts))
    made = sum(1 for item in out if item["requests"])
    print(f"recorded {len(out)} lines ({made} reached the daemon) into {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
