"""``/images`` and ``/build`` endpoints over the sandbox's image calls.

``docker save`` (``GET /images/get``), ``load`` (``POST /images/load``) and ``import``
(``POST /images/create?fromSrc=-``) carry whole archives in one body each way.

A build's context arrives as a tar (``POST /build``); it is unpacked into a temporary folder
and built there by the sandbox's builder, whose messages (``{"stream": ...}``,
``{"aux": {"ID": ...}}``, ``{"error": ...}``) stream back as the classic builder's do.
"""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
from collections.abc import Iterator
from typing import Any

from grader.engine.api import EngineAPI
from grader.engine.errors import EngineError, InvalidArgument
from grader.serve.http import Reply, Request


def listing(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /images/json?all=&filters=``."""
    reply.json(engine.images(all=req.flag("all"), filters=req.filters()))


def inspect(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /images/{name}/json``."""
    reply.json(engine.inspect_image(req.groups["name"]))


def history(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /images/{name}/history``."""
    reply.json(engine.history(req.groups["name"]))


def pull(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /images/create?fromImage=&tag=&platform=``: pull progress as a stream.

    With ``fromSrc=-`` it imports the body's filesystem tar instead (``docker import``).
    """
    source = req.arg("fromSrc")
    if source is not None:
        if source != "-":
            raise EngineError("importing from a URL is not available in the course's sandbox")
        result = engine.import_archive(
            req.body,
            repository=req.arg("repo") or None,
            tag=req.arg("tag") or None,
            message=req.arg("message") or None,
            changes=req.query.get("changes") or None,
        )
        reply.json_stream(iter([result]))
        return
    items = engine.pull(
        req.arg("fromImage") or "",
        tag=req.arg("tag") or None,
        platform=req.arg("platform") or None,
    )
    reply.json_stream(_first_then(items))


def save(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /images/get?names=`` and ``GET /images/{name}/get``: the images' archive."""
    names = [req.groups["name"]] if req.groups.get("name") else req.query.get("names") or []
    reply.data(200, engine.save_images(list(names)), "application/x-tar")


def load(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /images/load?quiet=``: the daemon's "Loaded image: ..." messages."""
    reply.json_stream(_first_then(engine.load_image(req.body, quiet=req.flag("quiet"))))


def push(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /images/{name}/push?tag=``."""
    reply.json_stream(_first_then(engine.push(req.groups["name"], tag=req.arg("tag") or None)))


def tag(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /images/{name}/tag?repo=&tag=``."""
    engine.tag(req.groups["name"], req.arg("repo") or "", tag=req.arg("tag") or None)
    reply.empty(201)


def remove(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``DELETE /images/{name}?force=&noprune=``."""
    reply.json(
        engine.remove_image(
            req.groups["name"], force=req.flag("force"), noprune=req.flag("noprune")
        )
    )


def prune(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /images/prune?filters=``."""
    reply.json(engine.prune_images(filters=req.filters()))


def build_prune(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /build/prune?filters=&all=``."""
    reply.json(engine.prune_builds(filters=req.filters(), all=req.flag("all")))


def build(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /build``: unpack the context tar and stream the sandbox builder's output."""
    if req.arg("version") == "2":
        raise InvalidArgument("BuildKit sessions are not available in the course's sandbox")
    with tempfile.TemporaryDirectory(prefix="course-build-") as folder:
        try:
            with tarfile.open(fileobj=io.BytesIO(complete_tar(req.body))) as archive:
                archive.extractall(folder, filter="data")
        except tarfile.TarError as error:
            raise InvalidArgument(f"failed to read the build context: {error}") from None
        items = engine.build(
            folder,
            tag=req.query.get("t") or None,
            dockerfile=req.arg("dockerfile") or None,
            nocache=req.flag("nocache"),
            buildargs=_json_map(req.arg("buildargs")),
            labels=_json_map(req.arg("labels")),
        )
        reply.json_stream(_first_then(items))


def complete_tar(data: bytes) -> bytes:
    """A tar as Go's reader takes it, padded and ended.

    The Docker CLI's context for ``build -f -`` ends right after its last member's bytes
    (the ``.dockerignore`` it adds): no padding to 512 bytes, no end-of-archive blocks.
    dockerd reads it; Python's ``tarfile`` needs both.
    """
    return data + b"\0" * (-len(data) % 512) + b"\0" * 1024


def _json_map(text: str | None) -> dict[str, str] | None:
    return {k: v for k, v in json.loads(text).items() if v is not None} if text else None


def _first_then(items: Iterator[Any]) -> Iterator[Any]:
    """Run a stream's first step before answering, so early refusals become HTTP errors."""
    iterator = iter(items)
    try:
        first = next(iterator)
    except StopIteration:
        return iter(())

    def rest() -> Iterator[Any]:
        yield first
        yield from iterator

    return rest()
