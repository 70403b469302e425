"""Image references as Docker normalises them: ``nginx`` -> ``nginx:latest``.

The sandbox keeps references in Docker's "familiar" form (what ``docker images`` shows):
``docker.io/library/nginx`` is ``nginx``, and a registry host stays in front
(``127.0.0.1:5000/website:1``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.engine.errors import InvalidArgument

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
_DOMAIN = rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_REFERENCE = re.compile(
    rf"^(?:(?P<domain>{_DOMAIN})/)?(?P<path>{_COMPONENT}(?:/{_COMPONENT})*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?(?:@(?P<digest>sha256:[0-9a-f]{64}))?$"
)
DEFAULT_DOMAIN = "docker.io"


@dataclass(frozen=True)
class Reference:
    """A parsed image reference in familiar form."""

    repo: str
    """Repository, e.g. "nginx", "user/app", "127.0.0.1:5000/website"."""
    tag: str | None
    """Tag, or None when only a digest was given."""
    digest: str | None = None
    """"sha256:..." when the reference pins a digest."""

    @property
    def domain(self) -> str:
        """The registry host ("docker.io" for Docker Hub)."""
        first, _, rest = self.repo.partition("/")
        if rest and _is_host(first):
            return first
        return DEFAULT_DOMAIN

    @property
    def name(self) -> str:
        """``repo:tag`` (or ``repo@digest``), the key the sandbox stores."""
        if self.digest and not self.tag:
            return f"{self.repo}@{self.digest}"
        return f"{self.repo}:{self.tag}"

    def __str__(self) -> str:
        return self.name


def looks_like_reference(text: str) -> bool:
    """True when ``text`` parses as an image reference."""
    return _REFERENCE.match(text) is not None


def parse(text: str, default_tag: str = "latest") -> Reference:
    """Parse ``text`` into a familiar :class:`Reference`.

    Raises:
        InvalidArgument: "invalid reference format" as the daemon says it.
    """
    match = _REFERENCE.match(text)
    if match is None:
        if text and text.lower() != text and _REFERENCE.match(text.lower()):
            raise InvalidArgument(
                f"invalid reference format: repository name ({_full_path(text)}) must be lowercase"
            )
        raise InvalidArgument("invalid reference format")
    domain, path = match.group("domain"), match.group("path")
    if domain and not _is_host(domain):
        path, domain = f"{domain}/{path}", None
    if domain in (None, DEFAULT_DOMAIN, "index.docker.io"):
        if path.startswith("library/") and path.count("/") == 1:
            path = path[len("library/") :]
        repo = path
    else:
        repo = f"{domain}/{path}"
    tag = match.group("tag")
    digest = match.group("digest")
    if tag is None and digest is None:
        tag = default_tag
    return Reference(repo=repo, tag=tag, digest=digest)


def _is_host(first: str) -> bool:
    """distribution/reference ``splitDockerDomain``: whether a name's first part is a registry.

    It is when it has a ``.`` or a ``:`` port, is ``localhost``, or has capitals (a
    repository name could not): ``PatrickVuscan/website`` names registry ``PatrickVuscan``.
    """
    return "." in first or ":" in first or first == "localhost" or first.lower() != first


def _full_path(text: str) -> str:
    """Docker's error shows the path with ``library/`` for official images."""
    path = text.split("@")[0]
    last = path.rsplit("/", 1)[-1]
    if ":" in last:
        path = path[: len(path) - len(last) + last.index(":")]
    return path if "/" in path else f"library/{path}"
