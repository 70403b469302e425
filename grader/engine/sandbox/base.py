"""The sandbox engine's shared core: the state store and lookups every resource mixin uses.

Each resource module (``images``, ``containers``, ``exec``, ``volumes``, ...) defines one
mixin over :class:`SandboxBase`; ``grader.engine.sandbox.SandboxEngine`` composes them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader import LABEL
from grader.engine.errors import EngineError, ImageNotFound, NotFound
from grader.engine.sandbox import refs
from grader.engine.sandbox.store import Store

JSON = dict[str, Any]
LABEL_KEY, _, LABEL_VALUE = LABEL.partition("=")
"""Every object the course creates carries ``course=docker-k8s``, as on the real engine."""
_HEX = "0123456789abcdef"


class SandboxBase:
    """State and lookups shared by the mixins.

    Args:
        state_dir: Folder holding ``state.db``, volumes' data and helper-process files.
    """

    kind = "sandbox"
    shared = False
    attaches_terminal = False
    autoremove_keeps_logs = True

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = Path(state_dir)
        self.store = Store(self.state_dir)

    if TYPE_CHECKING:
        # What one mixin calls on another: declared here (for the type checker only) so the
        # coupling between mixins is explicit; each is implemented by the module named.

        def _settle(self) -> None: ...  # lifecycle: apply due exits and removals

        def _terminate(self, cid: str, sig: str) -> bool: ...  # lifecycle

        def _stop_server(self, cid: str) -> None: ...  # lifecycle

        def _delete_container(self, cid: str, remove_volumes: bool) -> None: ...  # containers

        def _network(self, ref: str) -> JSON: ...  # networks

        def _assign_address(self, network_name: str) -> tuple[str, str, str]: ...  # networks

        def _join_endpoint(self, doc: JSON, name: str, endpoint: JSON) -> None: ...  # networks

        def _ensure_volume(  # volumes
            self,
            name: str | None,
            labels: dict[str, str] | None = None,
            driver_opts: dict[str, str] | None = None,
        ) -> JSON: ...

        def inspect_volume(self, name: str) -> JSON:
            """``GET /volumes/{name}`` (volumes)."""

        def remove_volume(self, name: str, force: bool = False) -> None:
            """``DELETE /volumes/{name}`` (volumes)."""

        def tag(
            self, image: str, repository: str, tag: str | None = None, force: bool = False
        ) -> bool:
            """``POST /images/{name}/tag`` (images; registry checks the name first)."""

        def pull(
            self,
            repository: str,
            tag: str | None = None,
            all_tags: bool = False,
            platform: str | None = None,
        ) -> Iterator[JSON]:
            """``POST /images/create`` (images; registry serves the course registry)."""

    # -- containers ------------------------------------------------------------
    def _find_container(self, ref: str) -> tuple[str, JSON] | None:
        """Resolve a full id, a name (with or without "/") or a unique id prefix."""
        db = self.store.db
        row = db.execute(
            "SELECT id, doc FROM containers WHERE id = ? OR name = ?", (ref, ref.lstrip("/"))
        ).fetchone()
        if row is None and ref and set(ref) <= set(_HEX):
            rows = db.execute(
                "SELECT id, doc FROM containers WHERE id LIKE ? LIMIT 2", (ref + "%",)
            ).fetchall()
            if len(rows) > 1:
                raise EngineError(f"multiple IDs found with provided prefix: {ref}", 400)
            row = rows[0] if rows else None
        if row is None:
            return None
        return row[0], json.loads(row[1])

    def _container(self, ref: str) -> tuple[str, JSON]:
        """Like :meth:`_find_container`, raising Docker's "No such container"."""
        found = self._find_container(ref)
        if found is None:
            raise NotFound(f"No such container: {ref}")
        return found

    def _save_container(self, db: sqlite3.Connection, doc: JSON, deadline: float | None) -> None:
        db.execute(
            "UPDATE containers SET doc = ?, name = ?, deadline = ? WHERE id = ?",
            (json.dumps(doc), doc["Name"].lstrip("/"), deadline, doc["Id"]),
        )

    # -- images ------------------------------------------------------------------
    def _find_image(self, ref: str) -> tuple[str, JSON] | None:
        """Resolve an image by reference, full or short id (with or without "sha256:")."""
        db = self.store.db
        image_id = None
        bare = ref.removeprefix("sha256:")
        if not ref.startswith("sha256:") and refs.looks_like_reference(ref):
            image_id = self._tag_target(ref)
        if image_id is None and bare and len(bare) <= 64 and set(bare) <= set(_HEX):
            rows = db.execute(
                "SELECT id FROM images WHERE id LIKE ? LIMIT 2", ("sha256:" + bare + "%",)
            ).fetchall()
            if len(rows) == 1:
                image_id = rows[0][0]
        if image_id is None:
            return None
        row = db.execute("SELECT doc FROM images WHERE id = ?", (image_id,)).fetchone()
        return (image_id, json.loads(row[0])) if row else None

    def _tag_target(self, ref: str) -> str | None:
        try:
            parsed = refs.parse(ref)
        except EngineError:
            return None
        table = "digests" if parsed.digest and not parsed.tag else "tags"
        row = self.store.db.execute(
            f"SELECT image_id FROM {table} WHERE ref = ?", (parsed.name,)
        ).fetchone()
        return row[0] if row else None

    def _image(self, ref: str) -> tuple[str, JSON]:
        """Like :meth:`_find_image`, raising Docker's "No such image"."""
        found = self._find_image(ref)
        if found is None:
            raise ImageNotFound(f"No such image: {_familiar(ref)}")
        return found

    def _image_refs(self, image_id: str) -> tuple[list[str], list[str]]:
        """(RepoTags, RepoDigests) of an image, sorted as Docker lists them."""
        db = self.store.db
        tags = [r[0] for r in db.execute("SELECT ref FROM tags WHERE image_id = ?", (image_id,))]
        digests = [
            r[0] for r in db.execute("SELECT ref FROM digests WHERE image_id = ?", (image_id,))
        ]
        return sorted(tags), sorted(digests)


def _familiar(ref: str) -> str:
    """Docker names a missing image by its normalised reference ("nginx:latest")."""
    try:
        return refs.parse(ref).name
    except EngineError:
        return ref
