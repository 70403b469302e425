"""On the real daemon: remove what one submission created, and nothing else.

The daemon is shared (by the instructor's own work, or other graders), so the grader
notes the course-labelled objects before a submission and, afterwards, removes only the
labelled containers, volumes, networks and images that appeared meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from grader.engine.api import JSON, EngineAPI
from grader.engine.cleanup import LABEL_FILTER
from grader.engine.errors import EngineError


@dataclass(frozen=True)
class Labelled:
    """The ids of the course-labelled objects on a daemon at one moment."""

    containers: frozenset[str]
    volumes: frozenset[str]
    networks: frozenset[str]
    images: frozenset[str]


def labelled(engine: EngineAPI) -> Labelled:
    """The labelled objects on ``engine`` now."""
    return Labelled(
        frozenset(c["Id"] for c in engine.containers(all=True, filters=LABEL_FILTER)),
        frozenset(v["Name"] for v in engine.volumes(filters=LABEL_FILTER).get("Volumes") or []),
        frozenset(n["Id"] for n in engine.networks(filters=LABEL_FILTER)),
        frozenset(i["Id"] for i in cast(list[JSON], engine.images(filters=LABEL_FILTER))),
    )


def remove_new(engine: EngineAPI, before: Labelled) -> list[str]:
    """Remove the labelled objects not in ``before``; returns what could not be removed."""
    now = labelled(engine)
    kept = []
    steps = [
        (now.containers - before.containers, lambda i: engine.remove_container(i, force=True)),
        (now.volumes - before.volumes, engine.remove_volume),
        (now.networks - before.networks, engine.remove_network),
        (now.images - before.images, lambda i: engine.remove_image(i, force=True)),
    ]
    for ids, remove in steps:
        for ident in sorted(ids):
            try:
                remove(ident)
            except EngineError as error:
                kept.append(f"{ident[:12]}: {error}")
    return kept
