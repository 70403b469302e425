"""``docker system df``: what images, containers, volumes and the build cache hold.

:func:`disk_usage` is the ``GET /system/df`` document dockerd answers (the sandbox daemon
serves it too); :func:`system_df` prints the Docker 28 CLI's summary of it, one row per
kind, with what could be reclaimed: images no container uses, containers not running,
volumes no container mounts, build cache not in use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.commands.model import Command
from grader.dockercli.session import Session
from grader.engine.api import EngineAPI
from grader.render import units

JSON = dict[str, Any]
DEFAULT_TABLE = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}"
HEADER = {
    "Type": "TYPE",
    "TotalCount": "TOTAL",
    "Active": "ACTIVE",
    "Size": "SIZE",
    "Reclaimable": "RECLAIMABLE",
}
ACTIVE_STATES = ("running", "paused", "restarting")


def _folder_size(folder: str) -> int:
    path = Path(folder)
    if not path.is_dir():
        return 0
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def disk_usage(engine: EngineAPI) -> JSON:
    """``GET /system/df``: images, containers and volumes with what uses them."""
    containers = engine.containers(all=True, size=True)
    used_images: dict[str, int] = {}
    for container in containers:
        used_images[container["ImageID"]] = used_images.get(container["ImageID"], 0) + 1
    images = [
        {**image, "Containers": used_images.get(image["Id"], 0), "SharedSize": 0}
        for image in engine.images(all=True)
        if isinstance(image, dict)
    ]
    volumes = []
    for volume in engine.volumes()["Volumes"] or []:
        users = sum(
            1
            for c in containers
            for m in c.get("Mounts") or []
            if m.get("Type") == "volume" and m.get("Name") == volume["Name"]
        )
        volumes.append(
            {**volume, "UsageData": {"Size": _folder_size(volume["Mountpoint"]), "RefCount": users}}
        )
    return {
        "LayersSize": sum(image["Size"] for image in images),
        "Images": images,
        "Containers": containers,
        "Volumes": volumes,
        "BuildCache": [],
    }


class _Row:
    """One line of the summary (the CLI's ``diskUsage*Context``)."""

    JSON_FIELDS = ("Active", "Reclaimable", "Size", "TotalCount", "Type")

    def __init__(self, kind: str, total: int, active: int, size: int, free: int, pct: bool):
        self.kind, self.total, self.active = kind, total, active
        self.size, self.free, self.pct = size, free, pct
        self.go_type = f"*formatter.diskUsage{kind.replace('Local ', '')}Context"

    def to_go_json(self) -> dict[str, str]:
        """The row as ``{{json .}}`` prints it (every field, sorted)."""
        return {name: getattr(self, name)() for name in self.JSON_FIELDS}

    def Type(self) -> str:  # noqa: D102
        return self.kind

    def TotalCount(self) -> str:  # noqa: D102
        return str(self.total)

    def Active(self) -> str:  # noqa: D102
        return str(self.active)

    def Size(self) -> str:  # noqa: D102
        return units.human_size(self.size)

    def Reclaimable(self) -> str:  # noqa: D102
        text = units.human_size(self.free)
        return f"{text} ({self.free * 100 // self.size}%)" if self.pct and self.size > 0 else text


def summary(usage: JSON) -> list[_Row]:
    """The four rows ``docker system df`` prints, as the CLI computes them."""
    images = usage.get("Images") or []
    total = int(usage.get("LayersSize") or 0)
    used = sum(
        i["Size"] - i.get("SharedSize", 0)
        for i in images
        if i.get("Containers") and i["Size"] != -1 and i.get("SharedSize", 0) != -1
    )
    containers = usage.get("Containers") or []
    sizes = [(c.get("SizeRw") or 0, c.get("State") in ACTIVE_STATES) for c in containers]
    volumes = usage.get("Volumes") or []
    usages = [v.get("UsageData") or {} for v in volumes]
    volume_sizes = [(u.get("Size", 0), u.get("RefCount", 0) > 0) for u in usages]
    cache = usage.get("BuildCache") or []
    return [
        _Row(
            "Images",
            len(images),
            sum(1 for i in images if i.get("Containers")),
            total,
            total - used,
            True,
        ),
        _measured_row("Containers", sizes),
        _measured_row("Local Volumes", volume_sizes),
        _Row(
            "Build Cache",
            len(cache),
            sum(1 for c in cache if c.get("InUse")),
            sum(c.get("Size", 0) for c in cache if not c.get("Shared")),
            sum(c.get("Size", 0) for c in cache if not c.get("InUse") and not c.get("Shared")),
            False,
        ),
    ]


IMAGES_TABLE = (
    "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t"
    "{{.UniqueSize}}\t{{.Containers}}"
)
CONTAINERS_TABLE = (
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t"
    "{{.Status}}\t{{.Names}}"
)
VOLUMES_TABLE = "table {{.Name}}\t{{.Links}}\t{{.Size}}"
CACHE_TABLE = (
    "table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t"
    "{{.UsageCount}}\t{{.Shared}}"
)
CACHE_HEADER = {
    "ID": "CACHE ID",
    "CacheType": "CACHE TYPE",
    "Size": "SIZE",
    "CreatedSince": "CREATED",
    "LastUsedSince": "LAST USED",
    "UsageCount": "USAGE",
    "Shared": "SHARED",
}


def _image_row(image: JSON) -> Any:
    """An image as ``df -v`` lists it: its first tag only, ``<none>`` when dangling."""
    from grader import reference
    from grader.render.contexts import ImageContext

    repo = tag = "<none>"
    tags = [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]
    if tags:
        try:
            ref = reference.parse_normalized_named(tags[0])
        except reference.ReferenceError:
            ref = None
        if ref is not None and ref.tag:
            repo, tag = ref.familiar_name, ref.tag
    return ImageContext(image, repo, tag, "")


def verbose(usage: JSON) -> str:
    """``docker system df -v``: each kind's own table (the CLI's ``verboseWriteTable``)."""
    from grader.render.contexts import ContainerContext, ImageContext, VolumeContext
    from grader.render.formatter import render

    containers = [{**c, "SizeRootFs": 0} for c in usage.get("Containers") or []]
    cache_size = sum(c.get("Size", 0) for c in usage.get("BuildCache") or [])
    return (
        "Images space usage:\n\n"
        + render(
            IMAGES_TABLE, [_image_row(i) for i in usage.get("Images") or []], ImageContext.HEADER
        )
        + "\nContainers space usage:\n\n"
        + render(
            CONTAINERS_TABLE, [ContainerContext(c) for c in containers], ContainerContext.HEADER
        )
        + "\nLocal Volumes space usage:\n\n"
        + render(
            VOLUMES_TABLE,
            [VolumeContext(v) for v in usage.get("Volumes") or []],
            VolumeContext.HEADER,
        )
        + f"\nBuild cache usage: {units.human_size(cache_size)}\n\n"
        + render(CACHE_TABLE, [], CACHE_HEADER)
    )


class _Verbose:
    """What a ``df -v --format`` template sees: each kind's rows (``diskUsageContext``)."""

    go_type = "*formatter.diskUsageContext"

    def __init__(self, usage: JSON) -> None:
        self.usage = usage

    def Images(self) -> list[Any]:  # noqa: D102
        return [_image_row(i) for i in self.usage.get("Images") or []]

    def Containers(self) -> list[Any]:  # noqa: D102
        from grader.render.contexts import ContainerContext

        containers = self.usage.get("Containers") or []
        return [ContainerContext({**c, "SizeRootFs": 0}) for c in containers]

    def Volumes(self) -> list[Any]:  # noqa: D102
        from grader.render.contexts import VolumeContext

        return [VolumeContext(v) for v in self.usage.get("Volumes") or []]

    def BuildCache(self) -> list[Any]:  # noqa: D102
        return []


def system_df(cmd: Command, session: Session) -> int:
    """``docker system df [-v] [--format ...]``."""
    from grader.render.formatter import render

    fmt = cmd.option("format", "")
    usage = disk_usage(session.engine)
    if cmd.option("verbose"):
        if fmt in ("", "table"):
            session.out(verbose(usage))
        else:
            # executed once, with no newline after it, as the CLI does
            session.out(render(fmt, [_Verbose(usage)]).removesuffix("\n"))
        return 0
    fmt = DEFAULT_TABLE if fmt in ("", "table") else fmt
    session.out(render(fmt, summary(usage), HEADER))
    return 0


def _measured_row(kind: str, sizes: list[tuple[int, bool]]) -> _Row:
    """A row from (size, in use) pairs, one an object; a size of -1 is not known."""
    return _Row(
        kind,
        len(sizes),
        sum(active for _, active in sizes),
        sum(size for size, _ in sizes if size != -1),
        sum(size for size, active in sizes if not active and size != -1),
        True,
    )
