"""``--platform`` values (``linux/amd64``, ``linux/arm64/v8``, ``arm64``) as containerd parses them.

:func:`parse_platform` follows containerd's ``platforms.Parse`` (which Docker 28's CLI uses):
``os[(version)][/arch[/variant]]``, or a lone OS or architecture name, with its error texts
(``"foo": unknown operating system or architecture: invalid argument``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

_OS_AND_VERSION = r"^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.-]*)\))?$"
_SPECIFIER = r"^[A-Za-z0-9_.-]+$"
KNOWN_OS = frozenset(
    "aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 "
    "solaris wasip1 windows zos".split()
)
KNOWN_ARCH = frozenset(
    "386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 "
    "mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm".split()
)
_ARCH_ALIASES = {
    "i386": ("386", ""),
    "x86_64": ("amd64", ""),
    "x86-64": ("amd64", ""),
    "aarch64": ("arm64", ""),
    "armhf": ("arm", "v7"),
    "armel": ("arm", "v6"),
}


class PlatformError(ValueError):
    """A platform containerd refuses; the message is containerd's."""


class Platform(NamedTuple):
    """A parsed platform."""

    os: str
    architecture: str
    variant: str = ""
    os_version: str = ""

    def __str__(self) -> str:
        """``linux/arm64/v8`` form."""
        return "/".join(p for p in (self.os, self.architecture, self.variant) if p)


def _go_quote(text: str) -> str:
    from grader.commands.values import go_quote

    return go_quote(text)


def _normalize_arch(arch: str, variant: str) -> tuple[str, str]:
    arch, variant = arch.lower(), variant.lower()
    if arch in _ARCH_ALIASES:
        alias_arch, alias_variant = _ARCH_ALIASES[arch]
        return alias_arch, variant or alias_variant
    if arch == "arm64" and variant in {"8", "v8"}:
        return arch, "v8" if variant else ""
    if arch == "arm" and variant in {"", "7", "v7"}:
        return arch, "v7"
    if arch == "arm" and variant in {"5", "6", "8"}:
        return arch, f"v{variant}"
    return arch, variant


def parse_platform(text: str) -> Platform:
    """Parse a ``--platform`` value (a lone OS defaults to amd64, a lone arch to linux).

    Raises:
        PlatformError: containerd's message, ending in ``: invalid argument``.
    """
    if "*" in text:
        raise PlatformError(f"{_go_quote(text)}: wildcards not yet supported: invalid argument")
    parts = text.split("/", 3)
    match = re.match(_OS_AND_VERSION, parts[0])
    if match is None:
        raise PlatformError(
            f"{_go_quote(parts[0])} is an invalid OS component of {_go_quote(text)}: "
            f"OSAndVersion specifier component must match {_go_quote(_OS_AND_VERSION)}: "
            "invalid argument"
        )
    os_name = match.group(1).lower()
    os_name = "darwin" if os_name == "macos" else os_name
    os_version = match.group(2) or ""
    for part in parts[1:]:
        if not re.match(_SPECIFIER, part):
            raise PlatformError(
                f"{_go_quote(part)} is an invalid component of {_go_quote(text)}: platform "
                f"specifier component must match {_go_quote(_SPECIFIER)}: invalid argument"
            )
    if len(parts) == 1:
        if os_name in KNOWN_OS:
            return Platform(os_name, "amd64", "", os_version)
        arch, variant = _normalize_arch(parts[0], "")
        if arch == "arm" and variant == "v7":
            variant = ""
        if arch in KNOWN_ARCH:
            return Platform("linux", arch, variant)
        raise PlatformError(
            f"{_go_quote(text)}: unknown operating system or architecture: invalid argument"
        )
    if len(parts) == 2:
        arch, variant = _normalize_arch(parts[1], "")
        return Platform(os_name, arch, variant, os_version)
    if len(parts) == 3:
        arch, variant = _normalize_arch(parts[1], parts[2])
        if arch == "arm64" and not variant:
            variant = "v8"
        return Platform(os_name, arch, variant, os_version)
    raise PlatformError(f"{_go_quote(text)}: cannot parse platform specifier: invalid argument")
