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

Faults are reported, never papered over (:class:`SandboxStateError`, which the CLI prints
as it prints an unreachable daemon): a damaged database (overwritten, truncated, 0 bytes),
a missing one where a backup shows there was state, a folder the sandbox cannot write.
The store keeps a copy of a healthy database, ``state.db.bak``, refreshed at most every
:data:`BACKUP_EVERY` seconds; ``course reset --sandbox --restore`` puts it back and
``course reset --sandbox`` starts afresh (:func:`reset_state`). The folder is created
``0700`` and the database ``0600``: it holds the student's commands and files.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from grader.engine.errors import EngineError

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
BACKUP_EVERY = 60.0
"""Seconds between two refreshes of ``state.db.bak``."""


class SandboxStateError(EngineError):
    """The sandbox's state cannot be used; the text says what happened and how to recover.

    Status 503 with "daemon" in the text: the CLI prints it as Docker prints a daemon it
    cannot reach, without "Error response from daemon".
    """

    def __init__(self, explanation: str) -> None:
        super().__init__(explanation, 503)


def _recovery(state_dir: Path) -> str:
    backup = state_dir / "state.db.bak"
    if backup.exists():
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(backup.stat().st_mtime))
        return (
            f"Put back its last backup ({stamp}) with `course reset --sandbox --restore`, "
            "or start afresh with `course reset --sandbox`."
        )
    return "Start afresh with `course reset --sandbox`."


def damaged(state_dir: Path, reason: str) -> SandboxStateError:
    """The error for a damaged ``state.db`` (``reason``: SQLite's words, or ours)."""
    return SandboxStateError(
        f"The sandbox daemon cannot start: its state database {state_dir / 'state.db'} is "
        f"damaged ({reason}). {_recovery(state_dir)}"
    )


class Store:
    """A connection to the sandbox database under ``state_dir``.

    Args:
        state_dir: The sandbox folder; created (``0700``) when missing.

    Raises:
        SandboxStateError: The database is damaged or missing, or the folder read-only.
    """

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / "state.db"
        self.backup_path = self.state_dir / "state.db.bak"
        self._local = threading.local()
        self._ensured: set[str] = set()
        self.read_only = False
        """True when the folder cannot be written: reads work, writes are refused."""
        try:
            self.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise SandboxStateError(
                f"The sandbox daemon cannot start: cannot create its folder {self.state_dir} "
                f"({error.strerror}). Choose another with COURSE_SANDBOX_DIR."
            ) from None
        self._open()

    def _open(self) -> None:
        """Check (or create) the database, then keep its backup fresh."""
        if not self.path.exists():
            if self.backup_path.exists():
                raise SandboxStateError(
                    f"The sandbox daemon cannot start: its state database {self.path} is "
                    f"missing, but a backup shows the sandbox had state. "
                    f"{_recovery(self.state_dir)}"
                )
            self._create()
        elif self.path.stat().st_size == 0:
            raise damaged(self.state_dir, "the file is empty")
        else:
            self.read_only = not os.access(self.state_dir, os.W_OK) or not os.access(
                self.path, os.W_OK
            )
        try:
            self.ensure(SCHEMA)
            self.db.execute("SELECT count(*) FROM containers").fetchone()
            problem = self._check_before_backup()
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise
            raise SandboxStateError(
                f"The sandbox daemon cannot start: it cannot write its state in "
                f"{self.state_dir} ({error}). Make the folder writable (chmod u+w) or "
                "choose another with COURSE_SANDBOX_DIR."
            ) from None
        except sqlite3.DatabaseError as error:
            self.close()
            raise damaged(self.state_dir, str(error)) from None
        if problem != "ok":
            self.close()
            raise damaged(self.state_dir, problem)
        if not self.read_only:
            self._refresh_backup()

    def _create(self) -> None:
        """Create a fresh database atomically (0600): nobody ever sees it half made."""
        temporary = self.state_dir / f".state.db.{os.getpid()}.{threading.get_ident()}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        try:
            conn = sqlite3.connect(temporary, isolation_level=None)
            try:
                _run_script(conn, SCHEMA)
            finally:
                conn.close()
            try:
                os.link(temporary, self.path)
            except FileExistsError:
                pass  # another process made it first: use theirs
            except OSError:  # a filesystem without hard links: a rename, nearly as safe
                if not self.path.exists():
                    os.replace(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)

    def _backup_due(self) -> bool:
        """True when ``state.db.bak`` is missing or older than :data:`BACKUP_EVERY`."""
        try:
            return time.time() - self.backup_path.stat().st_mtime >= BACKUP_EVERY
        except FileNotFoundError:
            return True

    def _check_before_backup(self) -> str:
        """SQLite's ``quick_check`` ("ok"), run only when a backup is due.

        It reads the whole file, so it runs once a minute at most, not on every command;
        damage in between surfaces as ``sqlite3.DatabaseError``, which the CLI reports.
        """
        if self.read_only or not self._backup_due():
            return "ok"
        return str(self.db.execute("PRAGMA quick_check(1)").fetchone()[0])

    def _refresh_backup(self) -> None:
        """Copy the healthy database to ``state.db.bak`` when the copy is stale."""
        if not self._backup_due():
            return
        temporary = self.state_dir / f".state.db.bak.{os.getpid()}"
        try:
            os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
            target = sqlite3.connect(temporary)
            try:
                self.db.backup(target)
            finally:
                target.close()
            os.replace(temporary, self.backup_path)
        except (OSError, sqlite3.Error):
            temporary.unlink(missing_ok=True)  # a backup is a convenience, never a failure

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection (autocommit mode: transactions are explicit)."""
        conn = getattr(self._local, "conn", None)
        if conn is None and self.read_only:
            uri = f"file:{self.path}?mode=ro&immutable=1"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None)
            self._local.conn = conn
        elif conn is None:
            conn = sqlite3.connect(self.path, timeout=_BUSY_MS / 1000, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
            _use_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def ensure(self, schema: str) -> None:
        """Create the tables in ``schema`` (idempotent, once per process)."""
        if schema in self._ensured or self.read_only:
            return
        with self.write() as db:
            _run_script(db, schema)
        self._ensured.add(schema)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction; nested uses join the outer one.

        Raises:
            SandboxStateError: The sandbox folder is read-only (reading still works).
        """
        if self.read_only:
            raise SandboxStateError(
                f"The sandbox daemon cannot change anything: its folder {self.state_dir} is "
                "read-only. Make it writable (chmod u+w) or choose another with "
                "COURSE_SANDBOX_DIR."
            )
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


def reset_state(state_dir: Path, *, restore: bool = False) -> str:
    """Set a damaged sandbox's state aside; put back its backup when ``restore``.

    Nothing is deleted: the old database moves to ``state.db.damaged-<time>``. Without
    ``restore`` the sandbox starts afresh (an empty database; the backup is kept aside).

    Returns:
        What was done, in one sentence.

    Raises:
        SandboxStateError: ``restore`` without a backup.
    """
    state_dir = Path(state_dir)
    path, backup = state_dir / "state.db", state_dir / "state.db.bak"
    if restore and not backup.exists():
        raise SandboxStateError(f"The sandbox in {state_dir} has no backup to restore.")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kept = ""
    if path.exists():
        kept = str(state_dir / f"state.db.damaged-{stamp}")
        os.replace(path, kept)
    for suffix in ("-wal", "-shm"):
        (state_dir / f"state.db{suffix}").unlink(missing_ok=True)
    if restore:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(fd, "wb") as copy:
            copy.write(backup.read_bytes())
        done = f"restored the sandbox's state from {backup}"
    else:
        if backup.exists():
            os.replace(backup, state_dir / f"state.db.bak-{stamp}")
        done = f"started the sandbox in {state_dir} afresh"
    return done + (f"; the old database is kept as {kept}" if kept else "")
