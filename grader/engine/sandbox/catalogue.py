"""The bundled image catalogue: what the sandbox can "pull" without a registry.

``catalogue.json`` (next to this module) holds, per image id, the upstream image's
metadata (tags, RepoDigests, Created, Size, Config, RootFS layers, history) and the name
of a small filesystem listing; ``filesystems`` holds those listings (directories,
executables, files with content, symlinks; a listing may extend a ``base`` listing).
The file is read on first use only, so importing the sandbox stays fast.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CATALOGUE = Path(__file__).with_name("catalogue.json")

FileEntry = tuple[str, int, bytes]
"""(kind "f"/"d"/"l", permission bits, content or symlink target)."""


@cache
def _data() -> dict[str, Any]:
    return json.loads(CATALOGUE.read_text(encoding="utf-8"))


def images() -> dict[str, dict[str, Any]]:
    """Catalogue entries by image id ("sha256:...")."""
    return _data()["images"]


def find(ref: str) -> tuple[str, dict[str, Any]] | None:
    """The (id, entry) published as the familiar ``repo:tag`` ``ref``, if any.

    An entry's ``tags`` are the names a prepared lab already has; its ``aliases`` are the
    other tags Docker Hub publishes for the same image (``alpine:3`` for ``alpine:latest``),
    which a pull fetches by name.
    """
    for image_id, entry in images().items():
        if ref in entry["tags"] or ref in entry.get("aliases", ()):
            return image_id, entry
    return None


def find_by_digest(repo: str, digest: str) -> tuple[str, dict[str, Any]] | None:
    """The (id, entry) published as ``repo@digest``, if any."""
    wanted = f"{repo}@{digest}"
    for image_id, entry in images().items():
        if wanted in entry["RepoDigests"]:
            return image_id, entry
    return None


def knows_repository(repo: str) -> bool:
    """True when some catalogued image belongs to ``repo`` (so only the tag is unknown)."""
    return any(tag.split(":")[0] == repo for entry in images().values() for tag in entry["tags"])


def text(name: str) -> str:
    """A bundled text (e.g. "hello": hello-world's message)."""
    return _data()["texts"][name]


@cache
def filesystem(name: str) -> dict[str, FileEntry]:
    """The flattened file listing ``name``: absolute path -> :data:`FileEntry`."""
    spec = _data()["filesystems"][name]
    files: dict[str, FileEntry] = dict(filesystem(spec["base"])) if spec.get("base") else {}
    files.setdefault("/", ("d", 0o755, b""))
    for path in spec["dirs"]:
        _add_parents(files, path)
        files[path] = ("d", 0o1777 if path in ("/tmp", "/var/tmp") else 0o755, b"")
    for path, target in spec["links"].items():
        files[path] = ("l", 0o777, target.encode())
    for path in spec["bins"]:
        _add_parents(files, path)
        files[path] = ("f", 0o755, b"\x7fELF")
    for path, content in spec["files"].items():
        _add_parents(files, path)
        mode = 0o755 if path.endswith(".sh") else 0o644
        files[path] = ("f", mode, content.encode())
    return files


def _add_parents(files: dict[str, FileEntry], path: str) -> None:
    parent = path.rsplit("/", 1)[0]
    while parent and parent not in files:
        files[parent] = ("d", 0o755, b"")
        parent = parent.rsplit("/", 1)[0]
