"""Images -> containers -> mounts, drawn from the engine's live state.

Every container is linked to the image it was created from and to what is mounted in it
(a named volume or a host folder, read-only or not). Two containers sharing a volume
(``--volumes-from``) point at the same mount box: the same data, not a copy.
"""

from __future__ import annotations

from typing import Any

import traitlets

from grader import LABEL
from grader.widgets.base import LiveWidget, esm

MAX_IMAGES = 12
"""Images beyond this many (those no container uses first) are left out of the picture, and
so are untagged images no container uses."""


def read_graph(api: Any) -> dict[str, Any]:
    """The engine's images, containers and mounts, and the links between them."""
    filters = {"label": [LABEL]} if api.shared else None
    containers, mounts, edges = [], {}, []
    used_images: set[str] = set()
    for summary in api.containers(all=True, filters=filters):
        info = api.inspect_container(summary["Id"])
        name = str(info.get("Name", "")).lstrip("/")
        image_id = str(info.get("Image", ""))
        used_images.add(image_id)
        containers.append(
            {
                "id": summary["Id"][:12],
                "name": name,
                "image": str((info.get("Config") or {}).get("Image", "")),
                "state": str((info.get("State") or {}).get("Status", "")),
            }
        )
        edges.append({"from": image_id[7:19], "to": summary["Id"][:12], "label": "created from"})
        for entry in info.get("Mounts") or []:
            kind = str(entry.get("Type", ""))
            source = str(entry.get("Name") or entry.get("Source") or "")
            key = f"{kind}:{source}"
            mounts[key] = {
                "key": key,
                "kind": kind,
                "label": ("volume " if kind == "volume" else "host folder ") + source,
            }
            mode = "read-only" if entry.get("RW") is False else "read-write"
            edges.append(
                {
                    "from": summary["Id"][:12],
                    "to": key,
                    "label": f"{entry.get('Destination', '')} ({mode})",
                }
            )
    images: list[dict[str, Any]] = []
    for item in api.images():
        image_id = str(item.get("Id", ""))
        tags = [tag for tag in item.get("RepoTags") or [] if tag != "<none>:<none>"]
        used = image_id in used_images
        if tags or used:
            images.append({"id": image_id[7:19], "tags": tags or ["<none>"], "used": used})
    listed = {image["id"] for image in images}
    for image_id in sorted(used_images):
        if image_id[7:19] not in listed:
            short = image_id[7:19]
            images.append({"id": short, "tags": [f"untagged {short}"], "used": True})
    images.sort(key=lambda image: (not image["used"], image["tags"][0]))
    return {
        "images": images[:MAX_IMAGES],
        "containers": containers,
        "mounts": list(mounts.values()),
        "edges": edges,
    }


def describe(graph: dict[str, Any]) -> str:
    """The graph in words: one sentence per container."""
    if not graph["containers"]:
        listed = ", ".join(image["tags"][0] for image in graph["images"]) or "none"
        return f"No containers. Local images: {listed}."
    sentences = []
    for container in graph["containers"]:
        sentence = f"Container {container['name']} ({container['state']}) from {container['image']}"
        mounted = [
            (edge["label"], edge["to"])
            for edge in graph["edges"]
            if edge["from"] == container["id"]
        ]
        labels = {mount["key"]: mount["label"] for mount in graph["mounts"]}
        if mounted:
            sentence += ", mounts " + "; ".join(
                f"{labels[target]} at {where}" for where, target in mounted
            )
        sentences.append(sentence + ".")
    return " ".join(sentences)


class EngineMap(LiveWidget):
    """Images, containers and mounts with their links, and a refresh button."""

    _esm = esm("engine_map.js")
    graph: traitlets.Dict[str, Any] = traitlets.Dict(
        {"images": [], "containers": [], "mounts": [], "edges": []}
    ).tag(sync=True)

    def update(self, api: Any) -> None:
        """Read images, containers and mounts from ``api``."""
        self.graph = read_graph(api)
        self.description = describe(self.graph)
