"""Volumes: named and anonymous volumes whose data is a real folder under the state dir."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from grader.engine import safety
from grader.engine.errors import Conflict, EngineError, InvalidArgument, NotFound
from grader.engine.sandbox.base import JSON, LABEL_KEY, LABEL_VALUE, SandboxBase
from grader.engine.sandbox.clock import new_id, rfc3339_s
from grader.engine.sandbox.filters import label_matches, normalise_filters

VOLUME_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
ANONYMOUS_LABEL = "com.docker.volume.anonymous"


class VolumesMixin(SandboxBase):
    """``/volumes`` endpoints."""

    def _volume_dir(self, name: str) -> Path:
        return self.state_dir / "volumes" / name / "_data"

    def _ensure_volume(
        self,
        name: str | None,
        labels: dict[str, str] | None = None,
        driver_opts: dict[str, str] | None = None,
    ) -> JSON:
        """Create the volume ``name`` (a fresh anonymous one when None) unless it exists."""
        anonymous = name is None
        name = name or new_id()
        if not VOLUME_NAME.match(name):
            raise InvalidArgument(
                f'create {name}: "{name}" includes invalid characters for a local volume name, '
                'only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host '
                "directory, use absolute path"
            )
        with self.store.write() as db:
            row = db.execute("SELECT doc FROM volumes WHERE name = ?", (name,)).fetchone()
            if row:
                return json.loads(row[0])
            folder = self._volume_dir(name)
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:  # a name longer than the filesystem allows
                root = folder.parent
                raise EngineError(
                    f"create {name}: error while creating volume root path '{root}': "
                    f"mkdir {root}: {(error.strerror or str(error)).lower()}"
                ) from None
            doc = {
                "CreatedAt": rfc3339_s(time.time()),
                "Driver": "local",
                "Labels": ({ANONYMOUS_LABEL: ""} if anonymous else (labels or None)),
                "Mountpoint": str(folder),
                "Name": name,
                "Options": driver_opts or None,
                "Scope": "local",
            }
            db.execute("INSERT INTO volumes(name, doc) VALUES (?, ?)", (name, json.dumps(doc)))
        return doc

    def _volume_users(self, name: str) -> list[str]:
        rows = self.store.db.execute(
            "SELECT c.id FROM containers c, json_each(c.doc, '$.Mounts') m "
            "WHERE json_extract(m.value, '$.Type') = 'volume' "
            "AND json_extract(m.value, '$.Name') = ?",
            (name,),
        )
        return [r[0] for r in rows]

    def volumes(self, filters: dict[str, Any] | None = None) -> JSON:
        """``GET /volumes``."""
        wanted = normalise_filters(filters)
        result = []
        for (raw,) in self.store.db.execute("SELECT doc FROM volumes ORDER BY name"):
            doc = json.loads(raw)
            if "name" in wanted and not any(n in doc["Name"] for n in wanted["name"]):
                continue
            if "dangling" in wanted:
                dangling = wanted["dangling"][-1] in ("true", "1")
                if dangling == bool(self._volume_users(doc["Name"])):
                    continue
            if not label_matches(doc["Labels"] or {}, wanted):
                continue
            result.append(doc)
        return {"Volumes": result, "Warnings": None}

    def create_volume(
        self,
        name: str | None = None,
        driver: str | None = None,
        driver_opts: dict[str, str] | None = None,
        labels: dict[str, str] | None = None,
    ) -> JSON:
        """``POST /volumes/create``."""
        safety.refuse_unsafe_volume(driver_opts)
        if driver not in (None, "", "local"):
            raise NotFound(f'error looking up volume plugin {driver}: plugin "{driver}" not found')
        labels = {**(labels or {}), LABEL_KEY: (labels or {}).get(LABEL_KEY, LABEL_VALUE)}
        doc = self._ensure_volume(name, labels, driver_opts)
        if name is None:
            with self.store.write() as db:
                doc["Labels"] = labels or None
                db.execute(
                    "UPDATE volumes SET doc = ? WHERE name = ?", (json.dumps(doc), doc["Name"])
                )
        return doc

    def inspect_volume(self, name: str) -> JSON:
        """``GET /volumes/{name}``."""
        row = self.store.db.execute("SELECT doc FROM volumes WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(f"get {name}: no such volume")
        return json.loads(row[0])

    def remove_volume(self, name: str, force: bool = False) -> None:
        """``DELETE /volumes/{name}``: refused while a container uses it."""
        self.inspect_volume(name)
        users = self._volume_users(name)
        if users:
            raise Conflict(f"remove {name}: volume is in use - [{', '.join(users)}]")
        with self.store.write() as db:
            db.execute("DELETE FROM volumes WHERE name = ?", (name,))
        import shutil  # on first use: it loads the compression modules

        shutil.rmtree(self._volume_dir(name).parent, ignore_errors=True)

    def prune_volumes(self, filters: dict[str, Any] | None = None) -> JSON:
        """``POST /volumes/prune``: unused anonymous volumes (all unused ones with all=true)."""
        wanted = normalise_filters(filters)
        everything = wanted.pop("all", ["false"])[-1] in ("true", "1")
        deleted, reclaimed = [], 0
        for doc in self.volumes(wanted)["Volumes"]:
            anonymous = ANONYMOUS_LABEL in (doc["Labels"] or {})
            if (not everything and not anonymous) or self._volume_users(doc["Name"]):
                continue
            folder = self._volume_dir(doc["Name"])
            reclaimed += sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
            self.remove_volume(doc["Name"])
            deleted.append(doc["Name"])
        return {"VolumesDeleted": deleted or None, "SpaceReclaimed": reclaimed}
