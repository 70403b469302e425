"""The pages a student's own nginx image serves, read from the image's real files.

A pod may run an image the student built ``FROM nginx`` and pushed to the course registry
(``127.0.0.1:5000/board-web:1``). Its ``httpGet`` probes get what that nginx would answer:
the image is looked up in the selected engine's local store (``inspect_image``, the same
reference or the registry's other name), its layers are read from its ``docker save``
archive (``save_images``: nothing is created, started or changed in the engine) and, with
nginx's stock configuration, a path is served when it names a file under
``/usr/share/nginx/html`` or a directory there holding ``index.html`` (``index.htm``): 200.
A directory without one is nginx's 403 (no autoindex); anything else its 404.

An image cannot be judged (None: the kubelet keeps answering 200) when the engine does not
know the reference, when its process is not nginx (a node app), or when its nginx
configuration has its own say (another ``root``, ``return``, ``try_files``, a proxy ...).

A container runs the image it started with: the image ID is remembered in the kubelet's
record of the container and the answer per image ID in the cluster state, so every probe
after the first costs two dictionary look-ups and no engine call.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import tarfile
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from grader.k8s import kubelet

if TYPE_CHECKING:
    from grader.k8s.cluster import Cluster

Obj = dict[str, Any]
Files = dict[str, tuple[str, int, bytes, float]]

DOCUMENT_ROOT = "/usr/share/nginx/html"
"""Where the stock ``default.conf`` points ``location /``."""
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
    record = kubelet.memory(cluster, pod, str(container.get("name", "")))
    if "image_id" not in record:
        record["image_id"] = _image_id(str(container.get("image", "")))
    image_id = record["image_id"]
    if not image_id:
        return None
    known = cluster.state.setdefault("kubelet", {}).setdefault("pages", {})
    if image_id not in known:
        known[image_id] = _served(image_id)
    table = known[image_id]
    if table is None or not _runs_nginx(container, table["entrypoint"], table["cmd"]):
        return None
    return int(table["paths"].get(_normalised(path), 404))


def _image_id(image: str) -> str:
    """The ID of the image the engine has under ``image`` (a course-registry reference)."""
    from grader.engine import get_engine
    from grader.engine.errors import EngineError

    ref = kubelet.normalise(image)
    host, _, rest = ref.partition("/")
    if host not in kubelet.REGISTRY_HOSTS:
        return ""
    for name in [ref] + [f"{other}/{rest}" for other in kubelet.REGISTRY_HOSTS if other != host]:
        try:
            return str(get_engine().inspect_image(name)["Id"])
        except (EngineError, OSError, KeyError):
            continue
    return ""


def _served(image_id: str) -> Obj | None:
    """{entrypoint, cmd: the image's, paths: {path: status}}; None when nginx's is not stock."""
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
    return {
        "entrypoint": [str(word) for word in config.get("Entrypoint") or []],
        "cmd": [str(word) for word in config.get("Cmd") or []],
        "paths": _paths(files),
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
