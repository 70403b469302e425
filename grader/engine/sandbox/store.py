"""The sandbox's state: one SQLite database shared by every process that uses the sandbox.

A notebook kernel and a terminal shim open the same ``state.db`` at the same time, so the
database runs in WAL mode with a busy timeout, and every change happens in one short
``BEGIN IMMEDIATE`` transaction (:meth:`Store.write`). Documents are stored as the Docker
Engine API's JSON, so reading a container is one ``json.loads``.

Schema (other sandbox modules may add their own tables with ``CREATE TABLE IF NOT EXISTS``
in :data:`SCHEMA`-style strings passed to :meth:`Store.ensure`):

- ``images(id, doc, created)``: ``doc`` is the image's inspect JSON without ``RepoTags``
  and ``RepoDigests`` (computed from ``tags``/``digests``), plus the private keys
  ``_fs`` (the catalogue filesystem it starts from) and ``_parent`` (parent image id).
- ``tags(ref, image_id, repo)``: ``ref`` is the normalised "repo:tag" reference.
- ``digests(ref, image_id)``: "repo@sha256:..." references (``RepoDigests``).
- ``image_files(image_id, path, kind, mode, data, mtime)``: files an image adds on top of
  its parent (commit, build); ``kind`` is "f" file, "d" directory, "l" symlink (``data``
  is the target), "w" whiteout (deleted).
- ``containers(id, name, doc, deadline)``: ``doc`` is the container's inspect JSON plus
  private ``_``-prefixed keys; ``deadline`` is the Unix time its main process ends by
  itself (``sleep 30``), or NULL.
- ``container_files(container_id, path, kind, mode, data, mtime)``: the writable layer.
- ``logs(seq, container_id, ts, stream, line)``: ``ts`` in Unix nanoseconds, ``stream``
  1 (stdout) or 2 (stderr), ``line`` bytes including the newline.
- ``exits(container_id, code, at)``: exit codes of auto-removed containers, for ``wait``.
- ``volumes(name, doc)``, ``networks(id, name, doc)``.
- ``servers(container_id, pid, ports)``: the detached port-forwarding / HTTP processes.
- ``meta(key, value)``: "seeded" once the course's images were put in place.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS images(id TEXT PRIMARY KEY, doc TEXT NOT NULL, created REAL);
CREATE TABLE IF NOT EXISTS tags(ref TEXT PRIMARY KEY, image_id TEXT NOT NULL, repo TEXT);
CREATE INDEX IF NOT EXISTS tags_image ON tags(image_id);
CREATE TABLE IF NOT EXISTS digests(ref TEXT PRIMARY KEY, image_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS image_files(
    image_id TEXT, path TEXT, kind TEXT, mode INTEGER, data BLOB, mtime REAL,
    PRIMARY KEY(image_id, path));
CREATE TABLE IF NOT EXISTS containers(
    id TEXT PRIMARY KEY, name TEXT UNIQUE NOT NULL, doc TEXT NOT NULL, deadline REAL,
    created REAL);
CREATE TABLE IF NOT EXISTS container_files(
    container_id TEXT, path TEXT, kind TEXT, mode INTEGER, data BLOB, mtime REAL,
    PRIMARY KEY(container_id, path));
CREATE TABLE IF NOT EXISTS logs(
    seq INTEGER PRIMARY KEY AUTOINCREMENT, container_id TEXT, ts INTEGER, stream INTEGER,
    line BLOB);
CREATE INDEX IF NOT EXISTS logs_container ON logs(container_id, seq);
CREATE TABLE IF NOT EXISTS exits(container_id TEXT PRIMARY KEY, code INTEGER, at REAL);
CREATE TABLE IF NOT EXISTS volumes(name TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS networks(id TEXT PRIMARY KEY, name TEXT UNIQUE NOT NULL, doc TEXT);
CREATE TABLE IF NOT EXISTS servers(container_id TEXT PRIMARY KEY, pid INTEGER, ports TEXT);
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
"""

_BUSY_MS = 10_000


class Store:
    """A connection to the sandbox database under ``state_dir``.

    Args:
        state_dir: The sandbox folder; created when missing.
    """

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.state_dir / "state.db"
        self._local = threading.local()
        self._ensured: set[str] = set()
        self.ensure(SCHEMA)

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection (autocommit mode: transactions are explicit)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=_BUSY_MS / 1000, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
            _use_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def ensure(self, schema: str) -> None:
        """Create the tables in ``schema`` (idempotent, once per process)."""
        if schema in self._ensured:
            return
        with self.write() as db:
            _run_script(db, schema)
        self._ensured.add(schema)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction; nested uses join the outer one."""
        db = self.db
        if db.in_transaction:
            yield db
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch a new database to WAL, retrying while another process does the same.

    Changing the journal mode does not wait on the busy timeout, so processes opening a
    fresh database together retry here instead of failing with "database is locked".
    """
    deadline = time.monotonic() + _BUSY_MS / 1000
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _run_script(db: sqlite3.Connection, schema: str) -> None:
    """Run each statement of ``schema`` inside the current transaction."""
    for statement in schema.split(";"):
        if statement.strip():
            db.execute(statement)
