"""The helper process behind a sandbox container's published ports.

Run as ``python -m grader.engine.sandbox.server STATE_DIR CONTAINER_ID MODE FD...`` by
:func:`grader.engine.sandbox.ports.spawn`, with the already-bound listening sockets
inherited as file descriptors. In ``nginx`` mode it answers HTTP like nginx: files from
the container's ``/usr/share/nginx/html`` (image files, the container's own changes and
bind-mounted host folders, read fresh on every request), nginx's 404 page, a
``Server: nginx/<version>`` header, and one access-log line per request in the
container's logs. In ``proxy`` mode nothing listens inside the container, so connections
are accepted and closed, as docker-proxy does then.
"""

from __future__ import annotations

import json
import mimetypes
import os
import posixpath
import re
import selectors
import signal
import socket
import sqlite3
import sys
import threading
import time
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import Protocol, cast
from urllib.parse import unquote, urlsplit

from grader.engine.sandbox.fs import ContainerFS, Entry
from grader.engine.sandbox.store import Store

ROOT = "/usr/share/nginx/html"
CHECK_EVERY = 2.0
"""Seconds between checks that the container still runs."""
PEER = "172.17.0.1"
LISTEN = re.compile(r"^\s*listen\s+(?:[\d.]+:)?(\d+)\b", re.M)
"""nginx's IPv4 ``listen`` directives (``listen 80;``, ``listen 127.0.0.1:8081;``)."""


def error_page(status: str, version: str) -> bytes:
    """The page nginx answers an error ``status`` (``"404 Not Found"``) with."""
    return (
        f"<html>\r\n<head><title>{status}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status}</h1></center>\r\n<hr><center>nginx/{version}</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode()


class Pages(Protocol):
    """The files nginx serves pages from: a container's filesystem, or an image's files."""

    def stat(self, path: str) -> Entry | None:
        """The entry at ``path`` (symbolic links followed), or None."""
        ...

    def read(self, path: str) -> bytes:
        """The bytes of the regular file at ``path``."""
        ...


def serve_file(
    files: Pages, method: str, target: str, version: str, host: str
) -> tuple[int, str, dict[str, str], bytes, str]:
    """The answer of a stock nginx to ``target``: (status, reason, headers, body, error).

    Its pages are ``files`` under the document root: a file is 200; a directory a 301 to its
    slash form, then its ``index.html`` (``index.htm``) or a 403 (no autoindex); anything
    else a 404. The 301 names ``host`` (the request's ``Host``, without its port), as nginx
    does with ``absolute_redirect on`` and port 80: the port a client went through to reach
    a container is not in it.
    """
    path = posixpath.normpath(unquote(urlsplit(target).path or "/"))
    wanted = ROOT + ("" if path == "/" else path)
    entry = files.stat(wanted)
    if entry is not None and entry.kind == "d":
        if not target.split("?")[0].endswith("/"):
            body = error_page("301 Moved Permanently", version)
            return 301, "Moved Permanently", {"Location": f"http://{host}{path}/"}, body, ""
        for index in ("index.html", "index.htm"):
            candidate = posixpath.join(wanted, index)
            found = files.stat(candidate)
            if found is not None and found.kind == "f":
                wanted, entry = candidate, found
                break
        else:
            reason = f'directory index of "{wanted}/" is forbidden'
            return 403, "Forbidden", {}, error_page("403 Forbidden", version), reason
    if entry is None or entry.kind != "f":
        reason = f'open() "{wanted}" failed (2: No such file or directory)'
        return 404, "Not Found", {}, error_page("404 Not Found", version), reason
    body = files.read(wanted)
    kind = mimetypes.guess_type(wanted)[0] or "application/octet-stream"
    headers = {
        "Content-Type": kind,
        "Last-Modified": formatdate(entry.mtime or time.time(), usegmt=True),
        "ETag": f'"{int(entry.mtime):x}-{len(body):x}"',
        "Accept-Ranges": "bytes",
    }
    return 200, "OK", headers, body, ""


class Site:
    """The container's web root as nginx serves it."""

    def __init__(self, store: Store, cid: str) -> None:
        self.store = store
        self.cid = cid
        self.inode = os.stat(store.path).st_ino

    def _fs(self) -> tuple[ContainerFS, dict]:
        row = self.store.db.execute(
            "SELECT c.doc, i.doc FROM containers c JOIN images i "
            "ON i.id = json_extract(c.doc, '$.Image') WHERE c.id = ?",
            (self.cid,),
        ).fetchone()
        if row is None:
            raise LookupError(self.cid)
        container = json.loads(row[0])
        return ContainerFS(self.store, container, json.loads(row[1])), container

    def listens_on(self) -> set[str]:
        """The container ports nginx listens on (``listen`` in its conf.d files; else 80)."""
        fs, _ = self._fs()
        found: set[str] = set()
        folder = "/etc/nginx/conf.d"
        names = fs.listdir(folder) if fs.exists(folder) else []
        for name in [n for n in names if n.endswith(".conf")]:
            text = fs.read(posixpath.join(folder, name)).decode(errors="replace")
            found |= {f"{port}/tcp" for port in LISTEN.findall(text)}
        return found or {"80/tcp"}

    def container_port(self, host_port: int) -> str:
        """The container port (``80/tcp``) a host port is published to ("" if none)."""
        _, container = self._fs()
        for key, bindings in (container["NetworkSettings"].get("Ports") or {}).items():
            if any(b.get("HostPort") == str(host_port) for b in bindings or []):
                return key
        return ""

    def version(self) -> str:
        """The nginx version the image says it runs (its ``NGINX_VERSION``)."""
        _, container = self._fs()
        return next(
            (
                e.split("=", 1)[1]
                for e in container["Config"].get("Env") or []
                if e.startswith("NGINX_VERSION=")
            ),
            "1.27.5",
        )

    def respond(
        self, method: str, target: str, host: str
    ) -> tuple[int, str, dict[str, str], bytes, str]:
        """(status, reason, headers, body, error-log text) for one request to ``host``."""
        fs, _ = self._fs()
        return serve_file(fs, method, target, self.version(), host)

    def still_running(self, state_dir: Path) -> bool:
        """True while the sandbox exists and says this container runs.

        False once the database is gone, replaced (a reset) or damaged: a helper never
        outlives the state it serves. Only a busy database is waited for.
        """
        try:
            if os.stat(state_dir / "state.db").st_ino != self.inode:
                return False
            row = self.store.db.execute(
                "SELECT json_extract(doc, '$.State.Running') FROM containers WHERE id = ?",
                (self.cid,),
            ).fetchone()
        except sqlite3.OperationalError as error:
            return "locked" in str(error) or "busy" in str(error)
        except (OSError, sqlite3.Error):
            return False
        return bool(row and row[0])

    def log(self, stream: int, line: str) -> None:
        """Append one line to the container's logs."""
        with self.store.write() as db:
            db.execute(
                "INSERT INTO logs(container_id, ts, stream, line) VALUES (?, ?, ?, ?)",
                (self.cid, time.time_ns(), stream, (line + "\n").encode()),
            )


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and b"\n\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


class WebRoot(Protocol):
    """What nginx's answer needs from a server: its version, its files, its access log.

    :class:`Site` is a sandbox container's web root; the Kubernetes simulator's port-forward
    serves a pod's simulated page through the same answer.
    """

    def version(self) -> str:
        """The nginx version in the ``Server`` header and error pages."""
        ...

    def respond(
        self, method: str, target: str, host: str
    ) -> tuple[int, str, dict[str, str], bytes, str]:
        """(status, reason, headers, body, error-log text) for one request to ``host``."""
        ...

    def log(self, stream: int, line: str) -> None:
        """Record one access-log (1) or error-log (2) line."""
        ...


def handle(site: WebRoot, conn: socket.socket, peer: str = PEER) -> None:
    """Answer one HTTP connection (one request, then close); ``peer`` is the client's address."""
    with conn:
        conn.settimeout(10)
        try:
            raw = _read_request(conn)
        except OSError:
            return
        if not raw:
            return
        try:
            conn.sendall(answer(site, raw, peer))
        except (OSError, LookupError):
            pass


def answer(site: WebRoot, raw: bytes, peer: str) -> bytes:
    """The HTTP response nginx gives to the request ``raw`` from ``peer``, logged as nginx.

    Raises:
        LookupError: the container is gone.
    """
    head = raw.split(b"\r\n\r\n")[0].decode("latin-1")
    lines = head.split("\r\n")
    parts = lines[0].split()
    headers = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    version = site.version()
    method = parts[0] if parts else ""
    extra: dict[str, str]
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        status, reason, extra, body, error = 400, "Bad Request", {}, b"", ""
        body = error_page("400 Bad Request", version)
    elif method not in ("GET", "HEAD", "POST"):
        status, reason, extra, body, error = 405, "Not Allowed", {}, b"", ""
        body = error_page("405 Not Allowed", version)
    else:
        host = _host_name(headers.get("host", "")) or "localhost"  # default.conf's server_name
        status, reason, extra, body, error = site.respond(method, parts[1], host)
    response = [
        f"HTTP/1.1 {status} {reason}",
        f"Server: nginx/{version}",
        f"Date: {formatdate(time.time(), usegmt=True)}",
    ]
    content_type = extra.pop("Content-Type", "text/html")
    response += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    response += [f"{k}: {v}" for k, v in extra.items()]
    response += ["Connection: close", "", ""]
    stamp = datetime.now(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")
    agent = headers.get("user-agent", "-")
    referer = headers.get("referer", "-")
    sent = 0 if method == "HEAD" else len(body)
    if error:
        err_stamp = datetime.now(UTC).strftime("%Y/%m/%d %H:%M:%S")
        site.log(
            2,
            f"{err_stamp} [error] 29#29: *1 {error}, client: {peer}, server: localhost, "
            f'request: "{lines[0]}", host: "{headers.get("host", "")}"',
        )
    site.log(1, f'{peer} - - [{stamp}] "{lines[0]}" {status} {sent} "{referer}" "{agent}" "-"')
    return "\r\n".join(response).encode() + (b"" if method == "HEAD" else body)


def _host_name(field: str) -> str:
    """The host of a ``Host`` header field: ``localhost:8080`` -> ``localhost``."""
    if field.startswith("["):  # an IPv6 address: [::1]:8080
        return field.partition("]")[0] + "]"
    return field.partition(":")[0]


def serve(state_dir: Path, cid: str, mode: str, fds: list[int]) -> None:
    """Accept connections on the inherited sockets until SIGTERM.

    It also ends by itself when its container no longer runs or the sandbox folder is gone
    (a helper must never outlive the container it serves).
    """
    listeners = [socket.socket(fileno=fd) for fd in fds]
    site = Site(Store(state_dir), cid)
    served: dict[int, bool] = {}

    def nginx_behind(sock: socket.socket) -> bool:
        """Whether nginx listens behind this published port.

        On any other container port nothing listens inside, and docker-proxy closes the
        connection. Worked out on the first connection, when the container's record is
        complete.
        """
        if mode != "nginx":
            return False
        if sock.fileno() not in served:
            port = site.container_port(sock.getsockname()[1])
            served[sock.fileno()] = port in site.listens_on()
        return served[sock.fileno()]

    stop = threading.Event()
    # SIGTERM also wakes the selector (a byte on ``waker``), so the helper ends at once
    # instead of at its next select timeout: whoever stops the container waits for it.
    waker, wakeup = socket.socketpair()
    waker.setblocking(False)
    wakeup.setblocking(False)
    signal.set_wakeup_fd(wakeup.fileno())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    selector = selectors.DefaultSelector()
    selector.register(waker, selectors.EVENT_READ)
    for sock in listeners:
        if sock.type == socket.SOCK_STREAM:
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
    next_check = time.monotonic() + CHECK_EVERY
    while not stop.is_set():
        if time.monotonic() > next_check:
            next_check = time.monotonic() + CHECK_EVERY
            if not site.still_running(state_dir):
                break
        for key, _ in selector.select(timeout=0.2):
            if key.fileobj is waker:
                waker.recv(64)  # a signal arrived: the loop's condition says whether to stop
                continue
            listener = cast(socket.socket, key.fileobj)  # only sockets are registered
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            conn.setblocking(True)
            try:
                answering = nginx_behind(listener)
            except LookupError:
                answering = False
            if answering:
                threading.Thread(target=handle, args=(site, conn), daemon=True).start()
            else:
                conn.close()
    for sock in listeners:
        sock.close()


if __name__ == "__main__":
    serve(Path(sys.argv[1]), sys.argv[2], sys.argv[3], [int(fd) for fd in sys.argv[4:]])
