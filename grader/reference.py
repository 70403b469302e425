"""Image references (``nginx``, ``localhost:5000/team/app:v1``, ``alpine@sha256:...``).

Follows distribution/reference as vendored in Docker 28's CLI: :func:`parse_normalized_named`
splits a reference into registry domain, repository path, tag and digest, applies Docker Hub's
defaults (``docker.io`` and ``library/``) and raises :class:`ReferenceError` with the library's
exact texts (``invalid reference format``, ``invalid reference format: repository name
(library/Nginx) must be lowercase`` ...).

Note: a first component with capitals (``PatrickVuscan/website``) is taken as a registry host,
so Docker 28 (client and Engine) accepts it, and ``docker push`` fails when that host cannot be
resolved. dockerd 20.10 refused it (tests/differential/wording.py records the difference).
"""

from __future__ import annotations

import re
from typing import NamedTuple

DEFAULT_DOMAIN = "docker.io"
LEGACY_DEFAULT_DOMAIN = "index.docker.io"
OFFICIAL_PREFIX = "library/"
DEFAULT_TAG = "latest"
NAME_TOTAL_LENGTH_MAX = 255

# The grammar of distribution/reference's regexp.go, piece by piece.
_ALPHANUMERIC = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN_NAME = rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*"
_IPV6 = r"\[(?:[a-fA-F0-9:]+)\]"
_DOMAIN_AND_PORT = rf"(?:{_DOMAIN_NAME}|{_IPV6})(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}"
_PATH_COMPONENT = rf"{_ALPHANUMERIC}(?:{_SEPARATOR}{_ALPHANUMERIC})*"
_REMOTE_NAME = rf"{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_NAME = rf"(?:{_DOMAIN_AND_PORT}/)?{_REMOTE_NAME}"

REFERENCE_PATTERN = rf"({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?"
"""A whole reference: name, optional ``:tag``, optional ``@digest`` (fullmatch, re.ASCII).

Patterns stay strings until first use (``re`` compiles and caches them then), so importing
this module costs nothing."""
_ANCHORED_NAME = rf"(?:({_DOMAIN_AND_PORT})/)?({_REMOTE_NAME})"
_IDENTIFIER = r"[a-f0-9]{64}"
_DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}


class ReferenceError(ValueError):
    """A reference distribution/reference refuses; the message is the library's."""


class ImageReference(NamedTuple):
    """A parsed, normalised image reference."""

    domain: str
    """Registry host (``docker.io`` by default, ``localhost:5000`` ...)."""
    path: str
    """Repository path on that registry (``library/nginx``, ``team/app``)."""
    tag: str = ""
    """Tag as given ("" when none; see :attr:`tag_or_latest`)."""
    digest: str = ""
    """``sha256:...`` when given."""

    @property
    def name(self) -> str:
        """Fully qualified repository: ``docker.io/library/nginx``.

        Just the path when the text had no valid domain (``my_registry.example.com/app``: an
        underscore is not allowed in a host name, so that part is a path component), as Go's
        ``repository.Name()`` has it.
        """
        return f"{self.domain}/{self.path}" if self.domain else self.path

    @property
    def familiar_name(self) -> str:
        """The short form Docker shows: ``nginx``, ``team/app``, ``localhost:5000/app``."""
        if self.domain == DEFAULT_DOMAIN:
            return self.path.removeprefix(OFFICIAL_PREFIX)
        return self.name

    @property
    def tag_or_latest(self) -> str:
        """The tag, defaulting to ``latest`` when neither tag nor digest was given."""
        return self.tag or ("" if self.digest else DEFAULT_TAG)

    def familiar_string(self) -> str:
        """``nginx:latest``-style text (tag defaulted), as Docker prints references."""
        text = self.familiar_name
        if self.tag_or_latest:
            text += f":{self.tag_or_latest}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def split_docker_domain(name: str) -> tuple[str, str]:
    """Split ``name`` into (registry domain, remote name) with Docker Hub's defaults."""
    first, slash, rest = name.partition("/")
    if not slash:
        return DEFAULT_DOMAIN, OFFICIAL_PREFIX + name
    if first == LEGACY_DEFAULT_DOMAIN:
        domain, remote = DEFAULT_DOMAIN, rest
    elif first == "localhost" or any(c in first for c in ".:") or first.lower() != first:
        domain, remote = first, rest
    else:
        domain, remote = DEFAULT_DOMAIN, name
    if domain == DEFAULT_DOMAIN and "/" not in remote:
        remote = OFFICIAL_PREFIX + remote
    return domain, remote


def _check_digest(digest: str) -> None:
    algorithm, _, hex_part = digest.partition(":")
    if algorithm not in _DIGEST_LENGTHS:
        raise ReferenceError("unsupported digest algorithm")
    if len(hex_part) != _DIGEST_LENGTHS[algorithm]:
        raise ReferenceError("invalid checksum digest length")
    if not re.fullmatch(r"[a-f0-9]+", hex_part):
        raise ReferenceError("invalid checksum digest format")


def parse(text: str) -> ImageReference:
    """distribution/reference ``Parse``: a reference without Docker Hub defaults."""
    match = re.fullmatch(REFERENCE_PATTERN, text, re.ASCII)
    if match is None:
        if text == "":
            raise ReferenceError("repository name must have at least one component")
        if re.fullmatch(REFERENCE_PATTERN, text.lower(), re.ASCII):
            raise ReferenceError("repository name must be lowercase")
        raise ReferenceError("invalid reference format")
    name, tag, digest = match.group(1), match.group(2) or "", match.group(3) or ""
    parts = re.fullmatch(_ANCHORED_NAME, name, re.ASCII)
    domain, path = (parts.group(1) or "", parts.group(2)) if parts else ("", name)
    if len(path) > NAME_TOTAL_LENGTH_MAX:
        raise ReferenceError(
            f"repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters"
        )
    if digest:
        _check_digest(digest)
    return ImageReference(domain, path, tag, digest)


def parse_normalized_named(text: str) -> ImageReference:
    """distribution/reference ``ParseNormalizedNamed``: what ``docker pull/push/tag`` use.

    Raises:
        ReferenceError: e.g. ``invalid reference format: repository name (library/Nginx)
            must be lowercase``.
    """
    if re.fullmatch(_IDENTIFIER, text):
        raise ReferenceError(
            f"invalid repository name ({text}), cannot specify 64-byte hexadecimal strings"
        )
    domain, remainder = split_docker_domain(text)
    remote = remainder.partition(":")[0] if ":" in remainder else remainder
    if remote.lower() != remote:
        raise ReferenceError(
            f"invalid reference format: repository name ({remote}) must be lowercase"
        )
    return parse(f"{domain}/{remainder}")


def parse_any_reference(text: str) -> ImageReference:
    """distribution/reference ``ParseAnyReference``: also accepts a bare 64-hex image id."""
    if re.fullmatch(_IDENTIFIER, text):
        return ImageReference("", "", "", f"sha256:{text}")
    return parse_normalized_named(text)


def is_valid_tag(tag: str) -> bool:
    """Whether ``tag`` matches Docker's tag grammar: a word character, then up to 127 more."""
    return re.fullmatch(_TAG, tag, re.ASCII) is not None
