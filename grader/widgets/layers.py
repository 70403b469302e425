"""An image's layer stack, lighting up which layers a rebuild reused from the build cache.

Each step of a Dockerfile leaves a layer (an image id in ``docker history``). When a rebuild
reuses a step from the cache, that layer keeps its id; when a step runs again, it and every
step above it get new ids. The widget remembers the ids it drew last time, so after a
rebuild (it refreshes after every ``%%docker`` cell) reused layers show green and rebuilt
ones orange: with ``COPY package*.json ./`` before ``RUN npm install`` an edit to index.js
leaves the install layer green.
"""

from __future__ import annotations

from typing import Any

import traitlets

from grader.widgets.base import LiveWidget, css, esm


def read_layers(api: Any, image: str) -> list[dict[str, Any]]:
    """The image's history, top layer first: id (or "<missing>"), step, size in bytes."""
    return [
        {
            "id": str(step.get("Id") or "<missing>"),
            "step": _instruction(str(step.get("CreatedBy") or "")),
            "size": int(step.get("Size") or 0),
        }
        for step in api.history(image)
    ]


def _instruction(created_by: str) -> str:
    """``/bin/sh -c #(nop)  CMD ["node"]`` -> ``CMD ["node"]``; RUN steps get ``RUN``."""
    text = created_by.strip()
    if text.startswith("/bin/sh -c #(nop)"):
        return text.removeprefix("/bin/sh -c #(nop)").strip()
    if text.startswith("/bin/sh -c "):
        return "RUN " + text.removeprefix("/bin/sh -c ")
    return text


def mark_reuse(layers: list[dict[str, Any]], previous: set[str]) -> list[dict[str, Any]]:
    """Add ``state``: "reused" (same id as last time), "rebuilt" (new id), "base" (pulled).

    The base image's layers are the ``<missing>`` ones and the one just above them: the base
    image's own top step (``CMD ["node"]``), which has an id because the base image is on
    this machine. It comes with ``FROM``, not from this build's cache.
    """
    missing = [index for index, layer in enumerate(layers) if layer["id"] == "<missing>"]
    base_top = missing[0] - 1 if missing and missing[0] > 1 else None
    marked = []
    for index, layer in enumerate(layers):
        if layer["id"] == "<missing>" or index == base_top:
            state = "base"
        elif not previous:
            state = "new"
        else:
            state = "reused" if layer["id"] in previous else "rebuilt"
        marked.append({**layer, "state": state})
    return marked


def describe(image: str, layers: list[dict[str, Any]]) -> str:
    """The stack in words, top layer first."""
    if not layers:
        return f"Image {image} does not exist yet: build it, then this shows its layers."
    words = {
        "reused": "reused from the cache",
        "rebuilt": "rebuilt",
        "base": "from the base image",
        "new": "built",
    }
    parts = [f"{layer['step']} ({words[layer['state']]})" for layer in layers]
    reused = sum(layer["state"] == "reused" for layer in layers)
    rebuilt = sum(layer["state"] == "rebuilt" for layer in layers)
    summary = f"{len(layers)} layers"
    if reused or rebuilt:
        summary += f", {reused} reused and {rebuilt} rebuilt by the last build"
    return f"Image {image}, top layer first ({summary}): " + "; ".join(parts) + "."


class LayerStack(LiveWidget):
    """The layers of ``image``, refreshed after each ``%%docker`` cell.

    Args:
        image: the image reference to draw, e.g. ``"app:latest"``.
    """

    _esm = esm("layers.js")
    _css = css("layers.css")
    image = traitlets.Unicode("").tag(sync=True)
    layers: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)

    def __init__(self, image: str, **kwargs: Any) -> None:
        self._previous: set[str] = set()
        super().__init__(image=image, **kwargs)

    def update(self, api: Any) -> None:
        """Read the image's history and compare its layer ids with the last drawing."""
        from grader.engine.errors import NotFound

        try:
            current = read_layers(api, self.image)
        except NotFound:
            current = []
        ids = {layer["id"] for layer in current if layer["id"] != "<missing>"}
        if ids == self._previous and self.layers:
            return
        self.layers = mark_reuse(current, self._previous)
        self._previous = ids
        self.description = describe(self.image, self.layers)
