"""Build the course's images on a Docker daemon that cannot reach any registry.

``python -m grader.images`` (or ``course images build``) makes hello-world, busybox,
alpine, nginx and node images from Debian packages and this machine's own binaries, tags
them as the course expects, skips tags already present (unless ``--force``) and prints how
long each family took. See :mod:`grader.images.recipes` for what each image contains.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from grader.images.debian import ImageBuildError
from grader.images.recipes import RECIPES, Recipe

if TYPE_CHECKING:
    import docker

__all__ = ["ImageBuildError", "all_tags", "default_cache_dir", "main"]


def default_cache_dir() -> Path:
    """Where slow parts (debootstrap tarballs) are kept: ~/.cache/docker-k8s-course."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "docker-k8s-course"


def all_tags() -> list[str]:
    """Every tag the builder can make, in build order."""
    return [tag for recipe in RECIPES for tag in recipe.tags]


def _present(client: docker.APIClient, tag: str) -> bool:
    import docker

    try:
        client.inspect_image(tag)
    except docker.errors.ImageNotFound:
        return False
    return True


def _plan(tags: Iterable[str] | None) -> list[tuple[Recipe, list[str]]]:
    wanted = list(tags) if tags else all_tags()
    unknown = [tag for tag in wanted if tag not in all_tags()]
    if unknown:
        raise ImageBuildError(
            f"no offline recipe for {', '.join(unknown)}; known tags: {', '.join(all_tags())}"
        )
    return [
        (recipe, [tag for tag in recipe.tags if tag in wanted])
        for recipe in RECIPES
        if any(tag in wanted for tag in recipe.tags)
    ]


def main(
    *,
    tags: Iterable[str] | None = None,
    cache_dir: Path | str | None = None,
    docker_host: str | None = None,
    force: bool = False,
    out: TextIO | None = None,
) -> int:
    """Build the requested course images (all when ``tags`` is empty); return 0 or 1.

    Args:
        tags: Tags to make (``nginx:latest``...); default every tag in the catalogue.
        cache_dir: Where debootstrap tarballs are cached (default :func:`default_cache_dir`).
        docker_host: Daemon address (default ``DOCKER_HOST`` or Docker's socket).
        force: Rebuild images even when present (cached root filesystems are reused;
            delete the cache folder to refresh them).
        out: Where progress and timings go (default stdout).
    """
    import docker

    from grader.engine import docker_host as default_host

    out = out or sys.stdout
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    host = docker_host or default_host()
    try:
        plan = _plan(tags)
        client = docker.APIClient(base_url=host, version="auto", timeout=600)
    except (ImageBuildError, docker.errors.DockerException) as error:
        print(f"course images: {error}", file=out)
        return 1
    started = time.monotonic()
    failed = False
    for recipe, wanted in plan:
        missing = [tag for tag in wanted if force or not _present(client, tag)]
        if not missing:
            print(f"{' '.join(wanted):45} present, skipped", file=out)
            continue
        began = time.monotonic()
        try:
            primary = recipe.tags[0]
            if force or not _present(client, primary):
                recipe.build(client, cache, primary)
            for tag in missing:
                if tag != primary:
                    repository, _, version = tag.partition(":")
                    client.tag(primary, repository, version, force=True)
        except (ImageBuildError, docker.errors.DockerException, OSError) as error:
            print(f"{' '.join(wanted):45} FAILED: {error}", file=out)
            failed = True
            continue
        seconds = time.monotonic() - began
        print(f"{' '.join(missing):45} built in {seconds:6.1f}s", file=out)
    print(f"{'total':45} {time.monotonic() - started:6.1f}s", file=out)
    return 1 if failed else 0
