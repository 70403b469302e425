"""Debian root filesystems for the offline images: debootstrap, trimmed, cached as tarballs.

No public container registry is reachable from the course's machines, so the images that
need a real distribution (nginx, node) start from ``debootstrap --variant=minbase`` of the
host's own Debian release, fetched from the mirror apt already uses. A finished root
filesystem is kept as a tarball under the cache folder, so later builds skip debootstrap.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

DEFAULT_MIRROR = "http://deb.debian.org/debian"
DEFAULT_SUITE = "bookworm"
APT_SOURCES = Path("/etc/apt/sources.list")
APT_SOURCES_DIR = Path("/etc/apt/sources.list.d")

# Removed from every root filesystem: package caches and documentation nobody reads in a
# container (the official Debian-based images drop the same).
TRIM = (
    "var/cache/apt/archives",
    "var/lib/apt/lists",
    "usr/share/doc",
    "usr/share/man",
    "usr/share/info",
    "var/log/apt",
)

Customize = Callable[[Path], None]


class ImageBuildError(RuntimeError):
    """A step of the offline image build failed; the message says which and why."""


def host_suite(os_release: Path = Path("/etc/os-release")) -> str:
    """The Debian codename of this machine (``VERSION_CODENAME``), default bookworm."""
    try:
        text = os_release.read_text()
    except OSError:
        return DEFAULT_SUITE
    match = re.search(r"^VERSION_CODENAME=\"?([a-z]+)\"?$", text, re.MULTILINE)
    return match.group(1) if match else DEFAULT_SUITE


def _deb822_mirrors(text: str, suite: str) -> list[str]:
    mirrors: list[str] = []
    for stanza in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if line.startswith("#") or ":" not in line:
                continue
            key, _, value = line.partition(":")
            fields[key.strip().lower()] = value.strip()
        if "deb" in fields.get("types", "").split() and suite in fields.get("suites", "").split():
            if fields.get("enabled", "yes").lower() != "no":
                mirrors.extend(fields.get("uris", "").split())
    return mirrors


def _one_line_mirrors(text: str, suite: str) -> list[str]:
    mirrors: list[str] = []
    for line in text.splitlines():
        words = re.sub(r"\[[^]]*\]", "", line.split("#", 1)[0]).split()
        if len(words) >= 3 and words[0] == "deb" and words[2] == suite:
            mirrors.append(words[1])
    return mirrors


def apt_mirror(suite: str, sources: Path = APT_SOURCES, sources_dir: Path = APT_SOURCES_DIR) -> str:
    """The Debian mirror apt uses for ``suite`` here (first match), else deb.debian.org.

    Reads ``/etc/apt/sources.list`` (one-line format) and ``sources.list.d/*.sources``
    (deb822) and ``*.list``.
    """
    found: list[str] = []
    if sources.is_file():
        found += _one_line_mirrors(sources.read_text(), suite)
    if sources_dir.is_dir():
        for path in sorted(sources_dir.iterdir()):
            if path.suffix == ".sources":
                found += _deb822_mirrors(path.read_text(), suite)
            elif path.suffix == ".list":
                found += _one_line_mirrors(path.read_text(), suite)
    return found[0] if found else DEFAULT_MIRROR


def _run(argv: list[str], what: str) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
        raise ImageBuildError(f"{what} failed (exit {result.returncode}):\n{tail}")


def rootfs_tarball(
    name: str,
    cache_dir: Path,
    *,
    include: tuple[str, ...] = (),
    customize: Customize | None = None,
) -> Path:
    """Return a cached tarball of a trimmed minbase root filesystem, building it if needed.

    Delete the cache folder to fetch fresh packages.

    Args:
        name: Cache key (one tarball per name and Debian suite).
        cache_dir: Where tarballs are kept between runs.
        include: Extra Debian packages for debootstrap's ``--include``.
        customize: Called with the root folder after trimming, before packing.

    Raises:
        ImageBuildError: debootstrap is missing, not run as root, or failed.
    """
    suite = host_suite()
    tarball = cache_dir / f"rootfs-{suite}-{name}.tar"
    if tarball.is_file():
        return tarball
    if shutil.which("debootstrap") is None:
        raise ImageBuildError("debootstrap is not installed (apt-get install debootstrap)")
    if os.geteuid() != 0:
        raise ImageBuildError("debootstrap needs root to build the Debian-based images")
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"rootfs-{name}-", dir=cache_dir) as tmp:
        root = Path(tmp) / "root"
        argv = ["debootstrap", "--variant=minbase"]
        if include:
            argv.append("--include=" + ",".join(include))
        argv += [suite, str(root), apt_mirror(suite)]
        _run(argv, f"debootstrap of {name}")
        for relative in TRIM:
            target = root / relative
            if target.is_dir():
                shutil.rmtree(target)
                target.mkdir()
        if customize is not None:
            customize(root)
        partial = tarball.with_suffix(".partial")
        _run(
            ["tar", "--numeric-owner", "--xattrs", "-C", str(root), "-cf", str(partial), "."],
            f"packing {name}",
        )
        partial.replace(tarball)
    return tarball
