"""``python -m grader.images [TAG...] [--force] [--cache-dir DIR] [--host URL]``."""

from __future__ import annotations

import argparse
import sys

from grader.images import all_tags, default_cache_dir, main


def cli(argv: list[str] | None = None) -> int:
    """Parse the command line and run :func:`grader.images.main`."""
    parser = argparse.ArgumentParser(
        prog="python -m grader.images",
        description="Build the course's images offline on a Docker daemon.",
        epilog="tags: " + " ".join(all_tags()),
    )
    parser.add_argument("tags", nargs="*", help="tags to build (default: all)")
    parser.add_argument("--force", action="store_true", help="rebuild even when present")
    parser.add_argument("--cache-dir", help=f"cache folder (default {default_cache_dir()})")
    parser.add_argument("--host", help="daemon address (default DOCKER_HOST)")
    options = parser.parse_args(argv)
    return main(
        tags=options.tags, cache_dir=options.cache_dir, docker_host=options.host,
        force=options.force,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(cli())
