"""The rows of Docker's list tables: one context class per object kind, fields as methods.

Each class mirrors a Docker CLI formatter context (``ContainerContext``, ``imageContext``,
``volumeContext``, ``networkContext``, ``historyContext``): its capitalised methods are the
fields a ``--format`` template can name (``{{.ID}}``, ``{{.Label "x"}}``), ``HEADER`` holds
the column titles, ``DEFAULT_TABLE`` the format Docker uses without ``--format``, and
``to_go_json()`` is what ``{{json .}}`` / ``--format json`` prints. Inputs are the Engine
API's list JSON (docker-py shapes).
"""

from __future__ import annotations

import time
from typing import Any

from grader.render import units
from grader.render.gotemplate import go_quote
from grader.render.ports import displayable_ports


class Header(dict):
    """Docker's ``SubHeaderContext``: column titles, plus ``.Label "x"`` -> "x"."""

    go_type = "formatter.SubHeaderContext"

    def Label(self, name: str) -> str:
        """The header of a ``{{.Label "com.example.x"}}`` column: its last dotted part."""
        last = name.split(".")[-1]
        return last.replace("-", " ").replace("_", " ")


class _Context:
    """Shared behaviour: JSON of all zero-argument fields, sorted like Go's map encoder."""

    go_type = "*formatter.Context"
    HEADER: Header = Header()
    JSON_FIELDS: tuple[str, ...] = ()

    def to_go_json(self) -> dict[str, Any]:
        """Every zero-argument field and its value, as ``MarshalJSON`` emits them."""
        return {name: getattr(self, name)() for name in sorted(self.JSON_FIELDS)}


def _labels(labels: dict[str, str] | None, *, sort: bool = True) -> str:
    if not labels:
        return ""
    pairs = [f"{key}={value}" for key, value in labels.items()]
    return ",".join(sorted(pairs) if sort else pairs)


class ContainerContext(_Context):
    """One row of ``docker ps`` (``GET /containers/json`` item)."""

    go_type = "*formatter.ContainerContext"
    DEFAULT_TABLE = (
        "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t"
        "{{.Names}}"
    )
    HEADER = Header(
        ID="CONTAINER ID",
        Names="NAMES",
        Image="IMAGE",
        Command="COMMAND",
        CreatedAt="CREATED AT",
        RunningFor="CREATED",
        Ports="PORTS",
        State="STATE",
        Status="STATUS",
        Size="SIZE",
        Labels="LABELS",
        Mounts="MOUNTS",
        LocalVolumes="LOCAL VOLUMES",
        Networks="NETWORKS",
        Platform="PLATFORM",
    )
    JSON_FIELDS = (
        "Command",
        "CreatedAt",
        "ID",
        "Image",
        "Labels",
        "LocalVolumes",
        "Mounts",
        "Names",
        "Networks",
        "Platform",
        "Ports",
        "RunningFor",
        "Size",
        "State",
        "Status",
    )

    RAW = (
        "container_id: {{.ID}}\nimage: {{.Image}}\ncommand: {{.Command}}\n"
        "created_at: {{.CreatedAt}}\nstate: {{- pad .State 1 0}}\n"
        "status: {{- pad .Status 1 0}}\nnames: {{.Names}}\nlabels: {{- pad .Labels 1 0}}\n"
        "ports: {{- pad .Ports 1 0}}\n"
    )

    @classmethod
    def format_for(cls, source: str, quiet: bool = False, size: bool = False) -> str:
        """Docker's ``NewContainerFormat``: the format ``docker ps`` really uses."""
        if source in {"", "table"}:
            if quiet:
                return "{{.ID}}"
            return cls.DEFAULT_TABLE + ("\t{{.Size}}" if size else "")
        if source == "raw":
            if quiet:
                return "container_id: {{.ID}}"
            return cls.RAW + ("size: {{.Size}}\\n" if size else "")
        return "{{.ID}}" if quiet else source

    def __init__(self, data: dict[str, Any], trunc: bool = True, now: float | None = None):
        """Wrap one container summary; ``trunc`` as the CLI's default (no ``--no-trunc``)."""
        self.c = data
        self.trunc = trunc
        self.now = time.time() if now is None else now
        self.size_used = False

    def ID(self) -> str:
        """The container id (12 characters unless --no-trunc)."""
        ident = self.c.get("Id", "")
        return units.truncate_id(ident) if self.trunc else ident

    def Names(self) -> str:
        """Names without the leading slash; links are hidden when truncating."""
        names = [n.lstrip("/") for n in self.c.get("Names") or []]
        if self.trunc:
            return next((n for n in names if "/" not in n), "")
        return ",".join(names)

    def Image(self) -> str:
        """The image as the container was created from it (short id for an id)."""
        image = self.c.get("Image", "")
        if not image:
            return "<no image>"
        if not self.trunc:
            return image
        short = units.truncate_id(self.c.get("ImageID", ""))
        if short and short == units.truncate_id(image):
            return short
        if "@" in image:
            image = image.split("@", 1)[0]
        for prefix in ("docker.io/library/", "docker.io/"):
            if image.startswith(prefix):
                return image[len(prefix) :]
        return image

    def Command(self) -> str:
        """The quoted command line, cut to 20 cells with "…" unless --no-trunc."""
        command = self.c.get("Command", "")
        if self.trunc:
            command = units.ellipsis(command, 20)
        return go_quote(command)

    def CreatedAt(self) -> str:
        """Creation time as Go prints a time: "2021-08-02 13:23:38 +0000 UTC"."""
        return units.go_time_string(self.c.get("Created", 0))

    def RunningFor(self) -> str:
        """How long ago the container was created: "3 minutes ago"."""
        return units.since(self.c.get("Created", 0), self.now)

    def Ports(self) -> str:
        """Published and exposed ports: "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp"."""
        return displayable_ports(self.c.get("Ports") or [])

    def State(self) -> str:
        """created, running, paused, restarting, removing, exited or dead."""
        return self.c.get("State", "")

    def Status(self) -> str:
        """The daemon's status text: "Up 3 minutes", "Exited (0) 2 seconds ago"."""
        return self.c.get("Status", "")

    def Size(self) -> str:
        """Writable layer size, with the virtual size: "2B (virtual 187MB)"."""
        self.size_used = True
        rw = units.human_size(self.c.get("SizeRw") or 0, 3)
        root = self.c.get("SizeRootFs") or 0
        return f"{rw} (virtual {units.human_size(root, 3)})" if root > 0 else rw

    def Labels(self) -> str:
        """All labels as sorted "key=value" pairs joined by commas."""
        return _labels(self.c.get("Labels"))

    def Label(self, name: str) -> str:
        """One label's value ("" when absent)."""
        return (self.c.get("Labels") or {}).get(name, "")

    def Mounts(self) -> str:
        """Volume names (or bind sources), each cut to 15 cells unless --no-trunc."""
        names = []
        for mount in self.c.get("Mounts") or []:
            name = mount.get("Name") or mount.get("Source", "")
            names.append(units.ellipsis(name, 15) if self.trunc else name)
        return ",".join(names)

    def LocalVolumes(self) -> str:
        """How many mounts are local-driver volumes."""
        mounts = self.c.get("Mounts") or []
        return str(sum(1 for m in mounts if m.get("Driver") == "local"))

    def Networks(self) -> str:
        """The networks the container is attached to."""
        networks = (self.c.get("NetworkSettings") or {}).get("Networks") or {}
        return ",".join(networks)

    def Platform(self) -> None:
        """The image platform (the engines here do not report one)."""
        return None


class ImageContext(_Context):
    """One row of ``docker images``: an image under one repository:tag."""

    go_type = "*formatter.imageContext"
    DEFAULT_TABLE = (
        "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t"
        "{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}"
    )
    DIGEST_TABLE = (
        "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t"
        "{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}"
    )
    HEADER = Header(
        ID="IMAGE ID",
        Repository="REPOSITORY",
        Tag="TAG",
        Digest="DIGEST",
        CreatedSince="CREATED",
        CreatedAt="CREATED AT",
        Size="SIZE",
        Containers="CONTAINERS",
        VirtualSize="SIZE",
        SharedSize="SHARED SIZE",
        UniqueSize="UNIQUE SIZE",
    )
    JSON_FIELDS = (
        "Containers",
        "CreatedAt",
        "CreatedSince",
        "Digest",
        "ID",
        "Repository",
        "SharedSize",
        "Size",
        "Tag",
        "UniqueSize",
        "VirtualSize",
    )

    @classmethod
    def format_for(cls, source: str, quiet: bool = False, digests: bool = False) -> str:
        """Docker's ``NewImageFormat``."""
        if source in {"", "table"}:
            if quiet:
                return "{{.ID}}"
            return cls.DIGEST_TABLE if digests else cls.DEFAULT_TABLE
        if source == "raw":
            if quiet:
                return "image_id: {{.ID}}"
            digest = "digest: {{.Digest}}\n" if digests else ""
            return (
                "repository: {{ .Repository }}\ntag: {{.Tag}}\n" + digest + "image_id: {{.ID}}\n"
                "created_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n"
            )
        if source.startswith("table") and digests and "{{.Digest}}" not in source:
            source += "\t{{.Digest}}"
        return source

    def __init__(
        self,
        data: dict[str, Any],
        repo: str,
        tag: str,
        digest: str,
        trunc: bool = True,
        now: float | None = None,
    ):
        """Wrap one image summary shown as ``repo:tag``."""
        self.i = data
        self.repo, self.tag, self.digest = repo, tag, digest
        self.trunc = trunc
        self.now = time.time() if now is None else now

    def ID(self) -> str:
        """The image id, "sha256:" dropped and cut to 12 unless --no-trunc."""
        ident = self.i.get("Id", "")
        return units.truncate_id(ident) if self.trunc else ident

    def Repository(self) -> str:
        """The repository ("<none>" for a dangling image)."""
        return self.repo

    def Tag(self) -> str:
        """The tag ("<none>" for a dangling image)."""
        return self.tag

    def Digest(self) -> str:
        """The repository digest, or "<none>"."""
        return self.digest

    def CreatedSince(self) -> str:
        """How long ago the image was built: "2 weeks ago"."""
        return units.since(self.i.get("Created", 0), self.now)

    def CreatedAt(self) -> str:
        """Build time as Go prints a time."""
        return units.go_time_string(self.i.get("Created", 0))

    def Size(self) -> str:
        """Image size with 3 significant digits: "187MB"."""
        return units.human_size(self.i.get("Size", 0), 3)

    def Containers(self) -> str:
        """How many containers use it ("N/A" when the daemon did not count)."""
        count = self.i.get("Containers", -1)
        return "N/A" if count in (-1, None) else str(count)

    def VirtualSize(self) -> str:
        """Deprecated alias of Size, with 4 significant digits."""
        return units.human_size(self.i.get("Size", 0))

    def SharedSize(self) -> str:
        """Size shared with other images ("N/A" unless computed)."""
        shared = self.i.get("SharedSize", -1)
        return "N/A" if shared in (-1, None) else units.human_size(shared)

    def UniqueSize(self) -> str:
        """Size not shared with other images ("N/A" unless computed)."""
        shared = self.i.get("SharedSize", -1)
        if shared in (-1, None) or self.i.get("Size", -1) == -1:
            return "N/A"
        return units.human_size(self.i["Size"] - shared)


def familiar_name(reference: str) -> str:
    """Docker's familiar form of a repository: "docker.io/library/nginx" -> "nginx"."""
    for prefix in ("docker.io/library/", "docker.io/"):
        if reference.startswith(prefix):
            return reference[len(prefix) :]
    return reference


def split_tag(reference: str) -> tuple[str, str]:
    """Split "repo:tag" (a registry port is not a tag) into its two parts."""
    name, sep, tag = reference.rpartition(":")
    if not sep or "/" in tag:
        return reference, ""
    return name, tag


def image_rows(
    images: list[dict[str, Any]],
    *,
    trunc: bool = True,
    digests: bool = False,
    now: float | None = None,
) -> list[ImageContext]:
    """One row per repository:tag of each image, as ``docker images`` lists them."""
    rows: list[ImageContext] = []
    for image in images:
        tags = [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]
        repo_digests = [d for d in image.get("RepoDigests") or [] if d != "<none>@<none>"]
        if not tags and not repo_digests:
            rows.append(ImageContext(image, "<none>", "<none>", "<none>", trunc, now))
            continue
        by_repo: dict[str, list[str]] = {}
        for ref in repo_digests:
            name, _, digest = ref.partition("@")
            by_repo.setdefault(familiar_name(name), []).append(digest)
        tagged: set[str] = set()
        for ref in tags:
            name, tag = split_tag(ref)
            repo = familiar_name(name)
            tagged.add(repo)
            # Every tag of a repository shows each of that repository's digests.
            for digest in (by_repo.get(repo) if digests else None) or ["<none>"]:
                rows.append(ImageContext(image, repo, tag, digest, trunc, now))
        for repo, found in by_repo.items():
            if repo in tagged:
                continue
            for digest in found if digests else [""]:
                rows.append(ImageContext(image, repo, "<none>", digest, trunc, now))
    return rows


class VolumeContext(_Context):
    """One row of ``docker volume ls``."""

    go_type = "*formatter.volumeContext"
    DEFAULT_TABLE = "table {{.Driver}}\t{{.Name}}"
    HEADER = Header(
        ID="ID",
        Name="VOLUME NAME",
        Group="GROUP",
        Driver="DRIVER",
        Scope="SCOPE",
        Availability="AVAILABILITY",
        Mountpoint="MOUNTPOINT",
        Labels="LABELS",
        Links="LINKS",
        Size="SIZE",
        Status="STATUS",
    )
    JSON_FIELDS = (
        "Availability",
        "Driver",
        "Group",
        "Labels",
        "Links",
        "Mountpoint",
        "Name",
        "Scope",
        "Size",
        "Status",
    )

    @classmethod
    def format_for(cls, source: str, quiet: bool = False) -> str:
        """Docker's ``NewVolumeFormat``."""
        if source in {"", "table"}:
            return "{{.Name}}" if quiet else cls.DEFAULT_TABLE
        if source == "raw":
            return "name: {{.Name}}" if quiet else "name: {{.Name}}\\ndriver: {{.Driver}}\\n"
        return source

    def __init__(self, data: dict[str, Any]):
        """Wrap one ``GET /volumes`` item."""
        self.v = data

    def Name(self) -> str:
        """The volume name."""
        return self.v.get("Name", "")

    def Driver(self) -> str:
        """The volume driver ("local")."""
        return self.v.get("Driver", "")

    def Scope(self) -> str:
        """The scope: "local" or "global"."""
        return self.v.get("Scope", "")

    def Mountpoint(self) -> str:
        """Where the data lives on the host."""
        return self.v.get("Mountpoint", "")

    def Labels(self) -> str:
        """Labels as "key=value" pairs."""
        return _labels(self.v.get("Labels"))

    def Label(self, name: str) -> str:
        """One label's value."""
        return (self.v.get("Labels") or {}).get(name, "")

    def Links(self) -> str:
        """How many containers use it ("N/A" unless the daemon computed usage)."""
        usage = self.v.get("UsageData")
        return "N/A" if not usage else str(usage.get("RefCount", 0))

    def Size(self) -> str:
        """Its size ("N/A" unless the daemon computed usage)."""
        usage = self.v.get("UsageData")
        return "N/A" if not usage else units.human_size(usage.get("Size", 0))

    def Group(self) -> str:
        """Cluster volume group (always "N/A" here)."""
        return "N/A"

    def Availability(self) -> str:
        """Cluster volume availability (always "N/A" here)."""
        return "N/A"

    def Status(self) -> str:
        """Cluster volume status (always "N/A" here)."""
        return "N/A"


class NetworkContext(_Context):
    """One row of ``docker network ls``."""

    go_type = "*network.networkContext"
    DEFAULT_TABLE = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}"
    HEADER = Header(
        ID="NETWORK ID",
        Name="NAME",
        Driver="DRIVER",
        Scope="SCOPE",
        IPv4="IPV4",
        IPv6="IPV6",
        Internal="INTERNAL",
        Labels="LABELS",
        CreatedAt="CREATED AT",
    )
    JSON_FIELDS = (
        "CreatedAt",
        "Driver",
        "ID",
        "IPv4",
        "IPv6",
        "Internal",
        "Labels",
        "Name",
        "Scope",
    )

    @classmethod
    def format_for(cls, source: str, quiet: bool = False) -> str:
        """Docker's ``NewFormat`` for networks."""
        if source in {"", "table"}:
            return "{{.ID}}" if quiet else cls.DEFAULT_TABLE
        if source == "raw":
            if quiet:
                return "network_id: {{.ID}}"
            return (
                "network_id: {{.ID}}\\nname: {{.Name}}\\ndriver: {{.Driver}}\\nscope: {{.Scope}}\\n"
            )
        return source

    def __init__(self, data: dict[str, Any], trunc: bool = True):
        """Wrap one ``GET /networks`` item."""
        self.n = data
        self.trunc = trunc

    def ID(self) -> str:
        """The network id (12 characters unless --no-trunc)."""
        ident = self.n.get("Id", "")
        return units.truncate_id(ident) if self.trunc else ident

    def Name(self) -> str:
        """The network name."""
        return self.n.get("Name", "")

    def Driver(self) -> str:
        """bridge, host, null, overlay..."""
        return self.n.get("Driver", "")

    def Scope(self) -> str:
        """The scope: "local" or "swarm"."""
        return self.n.get("Scope", "")

    def IPv4(self) -> str:
        """Whether IPv4 is enabled ("true"/"false")."""
        return "true" if self.n.get("EnableIPv4") else "false"

    def IPv6(self) -> str:
        """Whether IPv6 is enabled."""
        return "true" if self.n.get("EnableIPv6") else "false"

    def Internal(self) -> str:
        """Whether the network is internal."""
        return "true" if self.n.get("Internal") else "false"

    def Labels(self) -> str:
        """Labels as "key=value" pairs."""
        return _labels(self.n.get("Labels"))

    def Label(self, name: str) -> str:
        """One label's value."""
        return (self.n.get("Labels") or {}).get(name, "")

    def CreatedAt(self) -> str:
        """Creation time as Go prints a time with nanoseconds."""
        created = self.n.get("Created")
        if not created:
            return "0001-01-01 00:00:00 +0000 UTC"
        return units.go_time_string_nano(created)


class HistoryContext(_Context):
    """One row of ``docker history``."""

    go_type = "*image.historyContext"
    DEFAULT_TABLE = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
    NON_HUMAN_TABLE = "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
    HEADER = Header(
        ID="IMAGE",
        CreatedSince="CREATED",
        CreatedAt="CREATED AT",
        CreatedBy="CREATED BY",
        Size="SIZE",
        Comment="COMMENT",
    )
    JSON_FIELDS = ("Comment", "CreatedAt", "CreatedBy", "CreatedSince", "ID", "Size")

    @classmethod
    def format_for(cls, source: str, quiet: bool = False, human: bool = True) -> str:
        """Docker's ``NewHistoryFormat``."""
        if source == "table":
            if quiet:
                return "{{.ID}}"
            return cls.DEFAULT_TABLE if human else cls.NON_HUMAN_TABLE
        return source

    def __init__(
        self, data: dict[str, Any], trunc: bool = True, human: bool = True, now: float | None = None
    ):
        """Wrap one ``GET /images/{name}/history`` item."""
        self.h = data
        self.trunc = trunc
        self.human = human
        self.now = time.time() if now is None else now

    def ID(self) -> str:
        """The layer's image id, or "<missing>"."""
        ident = self.h.get("Id", "")
        return units.truncate_id(ident) if self.trunc and ident != "<missing>" else ident

    def CreatedAt(self) -> str:
        """RFC 3339 creation time."""
        return units.rfc3339(self.h.get("Created", 0))

    def CreatedSince(self) -> str:
        """How long ago ("N/A" for times before 2000)."""
        if not self.human:
            return self.CreatedAt()
        created = self.h.get("Created", 0)
        if created <= 946684800:
            return "N/A"
        return units.since(created, self.now)

    def CreatedBy(self) -> str:
        """The instruction that made the layer, cut to 45 cells unless --no-trunc."""
        created_by = (self.h.get("CreatedBy") or "").replace("\t", " ")
        return units.ellipsis(created_by, 45) if self.trunc else created_by

    def Size(self) -> str:
        """Layer size ("1.99MB", or bytes with --human=false)."""
        size = self.h.get("Size", 0)
        return units.human_size(size, 3) if self.human else str(size)

    def Comment(self) -> str:
        """The layer's comment."""
        return self.h.get("Comment", "")


class PluginContext(_Context):
    """One row of ``docker plugin ls`` (``GET /plugins`` item)."""

    go_type = "*plugin.pluginContext"
    DEFAULT_TABLE = "table {{.ID}}\t{{.Name}}\t{{.Description}}\t{{.Enabled}}"
    HEADER = Header(
        ID="ID",
        Name="NAME",
        Description="DESCRIPTION",
        Enabled="ENABLED",
        PluginReference="PLUGIN REFERENCE",
    )
    JSON_FIELDS = ("Description", "Enabled", "ID", "Name", "PluginReference")

    @classmethod
    def format_for(cls, source: str, quiet: bool = False) -> str:
        """The plugin formatter's ``NewFormat``."""
        if source in {"", "table"}:
            return "{{.ID}}" if quiet else cls.DEFAULT_TABLE
        if source == "raw":
            if quiet:
                return "plugin_id: {{.ID}}"
            return (
                "plugin_id: {{.ID}}\\nname: {{.Name}}\\ndescription: {{.Description}}\\n"
                "enabled: {{.Enabled}}\\n"
            )
        return source

    def __init__(self, data: dict[str, Any], trunc: bool = True):
        """Wrap one ``GET /plugins`` item."""
        self.p = data
        self.trunc = trunc

    def ID(self) -> str:
        """The plugin id (12 characters unless --no-trunc)."""
        ident = self.p.get("Id", "")
        return units.truncate_id(ident) if self.trunc else ident

    def Name(self) -> str:
        """The plugin's name with its tag ("vieux/sshfs:latest")."""
        return self.p.get("Name", "")

    def Description(self) -> str:
        """Its description on one line, cut to 45 cells unless --no-trunc."""
        text = str((self.p.get("Config") or {}).get("Description") or "")
        text = text.replace("\n", "").replace("\r", "")
        return units.ellipsis(text, 45) if self.trunc else text

    def Enabled(self) -> bool:
        """Whether the plugin is enabled."""
        return bool(self.p.get("Enabled"))

    def PluginReference(self) -> str:
        """The reference it was installed from."""
        return self.p.get("PluginReference", "")


class SearchContext(_Context):
    """One row of ``docker search`` (``GET /images/search`` item)."""

    go_type = "*registry.searchContext"
    DEFAULT_TABLE = "table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}"
    HEADER = Header(
        Name="NAME",
        Description="DESCRIPTION",
        StarCount="STARS",
        IsOfficial="OFFICIAL",
        IsAutomated="AUTOMATED",
    )
    JSON_FIELDS = ("Description", "IsAutomated", "IsOfficial", "Name", "StarCount")

    @classmethod
    def format_for(cls, source: str) -> str:
        """The search formatter's ``NewSearchFormat``."""
        if source in {"", "table"}:
            return cls.DEFAULT_TABLE
        return source

    def __init__(self, data: dict[str, Any], trunc: bool = True):
        """Wrap one search result."""
        self.s = data
        self.trunc = trunc

    def Name(self) -> str:
        """The repository name."""
        return self.s.get("name", "")

    def Description(self) -> str:
        """Its description on one line, cut to 45 cells unless --no-trunc."""
        text = str(self.s.get("description") or "").replace("\n", " ").replace("\r", " ")
        return units.ellipsis(text, 45) if self.trunc else text

    def StarCount(self) -> str:
        """The number of stars."""
        return str(self.s.get("star_count", 0))

    def IsOfficial(self) -> str:
        """The OFFICIAL column: "[OK]" for an official image."""
        return "[OK]" if self.s.get("is_official") else ""

    def IsAutomated(self) -> str:
        """The AUTOMATED column: "[OK]" for an automated build."""
        return "[OK]" if self.s.get("is_automated") else ""
