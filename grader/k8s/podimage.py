"""A pod's image as the sandbox's image catalogue describes it: its config and its files.

The nodes run what the Docker sandbox would: the catalogue's images (``nginx:1.27``,
``busybox``, ``alpine``, ``node:20`` ...), and the course's own images, which the nodes have
preloaded, by the catalogue image they are built ``FROM``.
"""

from __future__ import annotations

from typing import Any

from grader.engine.sandbox import catalogue
from grader.k8s.kubelet import normalise, repository

IMAGE_BASES = {"website": "nginx:1.27"}
"""The course's own images by the catalogue image they are built on (notebook 03's website)."""
UNKNOWN_IMAGE_FILES = "debian-12"
"""The files of an image the catalogue does not describe (one a student pushed to the course
registry): a Debian system, the base most images start from."""


def image(ref: str) -> tuple[dict[str, Any], dict[str, catalogue.FileEntry]]:
    """(config, files) of the image ``ref``.

    The config holds its ``Entrypoint``, ``Cmd``, ``Env`` ... (an unknown image has none).
    """
    found = catalogue.find(normalise(ref)) or catalogue.find(IMAGE_BASES.get(repository(ref), ""))
    if found is None:
        return {}, catalogue.filesystem(UNKNOWN_IMAGE_FILES)
    return found[1].get("Config") or {}, catalogue.filesystem(found[1]["fs"])
