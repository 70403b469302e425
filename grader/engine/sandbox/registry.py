"""An embedded image registry for the sandbox: ``docker push``/``pull`` to ``127.0.0.1:5000``.

It behaves like the Debian ``docker-registry`` (distribution 2.8) the real engine pushes to:

- ``push 127.0.0.1:5000/website:1`` uploads the image (its layers, its config) and records the
  tag; layers already in the registry say "Layer already exists"; the local image gains a
  ``RepoDigests`` entry;
- ``pull`` brings the image back with the same image id even after ``docker rmi`` removed
  every local copy (intermediate build images are not pushed, so history shows ``<missing>``
  below the top, as on a real daemon);
- pushing something that is not tagged for the registry, a tag that does not exist, or to
  Docker Hub without logging in fails with Docker's messages;
- the tags of a repository can be listed: :meth:`RegistryMixin.registry_tags` (what
  ``GET /v2/<name>/tags/list`` answers) and, when the port is free, a real HTTP server on
  ``127.0.0.1:5000`` started by :meth:`RegistryMixin.serve_registry`.

Registries other than the embedded hosts are unreachable (the course runs offline).
"""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

from grader.engine.errors import EngineError, InvalidArgument, NotFound
from grader.engine.sandbox import refs
from grader.engine.sandbox.base import JSON, SandboxBase
from grader.engine.sandbox.fs import image_layers
from grader.engine.sandbox.ports import REGISTRY_KEY

REGISTRY_HOSTS = ("127.0.0.1:5000", "localhost:5000")
"""The registry addresses the sandbox answers for (the course's local registry)."""

REGISTRY_SCHEMA = """
CREATE TABLE IF NOT EXISTS registry_images(image_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS registry_files(
    image_id TEXT, path TEXT, kind TEXT, mode INTEGER, data BLOB, mtime REAL,
    PRIMARY KEY(image_id, path));
CREATE TABLE IF NOT EXISTS registry_tags(
    host TEXT, repo TEXT, tag TEXT, image_id TEXT NOT NULL, digest TEXT NOT NULL,
    PRIMARY KEY(host, repo, tag));
"""

SERVER_KEY = REGISTRY_KEY
"""The ``servers`` row of the HTTP server process (stopped by ``shutdown_all``)."""


def manifest(doc: JSON, image_id: str) -> bytes:
    """The image manifest (schema 2) a registry stores for an image; its digest names it."""
    import hashlib  # loads OpenSSL: only when pushing or pulling

    layers = [
        {
            "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
            "size": 0,
            "digest": "sha256:" + hashlib.sha256(f"blob {layer}".encode()).hexdigest(),
        }
        for layer in doc["RootFS"]["Layers"]
    ]
    body = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": len(json.dumps(doc["Config"])),
            "digest": image_id,
        },
        "layers": layers,
    }
    return json.dumps(body, indent=3).encode()


def _refused(host: str) -> EngineError:
    return EngineError(f'Get "http://{host}/v2/": dial tcp {host}: connect: connection refused')


def _offline(host: str) -> EngineError:
    return EngineError(f'Get "https://{host}/v2/": dial tcp: lookup {host}: no such host')


def check_name(name: str) -> None:
    """Refuse a reference Docker 28's Engine refuses.

    Docker 28 parses names as its client does (distribution/reference
    ``ParseNormalizedNamed``): a capitalised first part (``PatrickVuscan/website``) is a
    registry host, so the name is accepted here and fails when that host cannot be reached
    (``docker push``). Older engines (dockerd 20.10) refuse it with ``invalid reference
    format: repository name must be lowercase`` (tests/differential/wording.py).

    Raises:
        InvalidArgument: the parser's message (``... repository name (team/App) must be
            lowercase``).
    """
    from grader.reference import ReferenceError, parse_normalized_named

    try:
        parse_normalized_named(name)
    except ReferenceError as error:
        raise InvalidArgument(str(error)) from None


class RegistryMixin(SandboxBase):
    """``POST /images/{name}/push`` and pulls from the embedded registry."""

    def tag(self, image: str, repository: str, tag: str | None = None, force: bool = False) -> bool:
        """``POST /images/{name}/tag``, refusing names Docker 28's Engine refuses."""
        check_name(f"{repository}:{tag}" if tag else repository)
        return super().tag(image, repository, tag, force)

    def pull(
        self,
        repository: str,
        tag: str | None = None,
        all_tags: bool = False,
        platform: str | None = None,
    ) -> Iterator[JSON]:
        """``POST /images/create``, refusing names the Engine refuses."""
        check_name(repository)
        return super().pull(repository, tag, all_tags, platform)

    def push(self, repository: str, tag: str | None = None) -> Iterator[JSON]:
        """Push ``repository`` (all its tags, or ``tag``); Docker's progress items.

        Errors that Docker streams (a tag that does not exist locally, a refused registry)
        end the stream with an ``{"error": ...}`` item, as the daemon does.
        """
        self.store.ensure(REGISTRY_SCHEMA)
        name = f"{repository}:{tag}" if tag else repository
        check_name(name)
        ref = refs.parse(name)
        return self._push_items(ref, explicit_tag=bool(tag) or ":" in repository.split("/")[-1])

    def _push_items(self, ref: refs.Reference, explicit_tag: bool) -> Iterator[JSON]:
        shown_repo = ref.repo if ref.domain != refs.DEFAULT_DOMAIN else _hub_name(ref.repo)
        yield {"status": f"The push refers to repository [{shown_repo}]"}
        tags = self._local_tags(ref.repo, ref.tag if explicit_tag else None)
        if not tags:
            wanted = ref.name if explicit_tag else ref.repo
            message = f"An image does not exist locally with the tag: {wanted}"
            yield {"errorDetail": {"message": message}, "error": message}
            return
        if ref.domain not in REGISTRY_HOSTS and ref.domain != refs.DEFAULT_DOMAIN:
            error = _refused(ref.domain) if _is_local(ref.domain) else _offline(ref.domain)
            yield {"errorDetail": {"message": error.explanation}, "error": error.explanation}
            return
        for tag_name, image_id in tags:
            doc = self._image(image_id)[1]
            layers = [layer.removeprefix("sha256:")[:12] for layer in doc["RootFS"]["Layers"]]
            layers.reverse()
            for layer in layers:
                yield {"status": "Preparing", "progressDetail": {}, "id": layer}
            if ref.domain == refs.DEFAULT_DOMAIN:
                message = "denied: requested access to the resource is denied"
                yield {"errorDetail": {"message": message}, "error": message}
                return
            known = self._registry_layers(ref.domain)
            for layer in layers:
                if layer in known:
                    yield {"status": "Layer already exists", "progressDetail": {}, "id": layer}
                else:
                    yield {"status": "Pushed", "progressDetail": {}, "id": layer}
            digest, size = self._store_in_registry(ref, tag_name, image_id, doc)
            yield {"status": f"{tag_name}: digest: {digest} size: {size}"}
            yield {"progressDetail": {}, "aux": {"Tag": tag_name, "Digest": digest, "Size": size}}

    def _local_tags(self, repo: str, tag: str | None) -> list[tuple[str, str]]:
        """(tag, image id) of the local tags of ``repo`` to push, sorted by tag."""
        rows = self.store.db.execute(
            "SELECT ref, image_id FROM tags WHERE repo = ? ORDER BY ref", (repo,)
        ).fetchall()
        found = [(ref.rpartition(":")[2], image_id) for ref, image_id in rows]
        return [item for item in found if tag is None or item[0] == tag]

    def _registry_layers(self, host: str) -> set[str]:
        """Short layer ids the registry at ``host`` already holds."""
        rows = self.store.db.execute(
            "SELECT doc FROM registry_images WHERE image_id IN "
            "(SELECT image_id FROM registry_tags WHERE host = ?)",
            (host,),
        ).fetchall()
        return {
            layer.removeprefix("sha256:")[:12]
            for (raw,) in rows
            for layer in json.loads(raw)["RootFS"]["Layers"]
        }

    def _store_in_registry(
        self, ref: refs.Reference, tag: str, image_id: str, doc: JSON
    ) -> tuple[str, int]:
        """Save the image (flattened above its catalogue base) and the tag; return digest."""
        import hashlib

        body = manifest(doc, image_id)
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        files = image_layers(self.store, doc, image_id)
        base = self._catalogue_files(doc)
        own = {
            path: entry
            for path, entry in files.items()
            if base.get(path) != entry[:3] and not path == "/"
        }
        removed = [path for path in base if path not in files]
        stored = {
            key: value
            for key, value in doc.items()
            if not key.startswith("_") or key in {"_fs", "_history"}
        }
        stored["Parent"] = ""
        stored["_history"] = [
            {key: value for key, value in step.items() if key != "id"}
            for step in doc.get("_history", [])
        ]
        mtime = time.time()
        with self.store.write() as db:
            db.execute(
                "INSERT OR REPLACE INTO registry_images(image_id, doc) VALUES (?, ?)",
                (image_id, json.dumps(stored)),
            )
            db.execute("DELETE FROM registry_files WHERE image_id = ?", (image_id,))
            db.executemany(
                "INSERT INTO registry_files(image_id, path, kind, mode, data, mtime) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(image_id, p, k, m, d, t) for p, (k, m, d, t) in own.items()]
                + [(image_id, p, "w", 0, b"", mtime) for p in removed],
            )
            db.execute(
                "INSERT OR REPLACE INTO registry_tags(host, repo, tag, image_id, digest) "
                "VALUES (?, ?, ?, ?, ?)",
                (ref.domain, _path(ref), tag, image_id, digest),
            )
            db.execute(
                "INSERT OR REPLACE INTO digests(ref, image_id) VALUES (?, ?)",
                (f"{ref.repo}@{digest}", image_id),
            )
        return digest, len(body)

    def _catalogue_files(self, doc: JSON) -> dict[str, tuple]:
        from grader.engine.sandbox import catalogue

        base = doc.get("_fs")
        return dict(catalogue.filesystem(base)) if base else {}

    # -- pull ----------------------------------------------------------------------------
    def _pull_from_registry(self, ref: refs.Reference) -> Iterator[JSON]:
        """Pull ``ref`` from the embedded registry (the hook ``ImagesMixin.pull`` calls)."""
        if ref.domain not in REGISTRY_HOSTS:
            raise _refused(ref.domain) if _is_local(ref.domain) else _offline(ref.domain)
        self.store.ensure(REGISTRY_SCHEMA)
        path = _path(ref)
        if ref.digest and not ref.tag:
            row = self.store.db.execute(
                "SELECT image_id, digest FROM registry_tags WHERE host = ? AND repo = ? "
                "AND digest = ? LIMIT 1",
                (ref.domain, path, ref.digest),
            ).fetchone()
        else:
            row = self.store.db.execute(
                "SELECT image_id, digest FROM registry_tags WHERE host = ? AND repo = ? "
                "AND tag = ?",
                (ref.domain, path, ref.tag),
            ).fetchone()
        if row is None:
            raise NotFound(f"manifest for {ref.name} not found: manifest unknown: manifest unknown")
        image_id, digest = row
        items: list[JSON] = [{"status": f"Pulling from {path}", "id": ref.tag or ""}]
        with self.store.write() as db:
            present = db.execute("SELECT 1 FROM images WHERE id = ?", (image_id,)).fetchone()
            previous = (
                db.execute("SELECT image_id FROM tags WHERE ref = ?", (ref.name,)).fetchone()
                if ref.tag
                else None
            )
            if not present:
                items.extend(self._restore(db, image_id))
            if ref.tag:
                db.execute(
                    "INSERT OR REPLACE INTO tags(ref, image_id, repo) VALUES (?, ?, ?)",
                    (ref.name, image_id, ref.repo),
                )
            db.execute(
                "INSERT OR REPLACE INTO digests(ref, image_id) VALUES (?, ?)",
                (f"{ref.repo}@{digest}", image_id),
            )
        items.append({"status": f"Digest: {digest}"})
        shown = ref.name if ref.tag else f"{ref.repo}@{digest}"
        if present and (not ref.tag or (previous and previous[0] == image_id)):
            items.append({"status": f"Status: Image is up to date for {shown}"})
        else:
            items.append({"status": f"Status: Downloaded newer image for {shown}"})
        return iter(items)

    def _restore(self, db: object, image_id: str) -> list[JSON]:
        """Copy a registry image back into the local store; its layers' progress items."""
        raw = self.store.db.execute(
            "SELECT doc FROM registry_images WHERE image_id = ?", (image_id,)
        ).fetchone()[0]
        doc = json.loads(raw)
        doc["Metadata"] = {"LastTagTime": "0001-01-01T00:00:00Z"}
        execute = db.execute  # type: ignore[attr-defined]
        execute(
            "INSERT INTO images(id, doc, created) VALUES (?, ?, ?)",
            (image_id, json.dumps(doc), time.time()),
        )
        execute(
            "INSERT INTO image_files(image_id, path, kind, mode, data, mtime) "
            "SELECT image_id, path, kind, mode, data, mtime FROM registry_files "
            "WHERE image_id = ?",
            (image_id,),
        )
        layers = [layer.removeprefix("sha256:")[:12] for layer in doc["RootFS"]["Layers"]]
        items: list[JSON] = [
            {"status": "Pulling fs layer", "progressDetail": {}, "id": layer} for layer in layers
        ]
        for layer in layers:
            items.append({"status": "Download complete", "progressDetail": {}, "id": layer})
            items.append({"status": "Pull complete", "progressDetail": {}, "id": layer})
        return items

    # -- what the registry holds -----------------------------------------------------------
    def registry_tags(self, repository: str, host: str = REGISTRY_HOSTS[0]) -> list[str] | None:
        """The tags ``GET /v2/<repository>/tags/list`` lists, or None for an unknown name."""
        self.store.ensure(REGISTRY_SCHEMA)
        rows = self.store.db.execute(
            "SELECT tag FROM registry_tags WHERE host IN (?, ?) AND repo = ? ORDER BY tag",
            (*_aliases(host), repository),
        ).fetchall()
        return [row[0] for row in rows] or None

    def registry_catalog(self, host: str = REGISTRY_HOSTS[0]) -> list[str]:
        """The repositories ``GET /v2/_catalog`` lists."""
        self.store.ensure(REGISTRY_SCHEMA)
        rows = self.store.db.execute(
            "SELECT DISTINCT repo FROM registry_tags WHERE host IN (?, ?) ORDER BY repo",
            _aliases(host),
        ).fetchall()
        return [row[0] for row in rows]

    def serve_registry(self, port: int = 5000) -> bool:
        """Serve the registry's read API on ``127.0.0.1:port`` in a helper process.

        Returns True when the server runs (already, or now), False when the port is taken
        by something else (for example a real registry): then use :meth:`registry_tags`.
        """
        self.store.ensure(REGISTRY_SCHEMA)
        row = self.store.db.execute(
            "SELECT pid FROM servers WHERE container_id = ?", (SERVER_KEY,)
        ).fetchone()
        if row and _alive(row[0]):
            return True
        if not _port_free(port):
            return False
        import subprocess  # only to start the server: not on every command's start-up

        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "grader.engine.sandbox.registry",
                str(self.store.path),
                str(port),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        with self.store.write() as db:
            db.execute(
                "INSERT OR REPLACE INTO servers(container_id, pid, ports) VALUES (?, ?, ?)",
                (SERVER_KEY, process.pid, json.dumps([port])),
            )
        deadline = time.time() + 5
        while time.time() < deadline and _port_free(port):
            time.sleep(0.05)
        return not _port_free(port)

    def stop_registry(self) -> None:
        """Stop the registry's HTTP server if this sandbox started one."""
        row = self.store.db.execute(
            "SELECT pid FROM servers WHERE container_id = ?", (SERVER_KEY,)
        ).fetchone()
        if row and _alive(row[0]):
            import signal

            os.kill(row[0], signal.SIGTERM)
        with self.store.write() as db:
            db.execute("DELETE FROM servers WHERE container_id = ?", (SERVER_KEY,))


def _path(ref: refs.Reference) -> str:
    """The repository path inside its registry ("website" for 127.0.0.1:5000/website)."""
    return ref.repo.partition("/")[2] if ref.domain != refs.DEFAULT_DOMAIN else ref.repo


def _hub_name(repo: str) -> str:
    return f"docker.io/{repo}" if "/" in repo else f"docker.io/library/{repo}"


def _aliases(host: str) -> tuple[str, str]:
    if host in REGISTRY_HOSTS:
        return REGISTRY_HOSTS
    return (host, host)


def _is_local(host: str) -> bool:
    name = host.rsplit(":", 1)[0]
    return name in {"127.0.0.1", "localhost", "[::1]"}


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def serve(database: str, port: int) -> None:
    """Answer the registry's read API from the sandbox database until killed.

    ``GET /v2/`` (the API version check), ``GET /v2/_catalog`` and
    ``GET /v2/<name>/tags/list``, with the JSON and errors distribution 2.8 sends.
    """
    # Imported here, in the server process only: http.server (email, http.client, ssl)
    # would otherwise weigh on every ``docker`` command's start-up.
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            db = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
            try:
                status, body = _answer(db, self.path.split("?")[0])
            finally:
                db.close()
            data = json.dumps(body).encode() + b"\n"
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Docker-Distribution-Api-Version", "registry/2.0")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=_watch, args=(server, database), daemon=True).start()
    server.serve_forever()


def _watch(server: Any, database: str, every: float = 2.0) -> None:
    """Stop ``server`` once its database is gone, replaced or damaged.

    A helper must never outlive the sandbox it serves (its folder removed, the database
    reset, or a crashed shim that left it behind).
    """
    try:
        inode = os.stat(database).st_ino
    except OSError:
        inode = None
    while True:
        time.sleep(every)
        try:
            if os.stat(database).st_ino != inode:
                break
            db = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
            try:
                db.execute("SELECT 1 FROM servers LIMIT 1").fetchall()
            finally:
                db.close()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                break
        except (OSError, sqlite3.Error):
            break
    server.shutdown()


def _answer(db: sqlite3.Connection, path: str) -> tuple[int, JSON]:
    """The registry API's (status, JSON body) for one GET path."""
    hosts = REGISTRY_HOSTS
    if path in {"/v2", "/v2/"}:
        return 200, {}
    if path == "/v2/_catalog":
        rows = db.execute(
            "SELECT DISTINCT repo FROM registry_tags WHERE host IN (?, ?) ORDER BY repo", hosts
        ).fetchall()
        return 200, {"repositories": [row[0] for row in rows]}
    match = re.fullmatch(r"/v2/(?P<name>.+)/tags/list", path)
    if match:
        name = match.group("name")
        rows = db.execute(
            "SELECT tag FROM registry_tags WHERE host IN (?, ?) AND repo = ? ORDER BY tag",
            (*hosts, name),
        ).fetchall()
        if rows:
            return 200, {"name": name, "tags": [row[0] for row in rows]}
        error = {"code": "NAME_UNKNOWN", "message": "repository name not known to registry"}
        return 404, {"errors": [{**error, "detail": {"name": name}}]}
    return 404, {"errors": [{"code": "UNSUPPORTED", "message": "The operation is unsupported."}]}


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
