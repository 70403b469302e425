"""Checks about a container's mounts: bind mounts, volumes, read-only, --volumes-from."""

from __future__ import annotations

import os

from grader.checks.failure import fail
from grader.checks.progress import Evidence, passed
from grader.checks.state import describe_all, engine, find_container
from grader.engine.api import JSON


def _same_path(left: str, right: str) -> bool:
    return os.path.realpath(os.path.expanduser(left)) == os.path.realpath(os.path.expanduser(right))


def _describe_mount(item: JSON) -> str:
    source = item.get("Name") or item.get("Source") or "?"
    mode = "read-only" if item.get("RW") is False else "read-write"
    return f"{item.get('Type', '?')} {source} -> {item.get('Destination', '?')} ({mode})"


def mount(
    container: str,
    destination: str,
    *,
    read_only: bool | None = None,
    source: str | None = None,
    type: str | None = None,
    same_as: str | None = None,
    hint: str = "",
) -> JSON:
    """Check that ``container`` has something mounted at ``destination``.

    Args:
        container: the container's name.
        destination: the path inside the container.
        read_only: True for ``:ro``, False for read-write.
        source: the host folder of a bind mount (compared after resolving links), or the
            name of a volume.
        type: "bind" or "volume".
        same_as: another container that must see the very same data at ``destination``
            (what ``--volumes-from`` gives).
        hint: replaces the default hint of the first failure.

    Returns:
        The mount's entry of ``inspect``'s ``Mounts``.
    """
    api = engine()
    info = find_container(api, container)
    if info is None:
        raise fail(f"there is no container named {container!r}", found=describe_all(api))
    mounts = info.get("Mounts") or []
    found = "\n".join(_describe_mount(item) for item in mounts) or "no mounts"
    entry = next((item for item in mounts if item.get("Destination") == destination), None)
    if entry is None:
        raise fail(
            f"nothing is mounted at {destination} in {container}",
            found=found,
            hint=hint
            or "-v HOST_FOLDER:CONTAINER_FOLDER mounts a folder; mounts are set when the "
            "container is created, so remove it and run a new one",
        )
    if type is not None and entry.get("Type") != type:
        raise fail(
            f"{destination} in {container} is a {entry.get('Type')} mount, not a {type} mount",
            found=found,
            hint=hint or "a path before the colon makes a bind mount, a plain name a volume",
        )
    if source is not None and not (
        entry.get("Name") == source or _same_path(str(entry.get("Source", "")), source)
    ):
        raise fail(
            f"{destination} in {container} shows another folder than the exercise's",
            found=found,
            hint=hint or "the part before the first colon of -v is the host folder",
        )
    if read_only is not None and (entry.get("RW") is False) != read_only:
        state = "read-write" if read_only else "read-only"
        raise fail(
            f"{destination} is mounted {state} in {container}",
            found=found,
            hint=hint
            or (
                "a third part after a colon sets the mode: ro for read-only"
                if read_only
                else "without a mode, a mount is read-write"
            ),
        )
    if same_as is not None:
        other = find_container(api, same_as)
        if other is None:
            raise fail(f"there is no container named {same_as!r}", found=describe_all(api))
        theirs = next(
            (item for item in other.get("Mounts") or [] if item.get("Destination") == destination),
            None,
        )
        if theirs is None or not _same_source(theirs, entry):
            raise fail(
                f"{container} and {same_as} do not share the data at {destination}",
                found=f"{container}: {_describe_mount(entry)}\n{same_as}: "
                + (_describe_mount(theirs) if theirs else "nothing mounted there"),
                hint=hint or "a container can reuse every mount of another one",
            )
    passed(f"{container} mounts {_describe_mount(entry)}")
    return Evidence(entry)


def _same_source(left: JSON, right: JSON) -> bool:
    if left.get("Type") != right.get("Type"):
        return False
    if left.get("Type") == "volume":
        return bool(left.get("Name")) and left.get("Name") == right.get("Name")
    return _same_path(str(left.get("Source", "")), str(right.get("Source", "")))
