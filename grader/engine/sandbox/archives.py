"""Image archives: ``docker save`` writes one, ``docker load`` and ``docker import`` read one.

``save`` writes the layout Docker 28's daemon writes (moby ``image/tarexport/save.go``): an
OCI image layout (``oci-layout``, ``index.json``, ``blobs/sha256/...`` holding each image's
manifest, config and layer tars) plus Docker's own ``manifest.json`` and ``repositories``.
The layers are the sandbox's: the catalogue base's files in the first of the base's layers
(the sandbox keeps a base flattened, so its other layers are empty tars) and each build
step's own changes (whiteouts as ``.wh.`` files), so every digest and diff ID is the
sha256 of the bytes written and a real daemon loads the archive too.

``load`` reads that layout and the one dockerd 20.10 writes (``<id>/layer.tar``,
``<config>.json``): both list their images in ``manifest.json``. As dockerd does, a loaded
image's ID is the digest of its config, its layers are applied in order, and each tag
moves to it. The sandbox cannot write a config whose digest is an image's ID, as dockerd
does, so it remembers the ID of each config it wrote (``saved_configs``) and gives that ID
back when the same config is loaded: a save and load round trip keeps the image's ID. An
archive from elsewhere gets its config's digest. ``import`` makes a one-layer image of a
filesystem tar.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import posixpath
import tarfile
import time
from collections.abc import Iterator

from grader.engine.errors import ImageNotFound, InvalidArgument, NotFound
from grader.engine.sandbox import refs
from grader.engine.sandbox.base import JSON, SandboxBase
from grader.engine.sandbox.clock import now_ns, rfc3339_ns
from grader.engine.sandbox.fs import image_layers
from grader.engine.sandbox.inspection import apply_changes

Files = dict[str, tuple[str, int, bytes, float]]
"""A flattened filesystem: absolute path -> (kind "f"/"d"/"l", mode, data, mtime)."""

ARCHIVES_SCHEMA = """
CREATE TABLE IF NOT EXISTS saved_configs(
    digest TEXT PRIMARY KEY, image_id TEXT NOT NULL, doc TEXT NOT NULL);
"""

EMPTY_LAYER = b"\0" * 1024
"""An empty tar archive (two zero blocks), as Go's archive/tar writes one."""

MEDIA_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _blob_path(digest: str) -> str:
    return "blobs/sha256/" + digest.removeprefix("sha256:")


def layer_tar(rows: list[tuple[str, str, int, bytes, float]]) -> bytes:
    """A layer tar of (path, kind, mode, data, mtime) rows; kind "w" is a whiteout."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for path, kind, mode, data, mtime in sorted(rows):
            name = path.strip("/")
            if not name:
                continue
            if kind == "w":
                head, tail = posixpath.split(name)
                name = posixpath.join(head, ".wh." + tail)
            info = tarfile.TarInfo(name)
            info.mode, info.mtime = (mode or 0o644) & 0o7777, int(mtime or 0)
            payload = None
            if kind == "d":
                info.type = tarfile.DIRTYPE
            elif kind == "l":
                info.type, info.linkname = tarfile.SYMTYPE, bytes(data).decode()
            elif kind == "f":
                payload = bytes(data)
                info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload) if payload is not None else None)
    return out.getvalue()


def apply_layer(files: Files, data: bytes) -> None:
    """Apply one layer tar (whiteouts and opaque directories included) to ``files``."""
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data))
    except tarfile.TarError as error:
        raise InvalidArgument(f"failed to read a layer: {error}") from None
    with archive:
        for member in archive:
            path = posixpath.normpath("/" + member.name.lstrip("/"))  # "../x" stays in /
            head, tail = posixpath.split(path)
            if tail == ".wh..wh..opq":
                prefix = head.rstrip("/") + "/"
                for old in [p for p in files if p.startswith(prefix)]:
                    del files[old]
                continue
            if tail.startswith(".wh."):
                gone = posixpath.join(head, tail[len(".wh.") :])
                for old in [p for p in files if p == gone or p.startswith(gone + "/")]:
                    del files[old]
                continue
            if path == "/":
                continue
            mode, mtime = member.mode, float(member.mtime)
            if member.isdir():
                files[path] = ("d", mode, b"", mtime)
            elif member.issym():
                files[path] = ("l", 0o777, member.linkname.encode(), mtime)
            elif member.islnk():  # the sandbox has no hard links: a symbolic one to the file
                files[path] = ("l", 0o777, ("/" + member.linkname.strip("/")).encode(), mtime)
            elif member.isfile():
                handle = archive.extractfile(member)
                files[path] = ("f", mode, handle.read() if handle else b"", mtime)


class ArchivesMixin(SandboxBase):
    """``GET /images/get``, ``POST /images/load``, ``POST /images/create?fromSrc=``."""

    # -- save ------------------------------------------------------------------------------
    def save_images(self, names: list[str]) -> bytes:
        """``GET /images/get?names=``: the images as Docker 28's ``docker save`` archive.

        A repository name alone ("nginx") saves every tag of it; an ID saves the image
        without a tag; a missing name fails the whole save, as dockerd does.
        """
        chosen: dict[str, list[str]] = {}
        for name in names:
            for image_id, tag in self._save_targets(name):
                tags = chosen.setdefault(image_id, [])
                if tag and tag not in tags:
                    tags.append(tag)
        self.store.ensure(ARCHIVES_SCHEMA)
        blobs: dict[str, bytes] = {}
        manifest: list[JSON] = []
        index: list[JSON] = []
        repositories: dict[str, dict[str, str]] = {}
        for image_id, tags in chosen.items():
            row = self.store.db.execute("SELECT doc FROM images WHERE id = ?", (image_id,))
            doc = json.loads(row.fetchone()[0])
            layers = self._layer_tars(image_id, doc)
            config = json.dumps(image_config(doc, [_digest(t) for t in layers])).encode()
            for data in (config, *layers):
                blobs[_digest(data)] = data
            with self.store.write() as db:
                db.execute(
                    "INSERT OR REPLACE INTO saved_configs(digest, image_id, doc) VALUES (?, ?, ?)",
                    (_digest(config), image_id, json.dumps(loaded_doc(doc))),
                )
            oci = json.dumps(
                {
                    "schemaVersion": 2,
                    "mediaType": MEDIA_MANIFEST,
                    "config": _descriptor("application/vnd.oci.image.config.v1+json", config),
                    "layers": [
                        _descriptor("application/vnd.oci.image.layer.v1.tar", t) for t in layers
                    ],
                }
            ).encode()
            blobs[_digest(oci)] = oci
            described = _descriptor(MEDIA_MANIFEST, oci)
            for tag in tags:
                ref = refs.parse(tag)
                full = ref.name if "/" in ref.repo else f"docker.io/library/{ref.name}"
                annotations = {
                    "io.containerd.image.name": full,
                    "org.opencontainers.image.ref.name": ref.tag or "",
                }
                index.append({**described, "annotations": annotations})
                top = _digest(layers[-1]).removeprefix("sha256:") if layers else ""
                repositories.setdefault(ref.repo, {})[ref.tag or ""] = top
            if not tags:
                index.append(described)
            manifest.append(
                {
                    "Config": _blob_path(_digest(config)),
                    "RepoTags": tags or None,
                    "Layers": [_blob_path(_digest(t)) for t in layers],
                }
            )
        files = {_blob_path(digest): data for digest, data in blobs.items()}
        files["index.json"] = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.index.v1+json",
                "manifests": index,
            }
        ).encode()
        files["manifest.json"] = json.dumps(manifest).encode() + b"\n"
        files["oci-layout"] = b'{"imageLayoutVersion": "1.0.0"}'
        if repositories:
            files["repositories"] = json.dumps(repositories).encode() + b"\n"
        return _archive(files)

    def _save_targets(self, name: str) -> list[tuple[str, str | None]]:
        """(image id, tag or None) pairs ``name`` stands for in a save, as dockerd reads it.

        A tag that names nothing is "reference does not exist"; a name with no tag is
        looked up as an image ID prefix when no tag of it exists ("No such image: NAME").
        """
        by_id = name.startswith("sha256:") or "@" in name
        if refs.looks_like_reference(name) and not by_id:
            parsed = refs.parse(name, default_tag="")
            if parsed.tag:
                image_id = self._tag_target(name)
                if image_id is None:
                    raise NotFound("reference does not exist")
                return [(image_id, parsed.name)]
            rows = self.store.db.execute(
                "SELECT ref, image_id FROM tags WHERE repo = ? ORDER BY ref", (parsed.repo,)
            ).fetchall()
            if rows:  # a repository: all its tags
                return [(image_id, ref) for ref, image_id in rows]
        found = self._find_image(name)
        if found is None:
            raise ImageNotFound(f"No such image: {name}")
        return [(found[0], None)]

    def _layer_tars(self, image_id: str, doc: JSON) -> list[bytes]:
        """The image's layers, oldest first: the base's files, then each step's own."""
        chain = [(image_id, doc)]
        while chain[-1][1].get("Parent"):
            parent = chain[-1][1]["Parent"]
            row = self.store.db.execute("SELECT doc FROM images WHERE id = ?", (parent,))
            found = row.fetchone()
            if found is None:
                break
            chain.append((parent, json.loads(found[0])))
        chain.reverse()
        root_id, root = chain[0]
        base = [(p, *entry) for p, entry in image_layers(self.store, root, root_id).items()]
        count = len(root["RootFS"]["Layers"])
        layers = [layer_tar(base)] + [EMPTY_LAYER] * (count - 1) if count else []
        for (_, parent), (step_id, step) in zip(chain, chain[1:], strict=False):
            if len(step["RootFS"]["Layers"]) == len(parent["RootFS"]["Layers"]):
                continue  # a step that changed no file (ENV, CMD, ...)
            rows = self.store.db.execute(
                "SELECT path, kind, mode, data, mtime FROM image_files WHERE image_id = ?",
                (step_id,),
            ).fetchall()
            layers.append(layer_tar([(p, k, m, bytes(d or b""), t) for p, k, m, d, t in rows]))
        return layers

    # -- load ------------------------------------------------------------------------------
    def load_image(self, data: bytes, quiet: bool = False) -> Iterator[JSON]:
        """``POST /images/load``: {"stream": "Loaded image: ..."} items, as dockerd's."""
        # dockerd answers 200 and reports a bad archive in the stream, as 20.10 words it
        try:
            members = _members(data) if data.strip(b"\0") else {}
        except InvalidArgument:
            return iter([_failure("Error processing tar file(exit status 1): unexpected EOF")])
        if "manifest.json" not in members:  # dockerd then looks for a pre-1.10 archive
            folder = f"/var/lib/docker/tmp/docker-import-{int.from_bytes(os.urandom(4))}"
            return iter([_failure(f"open {folder}/repositories: no such file or directory")])
        self.store.ensure(ARCHIVES_SCHEMA)
        items: list[JSON] = []
        for entry in json.loads(members["manifest.json"]):
            config = _member(members, entry["Config"])
            files: Files = {"/": ("d", 0o755, b"", 0.0)}
            sizes = []
            for name in entry.get("Layers") or []:
                before = _size(files)
                apply_layer(files, _member(members, name))
                sizes.append(max(_size(files) - before, 0))
            saved = self.store.db.execute(
                "SELECT image_id, doc FROM saved_configs WHERE digest = ?", (_digest(config),)
            ).fetchone()
            if saved:  # written by this sandbox: its ID, and its sizes and history
                image_id, doc = saved[0], json.loads(saved[1])
            else:
                image_id = _digest(config)
                doc = image_doc(json.loads(config), _size(files), sizes)
            self._store_image(image_id, doc, files)
            for tag in entry.get("RepoTags") or []:
                items.extend(self._move_tag(refs.parse(tag).name, image_id))
                items.append({"stream": f"Loaded image: {tag}\n"})
            if not entry.get("RepoTags"):
                items.append({"stream": f"Loaded image ID: {image_id}\n"})
        return iter(items)

    def _store_image(self, image_id: str, doc: JSON, files: Files) -> None:
        with self.store.write() as db:
            if db.execute("SELECT 1 FROM images WHERE id = ?", (image_id,)).fetchone():
                return
            db.execute(
                "INSERT INTO images(id, doc, created) VALUES (?, ?, ?)",
                (image_id, json.dumps(doc), time.time()),
            )
            db.executemany(
                "INSERT INTO image_files(image_id, path, kind, mode, data, mtime) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(image_id, path, *entry) for path, entry in files.items()],
            )

    def _move_tag(self, name: str, image_id: str) -> list[JSON]:
        """Point tag ``name`` at ``image_id``; dockerd's note when it held another image."""
        with self.store.write() as db:
            row = db.execute("SELECT image_id FROM tags WHERE ref = ?", (name,)).fetchone()
            db.execute(
                "INSERT OR REPLACE INTO tags(ref, image_id, repo) VALUES (?, ?, ?)",
                (name, image_id, name.rsplit(":", 1)[0]),
            )
        if row is None or row[0] == image_id:
            return []
        note = f"The image {name} already exists, renaming the old one with ID {row[0]}"
        return [{"stream": note + " to empty string\n"}]

    # -- import ----------------------------------------------------------------------------
    def import_archive(
        self,
        data: bytes,
        repository: str | None = None,
        tag: str | None = None,
        message: str | None = None,
        changes: list[str] | None = None,
    ) -> JSON:
        """``POST /images/create?fromSrc=-``: a one-layer image of a filesystem tar.

        As dockerd's import: the comment defaults to "Imported from -", the config is empty
        but for ``changes`` (``CMD``, ``ENV``, ...), and the answer is ``{"status": ID}``.
        """
        name = None
        if repository:
            ref = refs.parse(f"{repository}:{tag}" if tag else repository)
            if ref.digest:
                raise InvalidArgument("cannot import digest reference")
            name = ref.name
        files: Files = {"/": ("d", 0o755, b"", 0.0)}
        apply_layer(files, data)
        created = rfc3339_ns(now_ns())
        comment = message or "Imported from -"
        config = {
            "architecture": "amd64",
            "comment": comment,
            "config": apply_changes(_EMPTY_CONFIG, changes or []),
            "created": created,
            "history": [{"created": created, "comment": comment}],
            "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": [_digest(layer_tar(_rows(files)))]},
        }
        raw = json.dumps(config).encode()
        image_id = _digest(raw)
        self._store_image(image_id, image_doc(config, _size(files), [_size(files)]), files)
        if name:
            self._move_tag(name, image_id)
        return {"status": image_id}


_EMPTY_CONFIG: JSON = {
    "Hostname": "",
    "Domainname": "",
    "User": "",
    "AttachStdin": False,
    "AttachStdout": False,
    "AttachStderr": False,
    "Tty": False,
    "OpenStdin": False,
    "StdinOnce": False,
    "Env": None,
    "Cmd": None,
    "Image": "",
    "Volumes": None,
    "WorkingDir": "",
    "Entrypoint": None,
    "OnBuild": None,
    "Labels": None,
}
"""The container config of an imported image before its changes (dockerd's zero value)."""


def image_config(doc: JSON, diff_ids: list[str]) -> JSON:
    """The image config (image spec v1) of a stored image, with the layers' diff IDs."""
    history = [
        {
            key: step[key]
            for key in ("created", "created_by", "comment", "empty_layer")
            if step.get(key)
        }
        for step in doc.get("_history", [])
    ]
    config: JSON = {
        "architecture": doc.get("Architecture", "amd64"),
        "config": doc.get("Config") or {},
        "created": doc["Created"],
        "history": history,
        "os": doc.get("Os", "linux"),
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }
    for key, field in (("author", "Author"), ("comment", "Comment"), ("container", "Container")):
        if doc.get(field):
            config[key] = doc[field]
    if doc.get("DockerVersion"):
        config["docker_version"] = doc["DockerVersion"]
        config["container_config"] = doc.get("ContainerConfig") or {}
    return config


def loaded_doc(doc: JSON) -> JSON:
    """A stored image as a load gives it back: no parent image, its steps' IDs unknown."""
    history = [{k: v for k, v in step.items() if k != "id"} for step in doc.get("_history", [])]
    kept = {k: v for k, v in doc.items() if k != "_child_only"}
    return {**kept, "Parent": "", "_fs": None, "_history": history}  # its files: all loaded


def image_doc(config: JSON, size: int, layer_sizes: list[int]) -> JSON:
    """The stored inspect document of a loaded or imported image, from its config."""
    created = config.get("created") or "1970-01-01T00:00:00Z"
    sizes = iter(layer_sizes)
    history = []
    for step in config.get("history") or []:
        kept = {key: value for key, value in step.items() if key in ("created_by", "comment")}
        kept["created"] = step.get("created") or created
        kept["created_by"] = step.get("created_by", "")
        if step.get("empty_layer"):
            kept["empty_layer"] = True
        else:
            kept["size"] = next(sizes, 0)
        history.append(kept)
    return {
        "Parent": "",
        "Comment": config.get("comment", ""),
        "Created": created,
        "Container": config.get("container", ""),
        "ContainerConfig": config.get("container_config") or {},
        "DockerVersion": config.get("docker_version", ""),
        "Author": config.get("author", ""),
        "Config": config.get("config") or {},
        "Architecture": config.get("architecture", "amd64"),
        "Os": config.get("os", "linux"),
        "Size": size,
        "VirtualSize": size,
        "GraphDriver": {"Data": None, "Name": "overlay2"},
        "RootFS": {"Type": "layers", "Layers": (config.get("rootfs") or {}).get("diff_ids", [])},
        "Metadata": {"LastTagTime": "0001-01-01T00:00:00Z"},
        "_history": history,
    }


def _rows(files: Files) -> list[tuple[str, str, int, bytes, float]]:
    return [(path, *entry) for path, entry in files.items()]


def _size(files: Files) -> int:
    return sum(len(data) for kind, _, data, _ in files.values() if kind == "f")


def _failure(message: str) -> JSON:
    return {"errorDetail": {"message": message}, "error": message}


def _descriptor(media_type: str, data: bytes) -> JSON:
    return {"mediaType": media_type, "digest": _digest(data), "size": len(data)}


def _members(data: bytes) -> dict[str, bytes]:
    """The regular files of an archive by name."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            found = {}
            for member in archive:
                handle = archive.extractfile(member) if member.isfile() else None
                if handle is not None:
                    found[member.name.removeprefix("./")] = handle.read()
            return found
    except tarfile.TarError as error:
        raise InvalidArgument(f"failed to read the archive: {error}") from None


def _member(members: dict[str, bytes], name: str) -> bytes:
    if name not in members:
        raise InvalidArgument(f"invalid archive: {name} is missing")
    return members[name]


def _archive(files: dict[str, bytes]) -> bytes:
    """A tar of ``files`` (folders added), with the zero times dockerd gives them."""
    out = io.BytesIO()
    folders = sorted({posixpath.dirname(name) for name in files if "/" in name} | {"blobs"})
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for folder in folders:
            info = tarfile.TarInfo(folder)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            archive.addfile(info)
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(files[name]), 0o644
            archive.addfile(info, io.BytesIO(files[name]))
    return out.getvalue()
