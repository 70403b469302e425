"""``course images build``: make the course's images on a daemon that cannot reach a registry.

Forwards to :func:`grader.images.main` (hello-world, busybox, alpine, nginx, node built from
Debian packages and tagged as the notebooks expect).
"""

from __future__ import annotations

from pathlib import Path


def main(
    *,
    tags: list[str] | None = None,
    force: bool = False,
    cache_dir: Path | None = None,
    docker_host: str | None = None,
) -> int:
    """Build ``tags`` (default: all) and return 0, or 1 when one failed (it says why)."""
    from grader.images import main as build

    return build(tags=tags, cache_dir=cache_dir, docker_host=docker_host, force=force)
