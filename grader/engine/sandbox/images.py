"""Images: list, inspect, pull from the bundled catalogue, tag, remove, history, prune."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from grader.engine.errors import Conflict, EngineError, NotFound
from grader.engine.sandbox import catalogue, refs
from grader.engine.sandbox.base import JSON, SandboxBase
from grader.engine.sandbox.clock import parse_rfc3339
from grader.engine.sandbox.filters import label_matches, normalise_filters


def short(image_or_container_id: str) -> str:
    """The 12-hex short form Docker prints."""
    return image_or_container_id.removeprefix("sha256:")[:12]


class ImagesMixin(SandboxBase):
    """``/images`` endpoints."""

    def images(
        self,
        name: str | None = None,
        quiet: bool = False,
        all: bool = False,
        filters: dict[str, Any] | None = None,
    ) -> list[JSON] | list[str]:
        """``GET /images/json``."""
        wanted = normalise_filters(filters)
        if name:
            wanted.setdefault("reference", []).append(name)
        rows = self.store.db.execute("SELECT id, doc FROM images").fetchall()
        parents = {
            r[0]
            for r in self.store.db.execute(
                "SELECT DISTINCT json_extract(doc, '$.Parent') FROM images"
            )
        }
        result = []
        for image_id, raw in rows:
            doc = json.loads(raw)
            tags, digests = self._image_refs(image_id)
            if not all and not tags and image_id in parents:
                continue
            if not _image_matches(self, image_id, doc, tags, wanted):
                continue
            if wanted.get("reference"):
                patterns = wanted["reference"]
                tags = [t for t in tags if any(_reference_matches(p, t) for p in patterns)]
                # dockerd matches a digest reference on "name@digest" or on its name alone.
                digests = [
                    d
                    for d in digests
                    if any(fnmatchcase(d, p) or fnmatchcase(d.split("@")[0], p) for p in patterns)
                ]
            result.append(
                {
                    "Containers": -1,
                    "Created": int(parse_rfc3339(doc["Created"])),
                    "Id": image_id,
                    "Labels": doc["Config"].get("Labels"),
                    "ParentId": doc.get("Parent", ""),
                    "RepoDigests": digests or None,
                    "RepoTags": tags or None,
                    "SharedSize": -1,
                    "Size": doc["Size"],
                    "VirtualSize": doc["Size"],
                }
            )
        result.sort(key=lambda item: (item["Created"], item["Id"]), reverse=True)
        if quiet:
            return [item["Id"] for item in result]
        return result

    def inspect_image(self, image: str) -> JSON:
        """``GET /images/{name}/json``."""
        image_id, doc = self._image(image)
        tags, digests = self._image_refs(image_id)
        public = {k: v for k, v in doc.items() if not k.startswith("_")}
        return {"Id": image_id, "RepoTags": tags, "RepoDigests": digests, **public}

    def history(self, image: str) -> list[JSON]:
        """``GET /images/{name}/history``: newest step first."""
        image_id, doc = self._image(image)
        tags, _ = self._image_refs(image_id)
        steps = list(reversed(doc.get("_history", [])))
        return [
            {
                "Comment": step.get("comment", ""),
                "Created": int(parse_rfc3339(step["created"])),
                "CreatedBy": step["created_by"],
                "Id": image_id if i == 0 else step.get("id", "<missing>"),
                "Size": step.get("size", 0),
                "Tags": (tags or None) if i == 0 else None,
            }
            for i, step in enumerate(steps)
        ]

    def _seed_images(self) -> None:
        """Put the course's images in place once per state folder, like a prepared lab.

        Only the catalogue's ``preload`` entries; the others are pulled on demand.
        """
        db = self.store.db
        if db.execute("SELECT 1 FROM meta WHERE key = 'seeded'").fetchone():
            return
        with self.store.write() as db:
            if db.execute("SELECT 1 FROM meta WHERE key = 'seeded'").fetchone():
                return
            for image_id, entry in catalogue.images().items():
                if entry.get("preload"):
                    self._install(db, image_id, entry, entry["tags"], entry["RepoDigests"])
            db.execute("INSERT INTO meta(key, value) VALUES ('seeded', '1')")

    def _install(
        self, db: Any, image_id: str, entry: JSON, tags: list[str], digests: list[str]
    ) -> None:
        """Store a catalogued image with its tags and digests."""
        if not db.execute("SELECT 1 FROM images WHERE id = ?", (image_id,)).fetchone():
            db.execute(
                "INSERT INTO images(id, doc, created) VALUES (?, ?, ?)",
                (image_id, json.dumps(_image_doc(entry)), time.time()),
            )
        for name in tags:
            db.execute(
                "INSERT OR REPLACE INTO tags(ref, image_id, repo) VALUES (?, ?, ?)",
                (name, image_id, name.rsplit(":", 1)[0]),
            )
        for digest in digests:
            db.execute(
                "INSERT OR REPLACE INTO digests(ref, image_id) VALUES (?, ?)", (digest, image_id)
            )

    # -- pull --------------------------------------------------------------------
    def pull(
        self,
        repository: str,
        tag: str | None = None,
        all_tags: bool = False,
        platform: str | None = None,
    ) -> Iterator[JSON]:
        """``POST /images/create``: Docker's progress items, errors raised up front."""
        if tag and "@" not in repository and ":" not in repository.rsplit("/", 1)[-1]:
            repository = f"{repository}:{tag}"
        ref = refs.parse(repository)
        if ref.domain != refs.DEFAULT_DOMAIN:
            return self._pull_from_registry(ref)
        if all_tags:
            names = sorted(
                t
                for entry in catalogue.images().values()
                for t in entry["tags"]
                if t.split(":")[0] == ref.repo
            )
            if not names:
                raise NotFound(_access_denied(ref.repo))
            items: list[JSON] = [{"status": f"Pulling from {_hub_path(ref.repo)}", "id": ""}]
            for name in names:
                items.extend(self._pull_one(refs.parse(name), header=False))
            return iter(items)
        return iter(self._pull_one(ref))

    def _pull_from_registry(self, ref: refs.Reference) -> Iterator[JSON]:
        """Pull from a private registry; the registry mixin overrides this.

        Without it, a registry host answers like a closed port.
        """
        host = ref.domain
        port = "" if ":" in host else ":443"
        raise EngineError(
            f'Get "https://{host}/v2/": dial tcp {host}{port}: connect: connection refused', 500
        )

    def _pull_one(self, ref: refs.Reference, header: bool = True) -> list[JSON]:
        """Install one catalogued image; return its progress items."""
        if ref.digest and not ref.tag:
            found = catalogue.find_by_digest(ref.repo, ref.digest)
        else:
            found = catalogue.find(f"{ref.repo}:{ref.tag}")
        if found is None:
            if catalogue.knows_repository(ref.repo):
                shown = ref.name if ref.tag else f"{ref.repo}@{ref.digest}"
                raise NotFound(
                    f"manifest for {shown} not found: manifest unknown: manifest unknown"
                )
            raise NotFound(_access_denied(ref.repo))
        image_id, entry = found
        digest = next(d for d in entry["RepoDigests"] if d.startswith(ref.repo + "@"))
        items: list[JSON] = []
        if header:
            items.append({"status": f"Pulling from {_hub_path(ref.repo)}", "id": ref.tag or ""})
        with self.store.write() as db:
            present = db.execute("SELECT 1 FROM images WHERE id = ?", (image_id,)).fetchone()
            previous = (
                db.execute("SELECT image_id FROM tags WHERE ref = ?", (ref.name,)).fetchone()
                if ref.tag
                else None
            )
            up_to_date = present and (not ref.tag or (previous and previous[0] == image_id))
            if not present:
                items.extend(_layer_progress(entry))
            self._install(db, image_id, entry, [ref.name] if ref.tag else [], [digest])
        items.append({"status": f"Digest: {digest.split('@')[1]}"})
        shown = ref.name if ref.tag else digest
        if up_to_date:
            items.append({"status": f"Status: Image is up to date for {shown}"})
        else:
            items.append({"status": f"Status: Downloaded newer image for {shown}"})
        return items

    # -- tag and remove ------------------------------------------------------------
    def tag(self, image: str, repository: str, tag: str | None = None, force: bool = False) -> bool:
        """``POST /images/{name}/tag``."""
        image_id, _ = self._image(image)
        target = refs.parse(f"{repository}:{tag}" if tag else repository)
        if target.digest:
            raise EngineError("refusing to create a tag with a digest reference", 400)
        with self.store.write() as db:
            db.execute(
                "INSERT OR REPLACE INTO tags(ref, image_id, repo) VALUES (?, ?, ?)",
                (target.name, image_id, target.repo),
            )
            db.execute(
                "UPDATE images SET doc = json_set(doc, '$.Metadata.LastTagTime', ?) WHERE id = ?",
                (_now_rfc(), image_id),
            )
        return True

    def remove_image(self, image: str, force: bool = False, noprune: bool = False) -> list[JSON]:
        """``DELETE /images/{name}``: Untagged/Deleted items, Docker's conflicts."""
        image_id, doc = self._image(image)
        tags, digests = self._image_refs(image_id)
        by_name = self._tag_target(image) == image_id and not image.startswith("sha256:")
        users = self._image_users(image_id)
        running = [cid for cid, state in users if state in ("running", "paused", "restarting")]
        stopped = [cid for cid, _ in users if cid not in running]
        result: list[JSON] = []
        if by_name:
            ref = refs.parse(image)
            name = ref.name
            others = [t for t in tags if t != name]
            if not others and users and not force:
                raise Conflict(
                    f'conflict: unable to remove repository reference "{image}" (must force) - '
                    f"container {short(users[0][0])} is using its referenced image "
                    f"{short(image_id)}"
                )
            untag = [name] if ref.tag else []
            if ref.digest and not ref.tag:
                untag = [name]
            if not others:
                untag += [d for d in digests if d not in untag]
            elif not any(t.split(":")[0] == ref.repo for t in others):
                untag += [d for d in digests if d.split("@")[0] == ref.repo]
            with self.store.write() as db:
                for r in untag:
                    db.execute("DELETE FROM tags WHERE ref = ?", (r,))
                    db.execute("DELETE FROM digests WHERE ref = ?", (r,))
            result = [{"Untagged": r} for r in untag]
            if others or users:
                return result
        else:
            if self._has_children(image_id):
                raise Conflict(
                    f"conflict: unable to delete {short(image_id)} (cannot be forced) - image has "
                    "dependent child images"
                )
            if running:
                raise Conflict(
                    f"conflict: unable to delete {short(image_id)} (cannot be forced) - image is "
                    f"being used by running container {short(running[0])}"
                )
            if len(tags) > 1 and not force:
                raise Conflict(
                    f"conflict: unable to delete {short(image_id)} (must be forced) - image is "
                    "referenced in multiple repositories"
                )
            if stopped and not force:
                raise Conflict(
                    f"conflict: unable to delete {short(image_id)} (must be forced) - image is "
                    f"being used by stopped container {short(stopped[0])}"
                )
            result = [{"Untagged": r} for r in tags + digests]
            with self.store.write() as db:
                db.execute("DELETE FROM tags WHERE image_id = ?", (image_id,))
                db.execute("DELETE FROM digests WHERE image_id = ?", (image_id,))
            if stopped:
                return result
        if self._has_children(image_id):
            if result:
                return result
            raise Conflict(
                f"conflict: unable to delete {short(image_id)} (cannot be forced) - image has "
                "dependent child images"
            )
        result += self._delete_image(image_id, doc)
        parent = doc.get("Parent") or ""
        while parent and not noprune:
            found = self.store.db.execute(
                "SELECT doc FROM images WHERE id = ?", (parent,)
            ).fetchone()
            if found is None or any(self._image_refs(parent)) or self._image_users(parent):
                break
            if self._has_children(parent):
                break
            parent_doc = json.loads(found[0])
            result += self._delete_image(parent, parent_doc)
            parent = parent_doc.get("Parent") or ""
        return result

    def _delete_image(self, image_id: str, doc: JSON) -> list[JSON]:
        """Drop one image; its Deleted items (the image, then the layers it alone held)."""
        with self.store.write() as db:
            db.execute("DELETE FROM images WHERE id = ?", (image_id,))
            db.execute("DELETE FROM image_files WHERE image_id = ?", (image_id,))
        shared = {
            chain
            for (raw,) in self.store.db.execute("SELECT doc FROM images")
            for chain in _chain_ids(json.loads(raw))
        }
        return [{"Deleted": image_id}] + [
            {"Deleted": c} for c in _chain_ids(doc)[::-1] if c not in shared
        ]

    def prune_images(self, filters: dict[str, Any] | None = None) -> JSON:
        """``POST /images/prune``: dangling images, or every unused one with dangling=false."""
        wanted = normalise_filters(filters)
        dangling_only = wanted.get("dangling", ["true"])[-1].lower() not in ("false", "0")
        deleted: list[JSON] = []
        reclaimed = 0
        for image_id, raw in self.store.db.execute("SELECT id, doc FROM images").fetchall():
            doc = json.loads(raw)
            tags, _ = self._image_refs(image_id)
            if (dangling_only and tags) or self._image_users(image_id):
                continue
            if not label_matches(doc["Config"].get("Labels") or {}, wanted):
                continue
            if self._has_children(image_id):
                continue
            items = self.remove_image(image_id, force=True)
            deleted.extend(items)
            reclaimed += doc["Size"]
        return {"ImagesDeleted": deleted or None, "SpaceReclaimed": reclaimed}

    def _image_users(self, image_id: str) -> list[tuple[str, str]]:
        """(container id, state) of the containers created from ``image_id``."""
        rows = self.store.db.execute(
            "SELECT id, json_extract(doc, '$.State.Status') FROM containers "
            "WHERE json_extract(doc, '$.Image') = ? ORDER BY created DESC",
            (image_id,),
        )
        return [(r[0], r[1]) for r in rows]

    def _has_children(self, image_id: str) -> bool:
        row = self.store.db.execute(
            "SELECT 1 FROM images WHERE json_extract(doc, '$.Parent') = ? LIMIT 1", (image_id,)
        ).fetchone()
        return row is not None


def _image_matches(
    engine: SandboxBase, image_id: str, doc: JSON, tags: list[str], wanted: dict[str, list[str]]
) -> bool:
    """Apply the ``/images/json`` filters Docker supports to one image."""
    for value in wanted.get("dangling", []):
        if (value.lower() in ("true", "1")) == bool(tags):
            return False
    for pattern in wanted.get("reference", []):
        if not any(_reference_matches(pattern, t) for t in tags):
            return False
    if not label_matches(doc["Config"].get("Labels") or {}, wanted):
        return False
    created = parse_rfc3339(doc["Created"])
    for key, newer in (("before", False), ("since", True)):
        for value in wanted.get(key, []):
            found = engine._find_image(value)
            if found is None:
                raise NotFound(f"No such image: {value}")
            pivot = parse_rfc3339(found[1]["Created"])
            if (created <= pivot) if newer else (created >= pivot):
                return False
    return True


def _reference_matches(pattern: str, tag: str) -> bool:
    """Docker's reference filter: a glob on "repo:tag", or on the repo when no tag is given."""
    repo, _, _ = tag.rpartition(":")
    if ":" in pattern.rsplit("/", 1)[-1]:
        return fnmatchcase(tag, pattern)
    return fnmatchcase(repo, pattern)


def _image_doc(entry: JSON) -> JSON:
    """The stored inspect document of a catalogued image."""
    return {
        "Parent": "",
        "Comment": "buildkit.dockerfile.v0",
        "Created": entry["Created"].replace("Z", ".000000000Z"),
        "Container": "",
        "ContainerConfig": {**entry["Config"], "Cmd": None, "Entrypoint": None, "Env": None},
        "DockerVersion": "",
        "Author": "",
        "Config": entry["Config"],
        "Architecture": "amd64",
        "Os": "linux",
        "Size": entry["Size"],
        "VirtualSize": entry["Size"],
        "GraphDriver": {"Data": None, "Name": "overlay2"},
        "RootFS": entry["RootFS"],
        "Metadata": {"LastTagTime": "0001-01-01T00:00:00Z"},
        "_fs": entry["fs"],
        "_history": entry["history"],
    }


def _chain_ids(doc: JSON) -> list[str]:
    """Layer chain ids (what ``docker rmi`` lists after the image id)."""
    import hashlib  # on first use: it loads OpenSSL, which every command would pay for

    chain: list[str] = []
    previous = ""
    for layer in doc["RootFS"]["Layers"]:
        previous = (
            layer
            if not previous
            else "sha256:" + hashlib.sha256(f"{previous} {layer}".encode()).hexdigest()
        )
        chain.append(previous)
    return chain


def _layer_progress(entry: JSON) -> list[JSON]:
    """Pull progress items for every layer, as dockerd streams them."""
    import hashlib

    layers = [
        short(hashlib.sha256(("blob" + layer).encode()).hexdigest())
        for layer in entry["RootFS"]["Layers"]
    ]
    sizes = _layer_sizes(entry, len(layers))
    items: list[JSON] = []
    for lid in layers:
        items.append({"status": "Pulling fs layer", "progressDetail": {}, "id": lid})
    for lid, size in zip(layers, sizes, strict=True):
        compressed = max(size // 3, 32)
        half = compressed // 2
        items.append(
            {
                "status": "Downloading",
                "progressDetail": {"current": half, "total": compressed},
                "progress": _bar(half, compressed),
                "id": lid,
            }
        )
        items.append({"status": "Verifying Checksum", "progressDetail": {}, "id": lid})
        items.append({"status": "Download complete", "progressDetail": {}, "id": lid})
    for lid, size in zip(layers, sizes, strict=True):
        compressed = max(size // 3, 32)
        items.append(
            {
                "status": "Extracting",
                "progressDetail": {"current": compressed, "total": compressed},
                "progress": _bar(compressed, compressed),
                "id": lid,
            }
        )
        items.append({"status": "Pull complete", "progressDetail": {}, "id": lid})
    return items


def _layer_sizes(entry: JSON, count: int) -> list[int]:
    sizes = [step.get("size", 0) for step in entry["history"] if not step.get("empty_layer")]
    sizes = (sizes + [1024] * count)[:count]
    return [max(s, 32) for s in sizes]


def _bar(current: int, total: int) -> str:
    """Docker's progress bar text: ``[=====>      ]  1.2MB/2.4MB``."""
    width = 50
    filled = width * current // total
    arrow = "=" * max(filled - 1, 0) + (">" if filled < width else "=")
    return f"[{arrow.ljust(width)}]  {_human(current)}/{_human(total)}"


def _human(n: int) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.3g}{unit}"
    return f"{n}B"


def _hub_path(repo: str) -> str:
    """Docker prints official images as ``library/nginx`` while pulling."""
    return repo if "/" in repo else f"library/{repo}"


def _access_denied(repo: str) -> str:
    return (
        f"pull access denied for {repo}, repository does not exist or may require "
        "'docker login': denied: requested access to the resource is denied"
    )


def _now_rfc() -> str:
    from grader.engine.sandbox.clock import now_ns, rfc3339_ns

    return rfc3339_ns(now_ns())
