"""Logins and searches: dockerd's answers when only the course's own registry is reachable.

The sandbox has no network. Its embedded registry (``127.0.0.1:5000``, ``localhost:5000``)
asks for no credentials, so a login to it succeeds, as dockerd's does with a registry that
sends no authentication challenge. Any other login reaches no registry, and a search
cannot reach Docker Hub: dockerd then fails with the dial error of the URL it tried. For a
login that is the registry's ``/v2/`` (``http://`` for a ``localhost`` registry, which
dockerd treats as insecure and tries last; Docker Hub's is ``registry-1.docker.io``); for
a search, Docker Hub's v1 search.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from grader.engine.errors import EngineError
from grader.engine.sandbox.base import JSON, SandboxBase
from grader.engine.sandbox.registry import REGISTRY_HOSTS

HUB_INDEX = "https://index.docker.io/v1/"
"""The server address the CLI sends for Docker Hub."""
HUB_REGISTRY = "registry-1.docker.io"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
SEARCH_LIMIT = 25
"""dockerd's number of results when the client asks for none."""
LOGIN_SUCCEEDED = "Login Succeeded"
"""dockerd's ``Status`` for a login the registry accepted."""


def registry_host(address: str) -> str:
    """The registry host of a login's ``serveraddress`` (``https://x/`` or ``x``)."""
    if not address or address.rstrip("/") == HUB_INDEX.rstrip("/"):
        return HUB_REGISTRY
    return urlsplit(address if "://" in address else f"//{address}").netloc or address


def login_refusal(server_address: str) -> str:
    """The error dockerd gives for a login to ``server_address`` with no registry reachable."""
    host = registry_host(server_address)
    if host.split(":")[0] in LOCAL_HOSTS or host.startswith("[::1]"):
        return f'Get "http://{host}/v2/": dial tcp {host}: connect: connection refused'
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return f'Get "https://{host}/v2/": dial tcp: lookup {name}: no such host'


def search_refusal(term: str, limit: int | None) -> str:
    """The error dockerd gives for a search of Docker Hub without internet access."""
    query = urlencode({"q": term, "n": limit or SEARCH_LIMIT})
    host = "index.docker.io"
    return f'Get "https://{host}/v1/search?{query}": dial tcp: lookup {host}: no such host'


class OfflineMixin(SandboxBase):
    """``POST /auth`` and ``GET /images/search``."""

    def login(
        self,
        username: str,
        password: str | None = None,
        email: str | None = None,
        registry: str | None = None,
        reauth: bool = False,
        dockercfg_path: str | None = None,
    ) -> JSON:
        """``POST /auth``: the embedded registry accepts anyone; no other registry answers.

        Raises:
            EngineError: dockerd's dial error for a registry that cannot be reached (500).
        """
        del username, password, email, reauth, dockercfg_path
        if registry_host(registry or "") in REGISTRY_HOSTS:
            return {"IdentityToken": "", "Status": LOGIN_SUCCEEDED}
        raise EngineError(login_refusal(registry or ""), 500)

    def search(self, term: str, limit: int | None = None) -> list[JSON]:
        """``GET /images/search``: Docker Hub cannot be reached.

        Raises:
            EngineError: dockerd's dial error for Docker Hub's search (500).
        """
        raise EngineError(search_refusal(term, limit), 500)
