"""Push and pull as a picture: local image names on one side, the registry's on the other.

Left, the names the local engine has for images (``docker images``), grouped by image id, so
``docker tag`` visibly adds a second name to the same image; right, the repositories and
tags in the course's registry at ``127.0.0.1:5000``. After each ``%%docker`` cell the widget
refreshes and says what moved: a new local name (tag), a tag that appeared in the registry
(push), a local name that disappeared (rmi) or came back (pull).
"""

from __future__ import annotations

from typing import Any

import traitlets

from grader.engine.errors import RegistryUnreachable
from grader.engine.registry_http import REGISTRY
from grader.widgets.base import LiveWidget, css, esm


def read_local(api: Any) -> list[dict[str, Any]]:
    """Local images with their names: [{"id": short id, "names": [...]}], by first name."""
    images = []
    for item in api.images():
        names = sorted(item.get("RepoTags") or [])
        if names:
            images.append({"id": str(item["Id"]).removeprefix("sha256:")[:12], "names": names})
    return sorted(images, key=lambda image: image["names"][0])


def read_remote(api: Any, host: str = REGISTRY) -> list[dict[str, Any]]:
    """The registry's repositories and their tags: [{"repo": ..., "tags": [...]}]."""
    return [
        {"repo": repo, "tags": api.registry_tags(repo, host) or []}
        for repo in api.registry_catalog(host)
    ]


def _names(reading: dict[str, Any]) -> tuple[set[str], set[str]]:
    local = {name for image in reading.get("local", []) for name in image["names"]}
    remote = {f"{r['repo']}:{t}" for r in reading.get("remote", []) for t in r["tags"]}
    return local, remote


def arrivals(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[str]]:
    """The names that appeared: {"local": new local names, "remote": tags just pushed}.

    The picture outlines exactly these (never a name that merely contains one of them).
    """
    old_local, old_remote = _names(before)
    new_local, new_remote = _names(after)
    return {"local": sorted(new_local - old_local), "remote": sorted(new_remote - old_remote)}


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What moved between two readings, in words."""
    old_local, _ = _names(before)
    new_local, _ = _names(after)
    came = arrivals(before, after)
    moved = [f"new local name {name}" for name in came["local"]]
    moved += [f"local name {name} removed" for name in sorted(old_local - new_local)]
    moved += [f"pushed {name} to the registry" for name in came["remote"]]
    return moved


def describe(host: str, local: list[dict[str, Any]], remote: list[dict[str, Any]]) -> str:
    """The picture in words."""
    mine = "; ".join(f"image {i['id']} named {', '.join(i['names'])}" for i in local)
    theirs = "; ".join(f"{r['repo']} with tags {', '.join(r['tags'])}" for r in remote)
    return f"Local images: {mine or 'none'}. Registry {host}: {theirs or 'no repositories yet'}."


class RegistryFlow(LiveWidget):
    """Local names and registry tags, refreshed after each ``%%docker`` cell.

    Args:
        host: the registry to show (default the course's ``127.0.0.1:5000``).
    """

    _esm = esm("registry.js")
    _css = css("layers.css")
    host = traitlets.Unicode(REGISTRY).tag(sync=True)
    local: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    remote: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    moved: traitlets.List[str] = traitlets.List().tag(sync=True)
    """What changed at the last refresh (new names, pushes, removals), in words."""
    arrived: traitlets.Dict[str, Any] = traitlets.Dict({"local": [], "remote": []}).tag(sync=True)
    """The names to outline: new local names and tags just pushed (see :func:`arrivals`)."""

    def __init__(self, host: str = REGISTRY, **kwargs: Any) -> None:
        self._seen: dict[str, Any] | None = None
        super().__init__(host=host, **kwargs)

    def update(self, api: Any) -> None:
        """Read local images and the registry; note what moved since the last reading."""
        local = read_local(api)
        try:
            remote = read_remote(api, self.host)
        except RegistryUnreachable as error:
            remote = []
            self.error = str(error)
        reading = {"local": local, "remote": remote}
        seen = self._seen
        self.moved = [] if seen is None else changes(seen, reading)
        self.arrived = {"local": [], "remote": []} if seen is None else arrivals(seen, reading)
        self._seen = reading
        self.local, self.remote = local, remote
        text = describe(self.host, local, remote)
        self.description = text + (f" Just now: {'; '.join(self.moved)}." if self.moved else "")
