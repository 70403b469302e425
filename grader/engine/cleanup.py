"""Reset the course's state on an engine: remove what the course made, and nothing else.

Only objects labelled ``course=docker-k8s`` (:data:`grader.LABEL`) are touched, so a
student's own containers, volumes, networks and images on the same daemon survive a reset:
``course reset`` and the notebooks' reset helper both call :func:`reset`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import cast

from grader import LABEL
from grader.engine.api import JSON, EngineAPI
from grader.engine.errors import EngineError, NotFound

LABEL_FILTER = {"label": [LABEL]}


@dataclass
class ResetSummary:
    """What :func:`reset` removed, by kind, and what it had to keep (with the reason)."""

    containers: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """"kind name: daemon's reason" for labelled objects the daemon refused to remove."""

    def __str__(self) -> str:
        """One line per kind, e.g. ``removed 2 containers: web, db``."""
        lines = []
        for kind in ("containers", "volumes", "networks", "images"):
            names = getattr(self, kind)
            listed = ": " + ", ".join(names) if names else ""
            lines.append(f"removed {len(names)} {kind}{listed}")
        lines += [f"kept {item}" for item in self.kept]
        return "\n".join(lines)


def _remove(summary: ResetSummary, kind: str, name: str, remove: Callable[[], object]) -> None:
    """Remove one object, record it under ``kind``, or record why the daemon kept it."""
    try:
        remove()
    except NotFound:
        return  # removed meanwhile (e.g. a container started with --rm)
    except EngineError as error:
        summary.kept.append(f"{kind} {name}: {error.explanation}")
        return
    getattr(summary, kind + "s").append(name)


def _remove_containers(engine: EngineAPI, summary: ResetSummary, prefix: str) -> None:
    for container in engine.containers(all=True, filters=LABEL_FILTER):
        name = (container.get("Names") or ["/" + container["Id"][:12]])[0].lstrip("/")
        if name.startswith(prefix):
            _remove(
                summary,
                "container",
                name,
                partial(engine.remove_container, container["Id"], force=True),
            )


def _remove_volumes(engine: EngineAPI, summary: ResetSummary, prefix: str) -> None:
    for volume in engine.volumes(filters=LABEL_FILTER).get("Volumes") or []:
        name = volume["Name"]
        if name.startswith(prefix):
            _remove(summary, "volume", name, partial(engine.remove_volume, name))


def _remove_networks(engine: EngineAPI, summary: ResetSummary, prefix: str) -> None:
    for network in engine.networks(filters=LABEL_FILTER):
        if network["Name"].startswith(prefix):
            _remove(
                summary, "network", network["Name"], partial(engine.remove_network, network["Id"])
            )


def _remove_images(engine: EngineAPI, summary: ResetSummary, prefix: str) -> None:
    for image in cast(list[JSON], engine.images(filters=LABEL_FILTER)):  # not quiet: dicts
        references = [tag for tag in image.get("RepoTags") or [] if tag != "<none>:<none>"]
        if prefix:
            references = [tag for tag in references if tag.startswith(prefix)]
            if not references:
                continue
        for reference in references or [image["Id"]]:
            _remove(summary, "image", reference, partial(engine.remove_image, reference))


def reset(engine: EngineAPI, *, prefix: str = "") -> ResetSummary:
    """Remove every labelled course object from ``engine``; never an unlabelled one.

    Containers go first (force-removed, running or not), then volumes and networks they
    no longer hold, then images the course built. Objects the daemon refuses to remove
    (an image an unlabelled container still uses) are listed in ``kept``.

    Args:
        engine: The engine to clean.
        prefix: Only objects whose name (an image's tag) starts with it; "" for all.
            Untagged labelled images are removed only when no prefix is given.
    """
    summary = ResetSummary()
    _remove_containers(engine, summary, prefix)
    _remove_volumes(engine, summary, prefix)
    _remove_networks(engine, summary, prefix)
    _remove_images(engine, summary, prefix)
    return summary
