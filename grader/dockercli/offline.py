"""What dockerd answers when no registry can be reached: the sandbox has no network.

A login reaches no registry (the course's own included, as on a machine where none is
listening) and a search cannot reach Docker Hub. dockerd then fails with the dial error of
the URL it tried: for a login, the registry's ``/v2/`` (``http://`` for a ``localhost``
registry, which dockerd treats as insecure and tries last; Docker Hub's is
``registry-1.docker.io``); for a search, Docker Hub's v1 search. The sandbox daemon's
``/auth`` and ``/images/search`` answer these, and so does the course's ``docker search``.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from grader.commands.model import Command
from grader.dockercli.session import CommandFailed, Session

HUB_INDEX = "https://index.docker.io/v1/"
"""The server address the CLI sends for Docker Hub."""
HUB_REGISTRY = "registry-1.docker.io"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
SEARCH_LIMIT = 25
"""dockerd's number of results when the client asks for none."""


def _host(address: str) -> str:
    """The registry host of a login's ``serveraddress`` (``https://x/`` or ``x``)."""
    if not address or address.rstrip("/") == HUB_INDEX.rstrip("/"):
        return HUB_REGISTRY
    return urlsplit(address if "://" in address else f"//{address}").netloc or address


def login_refusal(server_address: str) -> str:
    """The error dockerd gives for a login to ``server_address`` with no registry reachable."""
    host = _host(server_address)
    if host.split(":")[0] in LOCAL_HOSTS or host.startswith("[::1]"):
        return f'Get "http://{host}/v2/": dial tcp {host}: connect: connection refused'
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return f'Get "https://{host}/v2/": dial tcp: lookup {name}: no such host'


def search_refusal(term: str, limit: int | None) -> str:
    """The error dockerd gives for a search of Docker Hub without internet access."""
    query = urlencode({"q": term, "n": limit or SEARCH_LIMIT})
    host = "index.docker.io"
    return f'Get "https://{host}/v1/search?{query}": dial tcp: lookup {host}: no such host'


def search(cmd: Command, session: Session) -> int:
    """``docker search [--limit N] TERM``: Docker Hub cannot be reached from the sandbox."""
    limit = cmd.option("limit")
    refusal = search_refusal(cmd.args[0], int(limit) if limit else None)
    raise CommandFailed(f"Error response from daemon: {refusal}")
