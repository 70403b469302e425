"""Printing inspect values as Go prints Docker's typed structs, not as JSON maps.

``docker inspect -f '{{.Mounts}}'`` runs the template on Docker's Go types, so structs
print as ``{bind  /tmp /h  ro false rslave}`` (every field in declaration order, empty ones
too), maps as ``map[k:v]``, nil slices as ``[]`` and nil pointers as ``<nil>``. The JSON the
engines return loses the types, so a field's name says what it was: names in
:data:`GO_MAP_FIELDS` are maps, names in :data:`GO_SLICE_FIELDS` slices, other objects are
structs, printed in the JSON's (the daemon's) field order, or in Docker's declaration order
for the structs in :data:`STRUCT_FIELDS`, whose empty fields the JSON omits.
"""

from __future__ import annotations

from typing import Any

from grader.render.gotemplate.values import MISSING, go_sprint

GO_MAP_FIELDS = frozenset(
    {"Labels", "Ports", "PortBindings", "ExposedPorts", "Volumes", "Networks", "Options"}
    | {"DriverOpts", "Sysctls", "Annotations", "Tmpfs", "StorageOpt"}
)
"""Inspect fields that are Go maps in Docker's types. A missing key there prints
"<no value>" (Docker's typed execution succeeds), unlike a missing struct field, which
fails and is then reported through the raw fallback's ``missingkey=error``."""

GO_SLICE_FIELDS = frozenset(
    {"Cmd", "Entrypoint", "Env", "Binds", "Mounts", "Args", "Dns", "DnsOptions", "DnsSearch"}
    | {"CapAdd", "CapDrop", "VolumesFrom", "Links", "ExtraHosts", "SecurityOpt", "RepoTags"}
    | {"RepoDigests", "Layers", "OnBuild", "Shell", "Aliases", "DNSNames", "GroupAdd"}
)
"""Inspect fields that are Go slices: nil prints as ``[]``."""

STRUCT_FIELDS: dict[frozenset[str], tuple[str, ...]] = {
    frozenset({"Type", "Source", "Destination", "Mode", "RW", "Propagation"}): (
        "Type",
        "Name",
        "Source",
        "Destination",
        "Driver",
        "Mode",
        "RW",
        "Propagation",
    ),
    frozenset({"HostIp", "HostPort"}): ("HostIp", "HostPort"),
    frozenset({"Status", "Running", "Paused", "Pid", "ExitCode", "StartedAt"}): (
        "Status",
        "Running",
        "Paused",
        "Restarting",
        "OOMKilled",
        "Dead",
        "Pid",
        "ExitCode",
        "Error",
        "StartedAt",
        "FinishedAt",
        "Health",
    ),
}
"""Declaration order of structs whose empty fields the JSON omits, keyed by their
always-present fields (MountPoint, PortBinding, ContainerState)."""

POINTER_FIELDS = frozenset({"Health"})
"""Struct fields that are Go pointers: absent from the JSON means nil."""


def is_go_map(field: str, value: Any) -> bool:
    """Whether a value reached through ``field`` is a Go map (else a struct or a pointer).

    ``Config`` names both the container's Config struct and LogConfig's options map; the
    map's keys are lower-case options ("max-size"), the struct's are capitalised.
    """
    if field in GO_MAP_FIELDS:
        return True
    if field == "Config" and isinstance(value, dict | type(None)):
        return not any(key[:1].isupper() for key in value or {})
    return False


def _struct_order(value: dict[str, Any]) -> list[str]:
    for required, order in STRUCT_FIELDS.items():
        if required <= value.keys() <= set(order):
            return list(order)
    return list(value)


def typed_sprint(value: Any, field: str = "", top: bool = True) -> str:
    """``fmt.Sprint`` of an inspect value reached through ``field`` (its last field name)."""
    if value is MISSING:
        return "<no value>"
    if value is None:
        if field in GO_SLICE_FIELDS:
            return "[]"
        return "map[]" if is_go_map(field, value) else "<nil>"
    if isinstance(value, list):
        return "[" + " ".join(typed_sprint(item, "", False) for item in value) + "]"
    if isinstance(value, dict):
        if is_go_map(field, value):
            parts = [f"{k}:{typed_sprint(value[k], '', False)}" for k in sorted(value)]
            return "map[" + " ".join(parts) + "]"
        names = _struct_order(value)
        inner = " ".join(
            typed_sprint(value.get(name, None if name in POINTER_FIELDS else ""), name, False)
            for name in names
        )
        return "{" + inner + "}"
    return go_sprint(value)
