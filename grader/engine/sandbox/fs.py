"""A container's filesystem: image layers, its own writable layer, and its mounts.

Reads look through, in order: the mounts (bind mounts are the real host folder, named and
anonymous volumes are folders under the sandbox state dir), the container's writable layer
(table ``container_files``), the image's own files (``image_files``, from commit or build)
and the catalogue listing the image starts from. Writes go to the mount or to the
writable layer; ``:ro`` mounts and ``--read-only`` refuse them with "Read-only file system".
"""

from __future__ import annotations

import json
import os
import posixpath
import stat as statmod
import time
from dataclasses import dataclass
from typing import Any

from grader.engine.sandbox import catalogue
from grader.engine.sandbox.store import Store

JSON = dict[str, Any]


class FsError(Exception):
    """A failed file operation; ``reason`` is the C library's text ("File exists")."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


ENOENT = "No such file or directory"
ENOTDIR = "Not a directory"
EISDIR = "Is a directory"
EROFS = "Read-only file system"
EEXIST = "File exists"
ENOTEMPTY = "Directory not empty"
ELOOP = "Too many levels of symbolic links"
EPERM = "Operation not permitted"


@dataclass
class Entry:
    """One file as the container sees it."""

    kind: str
    """"f" regular file, "d" directory, "l" symlink."""
    mode: int
    size: int
    mtime: float
    data: bytes | None = None
    host: str | None = None
    """The real path when the file lives in a mount."""


@dataclass
class Mount:
    """A mount point inside the container."""

    destination: str
    source: str
    rw: bool


def image_layers(store: Store, image_doc: JSON, image_id: str) -> dict[str, tuple]:
    """The image's merged file listing: catalogue base plus every ``image_files`` layer."""
    chain = []
    current: JSON | None = image_doc
    current_id = image_id
    while current is not None:
        chain.append(current_id)
        parent = current.get("Parent") or ""
        if not parent:
            break
        row = store.db.execute("SELECT doc FROM images WHERE id = ?", (parent,)).fetchone()
        current_id, current = parent, (json.loads(row[0]) if row else None)
    base_fs = (current or image_doc).get("_fs") or image_doc.get("_fs")
    files: dict[str, tuple] = {}
    if base_fs:
        files.update({p: (k, m, d, 0.0) for p, (k, m, d) in catalogue.filesystem(base_fs).items()})
    placeholders = ",".join("?" * len(chain))
    rows = store.db.execute(
        f"SELECT image_id, path, kind, mode, data, mtime FROM image_files "
        f"WHERE image_id IN ({placeholders})",
        chain,
    ).fetchall()
    order = {iid: i for i, iid in enumerate(reversed(chain))}
    for _, path, kind, mode, data, mtime in sorted(rows, key=lambda r: order[r[0]]):
        _apply(files, path, kind, mode, data, mtime)
    return files


def _apply(files: dict[str, tuple], path: str, kind: str, mode: int, data: Any, mtime: float):
    if kind == "w":
        for p in [p for p in files if p == path or p.startswith(path.rstrip("/") + "/")]:
            del files[p]
    else:
        files[path] = (kind, mode, bytes(data or b""), mtime or 0.0)


class ContainerFS:
    """The filesystem of one container.

    Args:
        store: The sandbox state.
        container: The container's stored document (needs Id, Image, Mounts, HostConfig).
        image_doc: The stored document of its image.
    """

    def __init__(self, store: Store, container: JSON, image_doc: JSON) -> None:
        self.store = store
        self.id = container["Id"]
        self.read_only = bool(container["HostConfig"].get("ReadonlyRootfs"))
        self.files = image_layers(store, image_doc, container["Image"])
        self.image_paths = set(self.files)
        self.layer: dict[str, tuple] = {}
        rows = store.db.execute(
            "SELECT path, kind, mode, data, mtime FROM container_files WHERE container_id = ?",
            (self.id,),
        ).fetchall()
        for path, kind, mode, data, mtime in rows:
            self.layer[path] = (kind, mode, data, mtime)
            _apply(self.files, path, kind, mode, data, mtime)
        self.mounts = sorted(
            (
                Mount(
                    posixpath.normpath(posixpath.join("/", m["Destination"])),
                    m["Source"],
                    bool(m["RW"]),
                )
                for m in container.get("Mounts", [])
            ),
            key=lambda m: len(m.destination),
            reverse=True,
        )

    # -- path handling -------------------------------------------------------------
    def _mount_for(self, path: str) -> tuple[Mount, str] | None:
        for mount in self.mounts:
            dest = mount.destination.rstrip("/") or "/"
            if path == dest or path.startswith(dest + "/"):
                rel = path[len(dest) :].lstrip("/")
                return mount, os.path.join(mount.source, rel) if rel else mount.source
        return None

    def resolve(self, path: str, cwd: str = "/", follow_last: bool = True) -> str:
        """An absolute, normalised container path with every symlink followed.

        Links are followed as the container's kernel follows them: in the image, and in
        mounted host folders too, where a link's target is read as a path *inside the
        container* (``/etc/passwd`` is the container's, never the host's). The path that
        comes back maps to a host file only through a mount, with no link left on the way,
        so nothing outside the mounted folders can be reached.
        """
        path = posixpath.normpath(posixpath.join(cwd, path))
        if path.startswith("//"):
            path = path[1:]
        for _ in range(40):  # Linux gives up (ELOOP) after 40 links
            parts = path.strip("/").split("/") if path != "/" else []
            current = ""
            changed = False
            for i, part in enumerate(parts):
                current = f"{current}/{part}"
                if not (follow_last or i < len(parts) - 1):
                    break
                target = self._link_target(current)
                if target is not None:
                    base = posixpath.dirname(current)
                    rest = "/".join(parts[i + 1 :])
                    path = posixpath.normpath(posixpath.join(base, target, rest))
                    if path.startswith("//"):
                        path = path[1:]
                    changed = True
                    break
            if not changed:
                return path or "/"
        raise FsError(path, ELOOP)

    def _link_target(self, path: str) -> str | None:
        """The target of the symlink at container path ``path`` (not followed), or None."""
        mounted = self._mount_for(path)
        if mounted is None:
            entry = self.files.get(path)
            return bytes(entry[2]).decode() if entry and entry[0] == "l" else None
        mount, host = mounted
        if host == mount.source:
            return None  # the mount point itself: its source was resolved when mounted
        try:
            return os.readlink(host)
        except OSError:  # not a link, or not there
            return None

    def readlink(self, path: str, cwd: str = "/") -> str | None:
        """The target of the symlink at ``path`` (its last part not followed), or None."""
        return self._link_target(self.resolve(path, cwd, follow_last=False))

    def _host_open(self, host: str, flags: int) -> int:
        """``os.open`` a file in a mount, refusing a link swapped in since :meth:`resolve`."""
        return os.open(host, flags | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o644)

    def stat(self, path: str, cwd: str = "/") -> Entry | None:
        """The entry at ``path``, or None."""
        path = self.resolve(path, cwd)
        mounted = self._mount_for(path)
        if mounted:
            host = mounted[1]
            try:
                st = os.stat(host)
            except OSError:
                return None
            kind = "d" if statmod.S_ISDIR(st.st_mode) else "f"
            if not (statmod.S_ISDIR(st.st_mode) or statmod.S_ISREG(st.st_mode)):
                return None  # a device, socket or fifo in a mounted folder: not served
            return Entry(kind, statmod.S_IMODE(st.st_mode), st.st_size, st.st_mtime, host=host)
        entry = self.files.get(path)
        if entry is None:
            return None
        kind, mode, data, mtime = entry
        size = len(data) if kind == "f" else 4096
        return Entry(kind, mode, size, mtime or 0.0, data=bytes(data) if kind == "f" else None)

    def exists(self, path: str, cwd: str = "/") -> bool:
        """True when something is at ``path``."""
        return self.stat(path, cwd) is not None

    def read(self, path: str, cwd: str = "/") -> bytes:
        """The bytes of a regular file."""
        entry = self.stat(path, cwd)
        if entry is None:
            raise FsError(path, ENOENT)
        if entry.kind == "d":
            raise FsError(path, EISDIR)
        if entry.host:
            try:
                fd = self._host_open(entry.host, os.O_RDONLY)
                with open(fd, "rb") as handle:
                    return handle.read()
            except OSError as error:
                raise FsError(path, error.strerror or ENOENT) from None
        return entry.data or b""

    def listdir(self, path: str, cwd: str = "/") -> list[str]:
        """Sorted names in a directory (mount points included)."""
        full = self.resolve(path, cwd)
        entry = self.stat(full)
        if entry is None:
            raise FsError(path, ENOENT)
        if entry.kind != "d":
            raise FsError(path, ENOTDIR)
        if entry.host:
            names = set(os.listdir(entry.host))
        else:
            prefix = full.rstrip("/") + "/"
            names = {
                p[len(prefix) :]
                for p in self.files
                if p.startswith(prefix) and "/" not in p[len(prefix) :] and p != prefix
            }
        prefix = full.rstrip("/") + "/"
        for mount in self.mounts:
            if mount.destination.startswith(prefix):
                rest = mount.destination[len(prefix) :]
                if rest and "/" not in rest:
                    names.add(rest)
        return sorted(names)

    # -- writes --------------------------------------------------------------------
    def _writable(self, path: str) -> tuple[Mount, str] | None:
        mounted = self._mount_for(path)
        if mounted:
            if not mounted[0].rw:
                raise FsError(path, EROFS)
            return mounted
        if self.read_only:
            raise FsError(path, EROFS)
        return None

    def _record(self, path: str, kind: str, mode: int, data: bytes) -> None:
        mtime = time.time()
        self._save(path, kind, mode, data, mtime)
        self.layer[path] = (kind, mode, data, mtime)
        _apply(self.files, path, kind, mode, data, mtime)

    def _save(self, path: str, kind: str, mode: int, data: bytes, mtime: float) -> None:
        """Keep one entry of the writable layer in the sandbox state."""
        with self.store.write() as db:
            db.execute(
                "INSERT OR REPLACE INTO container_files(container_id, path, kind, mode, data, "
                "mtime) VALUES (?, ?, ?, ?, ?, ?)",
                (self.id, path, kind, mode, data, mtime),
            )

    def _drop(self, path: str) -> None:
        """Forget what the writable layer holds at ``path`` and below."""
        below = path.rstrip("/") + "/"
        for changed in [p for p in self.layer if p == path or p.startswith(below)]:
            del self.layer[changed]
        self._unsave(path)

    def _unsave(self, path: str) -> None:
        """Delete the sandbox state's entries of the writable layer at ``path`` and below."""
        with self.store.write() as db:
            db.execute(
                "DELETE FROM container_files WHERE container_id = ? AND (path = ? OR path LIKE ?)",
                (self.id, path, path.rstrip("/") + "/%"),
            )

    def _check_parent(self, path: str) -> None:
        parent = self.stat(posixpath.dirname(path))
        if parent is None:
            raise FsError(path, ENOENT)
        if parent.kind != "d":
            raise FsError(path, ENOTDIR)

    def write(self, path: str, data: bytes, append: bool = False, cwd: str = "/") -> None:
        """Create or overwrite (or append to) a regular file."""
        full = self.resolve(path, cwd)
        mounted = self._writable(full)
        existing = self.stat(full)
        if existing is not None and existing.kind == "d":
            raise FsError(path, EISDIR)
        if mounted:
            flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
            try:
                with open(self._host_open(mounted[1], flags), "wb") as handle:
                    handle.write(data)
            except OSError as error:
                raise FsError(path, error.strerror or ENOENT) from None
            return
        self._check_parent(full)
        old = existing.data if existing is not None and append else b""
        mode = existing.mode if existing is not None else 0o644
        self._record(full, "f", mode, (old or b"") + data)

    def mkdir(self, path: str, parents: bool = False, cwd: str = "/") -> None:
        """Create a directory (``mkdir -p`` when ``parents``)."""
        full = self.resolve(path, cwd)
        existing = self.stat(full)
        if existing is not None:
            if parents and existing.kind == "d":
                return
            raise FsError(path, EEXIST)
        if parents and not self.exists(posixpath.dirname(full)):
            self.mkdir(posixpath.dirname(full), parents=True)
        mounted = self._writable(full)
        if mounted:
            try:
                os.mkdir(mounted[1])
            except OSError as error:
                raise FsError(path, error.strerror or ENOENT) from None
            return
        self._check_parent(full)
        self._record(full, "d", 0o755, b"")

    def remove(self, path: str, recursive: bool = False, cwd: str = "/") -> None:
        """Delete a file, or a directory tree when ``recursive``."""
        full = self.resolve(path, cwd, follow_last=False)
        entry = self.stat(full)
        if entry is None:
            raise FsError(path, ENOENT)
        if entry.kind == "d" and not recursive:
            raise FsError(path, EISDIR)
        mounted = self._writable(full)
        if mounted:
            import shutil

            try:
                if entry.kind == "d":
                    shutil.rmtree(mounted[1])
                else:
                    os.unlink(mounted[1])
            except OSError as error:
                raise FsError(path, error.strerror or ENOENT) from None
            return
        self._drop(full)
        self._record(full, "w", 0, b"")

    def symlink(self, target: str, path: str, cwd: str = "/") -> None:
        """Create the symbolic link ``path`` pointing at ``target`` (``ln -s``)."""
        full = self.resolve(path, cwd, follow_last=False)
        if self.readlink(full) is not None or self.stat(full) is not None:
            raise FsError(path, EEXIST)
        if self._writable(full):
            # The sandbox never creates links on the host: a mount's link could point anywhere.
            raise FsError(path, EPERM)
        self._check_parent(full)
        self._record(full, "l", 0o777, target.encode())

    def chmod(self, path: str, mode: int, cwd: str = "/") -> None:
        """Set a file's permission bits."""
        full = self.resolve(path, cwd)
        entry = self.stat(full)
        if entry is None:
            raise FsError(path, ENOENT)
        mounted = self._writable(full)
        if mounted:
            os.chmod(mounted[1], mode)
        else:
            self._record(full, entry.kind, mode, entry.data or b"")

    def touch(self, path: str, cwd: str = "/") -> None:
        """Create an empty file, or update the time of an existing one."""
        entry = self.stat(path, cwd)
        if entry is None:
            self.write(path, b"", cwd=cwd)
            return
        full = self.resolve(path, cwd)
        mounted = self._writable(full)
        if mounted:
            os.utime(mounted[1])
        elif entry.kind == "f":
            self._record(full, "f", entry.mode, entry.data or b"")
        else:
            self._record(full, "d", entry.mode, b"")

    def changes(self) -> list[JSON]:
        """``docker diff``: the writable layer as [{Path, Kind}] (0 changed, 1 added, 2 deleted)."""
        result: dict[str, int] = {}
        for path, entry in self.layer.items():
            if entry[0] == "w":
                if path in self.image_paths:
                    result[path] = 2
            else:
                result[path] = 0 if path in self.image_paths else 1
            parent = posixpath.dirname(path)
            while parent != "/" and parent in self.image_paths:
                result.setdefault(parent, 0)
                parent = posixpath.dirname(parent)
        return [{"Path": p, "Kind": k} for p, k in sorted(result.items())]


class ScratchFS(ContainerFS):
    """A filesystem over a file listing whose writes stay in memory: a build step's container.

    ``layer`` ends up holding what the step changed, as a container's writable layer does
    ("w" entries are deletions); nothing is written to the sandbox state.
    """

    def __init__(self, files: dict[str, catalogue.FileEntry]) -> None:
        self.id = ""
        self.read_only = False
        self.files = {path: (kind, mode, data, 0.0) for path, (kind, mode, data) in files.items()}
        self.image_paths = set(self.files)
        self.layer = {}
        self.mounts = []

    def _save(self, path: str, kind: str, mode: int, data: bytes, mtime: float) -> None:
        """Nothing to keep: the builder reads ``layer`` when the step ends."""

    def _unsave(self, path: str) -> None:
        """Nothing was kept."""
