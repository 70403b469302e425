"""``POST /auth`` and ``GET /images/search``: what dockerd answers when no registry is reachable.

The sandbox has no network: a login reaches no registry (the course's registry included,
as on a machine where none is listening) and a search cannot reach Docker Hub. dockerd
then answers 500 with the dial error of the URL it tried: for a login, the registry's
``/v2/`` (``http://`` for a ``localhost`` registry, which dockerd treats as insecure and
tries last; Docker Hub's is ``registry-1.docker.io``); for a search, Docker Hub's v1 search.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from grader.engine.api import EngineAPI
from grader.engine.errors import EngineError
from grader.serve.http import Reply, Request

HUB_INDEX = "https://index.docker.io/v1/"
"""The server address the CLI sends for Docker Hub."""
HUB_REGISTRY = "registry-1.docker.io"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def _host(address: str) -> str:
    """The registry host of a login's ``serveraddress`` (``https://x/`` or ``x``)."""
    if not address or address.rstrip("/") == HUB_INDEX.rstrip("/"):
        return HUB_REGISTRY
    return urlsplit(address if "://" in address else f"//{address}").netloc or address


def auth(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /auth`` ``{username, password, serveraddress}``: the registry cannot be reached."""
    del engine, reply
    host = _host(str((req.json() or {}).get("serveraddress") or ""))
    if host.split(":")[0] in LOCAL_HOSTS or host.startswith("[::1]"):
        raise EngineError(
            f'Get "http://{host}/v2/": dial tcp {host}: connect: connection refused', 500
        )
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    raise EngineError(f'Get "https://{host}/v2/": dial tcp: lookup {name}: no such host', 500)


def search(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /images/search?term=&limit=``: Docker Hub cannot be reached."""
    del engine, reply
    term = req.arg("term") or ""
    limit = req.number("limit") or 25
    query = urlencode({"q": term, "n": limit})
    host = "index.docker.io"
    raise EngineError(
        f'Get "https://{host}/v1/search?{query}": dial tcp: lookup {host}: no such host', 500
    )
