"""Image references as Docker reads them: registry host, repository path, tag, digest.

A port of docker/distribution's ``reference.ParseNormalizedNamed``: ``website`` is
``docker.io/library/website:latest``; ``127.0.0.1:5000/website:1`` names the registry at
``127.0.0.1:5000``; repository names must be lowercase, and the error says so in Docker's
words (``invalid reference format: repository name (PatrickVuscan/website) must be
lowercase``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_DOMAIN = "docker.io"
OFFICIAL_NAMESPACE = "library"

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_PATH = rf"{_COMPONENT}(?:/{_COMPONENT})*"
_REFERENCE = re.compile(
    rf"^(?:(?P<domain>{_DOMAIN})/)?(?P<path>{_PATH})(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?$"
)
_HEX64 = re.compile(r"^[a-f0-9]{64}$")


class ReferenceError(ValueError):
    """A reference Docker refuses; the text is Docker's ("invalid reference format")."""


@dataclass(frozen=True)
class Reference:
    """A parsed, normalised image reference."""

    domain: str
    """Registry host (and port): "docker.io", "127.0.0.1:5000", "quay.io"..."""

    path: str
    """Repository path inside the registry: "library/nginx", "alice/website"."""

    tag: str | None = None
    digest: str | None = None

    @property
    def familiar_name(self) -> str:
        """The repository as Docker shows it: "nginx", "alice/website", "127.0.0.1:5000/web"."""
        if self.domain == DEFAULT_DOMAIN:
            return self.path.removeprefix(OFFICIAL_NAMESPACE + "/")
        return f"{self.domain}/{self.path}"

    @property
    def full_name(self) -> str:
        """The repository with its registry: "docker.io/library/nginx"."""
        return f"{self.domain}/{self.path}"

    @property
    def has_registry_host(self) -> bool:
        """True when the reference names a registry other than Docker Hub."""
        return self.domain != DEFAULT_DOMAIN

    def with_default_tag(self) -> Reference:
        """The same reference with ``latest`` filled in when neither tag nor digest is given."""
        if self.tag or self.digest:
            return self
        return Reference(self.domain, self.path, "latest", None)

    def __str__(self) -> str:
        """Docker's familiar string form: ``nginx:latest``, ``127.0.0.1:5000/web:1``."""
        text = self.familiar_name
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def _split_domain(name: str) -> tuple[str, str]:
    """distribution/reference's splitDockerDomain: when is the first component a host."""
    first, sep, rest = name.partition("/")
    if not sep:
        return DEFAULT_DOMAIN, f"{OFFICIAL_NAMESPACE}/{name}"
    if first == "localhost" or any(char in first for char in ".:") or first.lower() != first:
        domain, remainder = first, rest
    else:
        domain, remainder = DEFAULT_DOMAIN, name
    if first == "index.docker.io":
        domain = DEFAULT_DOMAIN
    if domain == DEFAULT_DOMAIN and "/" not in remainder:
        remainder = f"{OFFICIAL_NAMESPACE}/{remainder}"
    return domain, remainder


def parse_reference(text: str) -> Reference:
    """Parse and normalise a reference as Docker 28's client does (``ParseNormalizedNamed``).

    An uppercase first component counts as a registry host there, so
    ``PatrickVuscan/website:1`` passes the client; :func:`daemon_check` is the daemon's
    stricter verdict on it.

    Raises:
        ReferenceError: with Docker's message for an invalid or uppercase reference.
    """
    if _HEX64.match(text):
        raise ReferenceError(
            f"invalid repository name ({text}), cannot specify 64-byte hexadecimal strings"
        )
    name = text
    digest = None
    if "@" in name:
        name, _, digest = name.partition("@")
    tag = None
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name, _, tag = name.rpartition(":")
    domain, remainder = _split_domain(name)
    if remainder.lower() != remainder:
        raise ReferenceError(
            f"invalid reference format: repository name ({remainder}) must be lowercase"
        )
    candidate = f"{domain}/{remainder}"
    if tag is not None:
        candidate += f":{tag}"
    if digest is not None:
        candidate += f"@{digest}"
    match = _REFERENCE.match(candidate)
    if not match or len(f"{domain}/{remainder}") > 255:
        raise ReferenceError("invalid reference format")
    return Reference(domain, remainder, tag, digest)


def daemon_check(text: str) -> Reference:
    """Parse a reference as the Engine (dockerd 20.10) does when it tags, builds or pushes.

    Its older parser only treats a first component with ``.`` or ``:`` (or ``localhost``) as a
    registry host, so an uppercase namespace is a repository name, refused with the message
    ``invalid reference format: repository name must be lowercase``.

    Raises:
        ReferenceError: with the daemon's message.
    """
    first, sep, _ = text.partition("/")
    looks_like_host = first == "localhost" or any(char in first for char in ".:")
    if sep and not looks_like_host and first.lower() != first:
        raise ReferenceError("invalid reference format: repository name must be lowercase")
    try:
        return parse_reference(text)
    except ReferenceError as error:
        if "must be lowercase" in str(error):
            raise ReferenceError(
                "invalid reference format: repository name must be lowercase"
            ) from error
        raise
