"""The pages a student's own nginx image serves, read from the image's real files.

A pod may run an image the student built ``FROM nginx``: pushed to the course registry
(``127.0.0.1:5000/board-web:1``), or notebook 03's ``website:1``, which the nodes have
preloaded. What that nginx would answer is what its ``httpGet`` probes get
(:func:`status`), and what ``curl`` in the cluster and ``kubectl port-forward`` are served
(:func:`site`, through :mod:`grader.k8s.podweb`); ``kubectl exec`` sees the same document
root. The image is looked up in the selected engine's local store (``inspect_image``, the
same reference or the registry's other name), its layers are read from its ``docker save``
archive (``save_images``: nothing is created, started or changed in the engine) and, with
nginx's stock configuration, a path is served when it names a file under
``/usr/share/nginx/html`` or a directory there holding ``index.html`` (``index.htm``): 200.
A directory without one is nginx's 403 (no autoindex); anything else its 404.

An image cannot be judged (None: the kubelet keeps answering 200, the pod its image's page)
when the engine does not know the reference, when its process is not nginx (a node app), or
when its nginx configuration has its own say (another ``root``, ``return``, ``try_files``, a
proxy ...).

A container runs the image it started with: the image ID is remembered in the kubelet's
record of the container, and the answer per image ID in the cluster state (the document
root's files too, up to :data:`SITE_LIMIT` bytes), so every probe after the first costs two
dictionary look-ups and no engine call.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import posixpath
import re
import tarfile
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import unquote

from grader.engine.sandbox.fs import Entry
from grader.k8s import kubelet

if TYPE_CHECKING:
    from grader.k8s.cluster import Cluster

Obj = dict[str, Any]
Files = dict[str, tuple[str, int, bytes, float]]

DOCUMENT_ROOT = "/usr/share/nginx/html"
"""Where the stock ``default.conf`` points ``location /``."""
SITE_LIMIT = 256 * 1024
"""The most bytes of pages kept per image (a student's site is a few kilobytes)."""
DEFAULT_VERSION = "1.27.5"
"""The nginx version of an image that does not say (no ``NGINX_VERSION``)."""
INDEXES = ("index.html", "index.htm")
"""The stock ``index`` directive."""
OWN_SAY = {
    "alias",
    "autoindex",
    "fastcgi_pass",
    "grpc_pass",
    "proxy_pass",
    "return",
    "rewrite",
    "scgi_pass",
    "try_files",
    "uwsgi_pass",
}
"""nginx directives that answer a path otherwise than from the document root's files."""


def status(cluster: Cluster, pod: Obj, container: Obj, path: str) -> int | None:
    """The HTTP status the container's nginx gives ``path``; None when it cannot be judged."""
    table = _table(cluster, pod, container)
    if table is None:
        return None
    return int(table["paths"].get(_normalised(path), 404))


def site(cluster: Cluster, pod: Obj, container: Obj) -> tuple[ImagePages, str] | None:
    """The container's nginx pages and nginx version; None when they cannot be judged.

    Also None when the document root holds more than :data:`SITE_LIMIT` bytes (the pages
    are kept in the cluster's state).
    """
    table = _table(cluster, pod, container)
    if table is None or table.get("site") is None:
        return None
    return ImagePages(table["site"]), str(table.get("version") or DEFAULT_VERSION)


def _table(cluster: Cluster, pod: Obj, container: Obj) -> Obj | None:
    """What :func:`_served` found in the container's image, when its process is nginx."""
    record = kubelet.memory(cluster, pod, str(container.get("name", "")))
    if "image_id" not in record:
        record["image_id"] = _image_id(str(container.get("image", "")))
    image_id = record["image_id"]
    if not image_id:
        return None
    known = cluster.state.setdefault("kubelet", {}).setdefault("pages", {})
    if image_id not in known or (known[image_id] is not None and "site" not in known[image_id]):
        known[image_id] = _served(image_id)  # (read again: kept before the pages were kept)
    table = known[image_id]
    if table is None or not _runs_nginx(container, table["entrypoint"], table["cmd"]):
        return None
    return cast(Obj, table)


def _image_id(image: str) -> str:
    """The ID of the image the engine has under ``image``.

    A course-registry reference (under either of the registry's names), or the course's
    own image every node has loaded (``website:1``, :data:`kubelet.PRELOADED`).
    """
    from grader.engine import get_engine
    from grader.engine.errors import EngineError

    ref = kubelet.normalise(image)
    host, _, rest = ref.partition("/")
    if ref in kubelet.PRELOADED:
        names = [ref]
    elif host in kubelet.REGISTRY_HOSTS:
        names = [ref] + [f"{other}/{rest}" for other in kubelet.REGISTRY_HOSTS if other != host]
    else:
        return ""
    for name in names:
        try:
            return str(get_engine().inspect_image(name)["Id"])
        except (EngineError, OSError, KeyError):
            continue
    return ""


@functools.lru_cache(maxsize=32)
def _served(image_id: str) -> Obj | None:
    """What the image's nginx serves; None when its configuration is not the stock one.

    Remembered per process too: an image ID names fixed content, and a read-only view of the
    cluster (a widget's, ``Cluster.load``) keeps nothing in the saved state, while on the real
    engine each read is a ``docker save`` of the whole image.

    {entrypoint, cmd: the image's; version: its ``NGINX_VERSION``; paths: {path: status};
    site: the document root's files as :class:`ImagePages` keeps them, None when too large}.
    """
    from grader.engine import get_engine
    from grader.engine.errors import EngineError

    engine = get_engine()
    try:
        config = engine.inspect_image(image_id).get("Config") or {}
        files = _files(engine.save_images([image_id]))
    except (EngineError, OSError, tarfile.TarError, ValueError, KeyError):
        return None
    if not _stock_configuration(files):
        return None
    environment = dict(str(item).partition("=")[::2] for item in config.get("Env") or [])
    return {
        "entrypoint": [str(word) for word in config.get("Entrypoint") or []],
        "cmd": [str(word) for word in config.get("Cmd") or []],
        "version": environment.get("NGINX_VERSION") or DEFAULT_VERSION,
        "paths": _paths(files),
        "site": _site(files),
    }


def _files(archive: bytes) -> Files:
    """The image's flattened filesystem from its ``docker save`` archive."""
    from grader.engine.sandbox.archives import apply_layer

    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = {m.name: m for m in tar.getmembers() if m.isfile()}

        def read(name: str) -> bytes:
            handle = tar.extractfile(members[name])
            return handle.read() if handle else b""

        files: Files = {}
        for layer in json.loads(read("manifest.json"))[0]["Layers"]:
            apply_layer(files, read(layer))
    return files


def _site(files: Files) -> Obj | None:
    """The document root's entries, and the files its links lead to, as JSON can keep them.

    {path: [kind, mode, base64 data, mtime]}; None when they hold more than
    :data:`SITE_LIMIT` bytes.
    """
    wanted = [
        path for path in files if path == DOCUMENT_ROOT or path.startswith(DOCUMENT_ROOT + "/")
    ]
    kept: Obj = {}
    size = 0
    while wanted:
        path = wanted.pop()
        if path in kept or path not in files:
            continue
        kind, mode, data, mtime = files[path]
        if kind == "l":
            wanted.append(
                posixpath.normpath(posixpath.join(posixpath.dirname(path), data.decode()))
            )
        size += len(data)
        if size > SITE_LIMIT:
            return None
        kept[path] = [kind, mode, base64.b64encode(data).decode(), mtime]
    return kept


class ImagePages:
    """An image's document root as :func:`grader.engine.sandbox.server.serve_file` reads it."""

    def __init__(self, kept: Obj) -> None:
        self._files: Files = {
            path: (kind, mode, base64.b64decode(data), mtime)
            for path, (kind, mode, data, mtime) in kept.items()
        }

    def stat(self, path: str) -> Entry | None:
        """The entry at ``path``, its symbolic links followed (None: nothing, or a loop)."""
        for _ in range(40):
            found = self._files.get(path)
            if found is None:
                return None
            kind, mode, data, mtime = found
            if kind != "l":
                size = len(data) if kind == "f" else 4096
                return Entry(kind, mode, size, mtime, data=data if kind == "f" else None)
            path = posixpath.normpath(posixpath.join(posixpath.dirname(path), data.decode()))
        return None

    def entries(self) -> dict[str, tuple[str, int, bytes]]:
        """Every entry kept, as a pod's filesystem lists them: {path: (kind, mode, data)}."""
        return {path: (kind, mode, data) for path, (kind, mode, data, _) in self._files.items()}

    def read(self, path: str) -> bytes:
        """The bytes of the regular file at ``path`` (b"" when there is none)."""
        entry = self.stat(path)
        return entry.data or b"" if entry is not None else b""


def _stock_configuration(files: Files) -> bool:
    """True when nginx is installed and serves every path from the document root's files."""
    if "/etc/nginx/nginx.conf" not in files:
        return False
    for path, (kind, _, data, _) in files.items():
        if kind != "f" or not path.startswith("/etc/nginx/") or not path.endswith(".conf"):
            continue
        text = re.sub(r"#[^\n]*", "", data.decode(errors="replace"))
        for statement in re.split(r"[;{}]", text):
            words = statement.split()
            if words and words[0] in OWN_SAY:
                return False
            if words[:1] == ["root"] and words[1:] != [DOCUMENT_ROOT]:
                return False
    return True


def _paths(files: Files) -> dict[str, int]:
    """Every path nginx answers without a 404: files 200, directories 200 or 403."""
    paths: dict[str, int] = {}
    for path in files:
        if path != DOCUMENT_ROOT and not path.startswith(DOCUMENT_ROOT + "/"):
            continue
        url = path.removeprefix(DOCUMENT_ROOT) or "/"
        kind = _kind(files, path)
        if kind == "f":
            paths[url] = 200
        elif kind == "d":
            indexed = any(_kind(files, f"{path}/{name}") == "f" for name in INDEXES)
            answer = 200 if indexed else 403
            paths[url.rstrip("/") + "/"] = answer
            if url != "/":
                paths[url] = answer  # nginx's 301 to the slash, which the kubelet follows
    return paths


def _kind(files: Files, path: str) -> str:
    """What ``path`` is once its symbolic links are followed: "f", "d", or "" for nothing."""
    for _ in range(40):
        entry = files.get(path)
        if entry is None:
            return ""
        if entry[0] != "l":
            return entry[0]
        path = posixpath.normpath(posixpath.join(posixpath.dirname(path), entry[2].decode()))
    return ""  # a loop


def _runs_nginx(container: Obj, entrypoint: list[str], cmd: list[str]) -> bool:
    """Whether the container's process is nginx.

    The pod's ``command`` replaces the image's ``Entrypoint`` (and drops its ``Cmd``),
    ``args`` its ``Cmd``.
    """
    command = container.get("command")
    words = [*(command or entrypoint), *(container.get("args") or ([] if command else cmd))]
    return any(posixpath.basename(str(word)) == "nginx" for word in words)


def _normalised(path: str) -> str:
    """The path nginx looks up: no query string, percent-decoded, ``..`` and ``//`` resolved."""
    raw = unquote(path.split("?", 1)[0].split("#", 1)[0]) or "/"
    clean = posixpath.normpath("/" + raw.lstrip("/"))
    return clean + "/" if raw.endswith("/") and clean != "/" else clean
