"""Containers vs virtual machines: what each running instance carries, side by side.

The student toggles between the two pictures (or sets ``mode``) and changes how many
instances run; the widget recomputes what each instance carries, what is shared, the disk
the instances take and how long one takes to start. Sizes and times are typical orders of
magnitude, not measurements: a VM boots a whole operating system, a container starts one
process on the kernel the host already runs.
"""

from __future__ import annotations

from typing import Any

import traitlets

from grader.widgets.base import CourseWidget, esm

APPS = ("website (nginx)", "api (node)", "worker (python)", "cache (redis)", "db (postgres)")
"""The applications the instances run, in order."""

PER_INSTANCE: dict[str, list[dict[str, Any]]] = {
    "vms": [
        {"name": "app", "size_mb": 50},
        {"name": "binaries and libraries", "size_mb": 500},
        {"name": "guest operating system with its own kernel", "size_mb": 10_000},
    ],
    "containers": [
        {"name": "app", "size_mb": 50},
        {"name": "binaries and libraries (the image's layers)", "size_mb": 100},
    ],
}
"""What every instance carries on its own, with a typical size."""

SHARED: dict[str, list[str]] = {
    "vms": ["hypervisor", "host operating system", "hardware"],
    "containers": [
        "container engine (Docker)",
        "host operating system and its Linux kernel, shared by every container",
        "hardware",
    ],
}
"""The layers under the instances, shared by all of them."""

START_SECONDS = {"vms": 60.0, "containers": 0.5}
"""Typical time from "start" to a running app: booting an OS vs starting a process."""


def picture(mode: str, instances: int) -> dict[str, Any]:
    """The stack for ``mode`` ("vms" or "containers") with ``instances`` apps running."""
    if mode not in PER_INSTANCE:
        raise ValueError(f"mode must be 'vms' or 'containers', not {mode!r}")
    columns = [
        {"app": APPS[index % len(APPS)], "layers": [dict(layer) for layer in PER_INSTANCE[mode]]}
        for index in range(instances)
    ]
    each = sum(layer["size_mb"] for layer in PER_INSTANCE[mode])
    return {
        "columns": columns,
        "shared": list(SHARED[mode]),
        "total_size_mb": each * instances,
        "start_seconds": START_SECONDS[mode],
    }


def _size(megabytes: float) -> str:
    return f"{megabytes / 1000:.1f} GB" if megabytes >= 1000 else f"{megabytes:.0f} MB"


def describe(mode: str, instances: int) -> str:
    """The picture in words (the widget's text alternative)."""
    drawn = picture(mode, instances)
    kind = "virtual machines" if mode == "vms" else "containers"
    carried = ", ".join(layer["name"] for layer in PER_INSTANCE[mode])
    return (
        f"{instances} {kind}. Each one carries: {carried}. "
        f"Shared underneath: {', '.join(drawn['shared'])}. "
        f"Typical disk for all of them: {_size(drawn['total_size_mb'])}; "
        f"typical start time of one: {drawn['start_seconds']:g} s."
    )


class StackWidget(CourseWidget):
    """The containers-vs-VMs diagram: a toggle, an instance count, the stacks."""

    _esm = esm("stack.js")
    mode = traitlets.Unicode("containers").tag(sync=True)
    """"containers" or "vms"."""
    instances = traitlets.Int(3).tag(sync=True)
    """How many apps run (1 to 5)."""
    stack = traitlets.Dict().tag(sync=True)
    """What :func:`picture` returns for the current mode and count."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._redraw()

    @traitlets.validate("mode")
    def _valid_mode(self, proposal: Any) -> str:
        if proposal["value"] not in PER_INSTANCE:
            raise traitlets.TraitError("mode must be 'vms' or 'containers'")
        return proposal["value"]

    @traitlets.validate("instances")
    def _valid_instances(self, proposal: Any) -> int:
        return max(1, min(len(APPS), int(proposal["value"])))

    @traitlets.observe("mode", "instances")
    def _changed(self, _change: Any) -> None:
        self._redraw()

    def _redraw(self) -> None:
        self.stack = picture(self.mode, self.instances)
        self.description = describe(self.mode, self.instances)
