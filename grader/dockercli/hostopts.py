"""``docker run``/``create`` flags that only set HostConfig fields, as the Docker 28 CLI sends them.

Resources (``--cpu-shares``, ``--blkio-*``, ``--device-*-bps/iops``, ``--ulimit``,
``--memory-swap``, ``--gpus``), namespaces (``--pid``, ``--ipc``), logging, security
options, sysctls, links, storage options, annotations and ``--mount``'s type options. The
fields are JSON as in the Engine API's ``HostConfig``, merged into what
``create_host_config`` built, so both engines receive them alike (docker-py's
``create_host_config`` knows no ``Annotations`` or ``ContainerIDFile``).
"""

from __future__ import annotations

from typing import Any

from grader.commands.model import Command
from grader.commands.mounts import MountSpec, read_csv_record
from grader.commands.sizes import ram_in_bytes

JSON = dict[str, Any]


def _pairs(items: list[str]) -> dict[str, str]:
    """``k=v`` items as a map (a bare ``k`` maps to "")."""
    return dict(item.partition("=")[::2] for item in items)


def _ulimit(spec: str) -> JSON:
    """``nofile=1024[:2048]`` -> ``{"Name", "Hard", "Soft"}`` (one number sets both)."""
    name, _, limits = spec.partition("=")
    soft, _, hard = limits.partition(":")
    return {"Name": name, "Hard": int(hard or soft), "Soft": int(soft)}


def _device_rate(spec: str, *, sized: bool) -> JSON:
    """``/dev/sda:1mb`` -> ``{"Path", "Rate"}`` (bytes per second, or operations)."""
    path, _, rate = spec.rpartition(":")
    return {"Path": path, "Rate": ram_in_bytes(rate) if sized else int(rate)}


def _device_weight(spec: str) -> JSON:
    path, _, weight = spec.rpartition(":")
    return {"Path": path, "Weight": int(weight)}


def _gpu_count(text: str) -> int:
    return -1 if text == "all" else int(text)


def gpu_request(spec: str) -> JSON:
    """One ``--gpus`` value as Docker's ``GpuOpts`` builds its DeviceRequest.

    A bare field is the count; without a count or devices the count is 1; ``gpu`` ends
    every capability list.
    """
    request: JSON = {"Driver": "", "Count": 0, "DeviceIDs": None, "Capabilities": None}
    counted = False
    for field in read_csv_record(spec):
        key, has_value, value = field.partition("=")
        if not has_value:
            request["Count"], counted = _gpu_count(key), True
        elif key == "count":
            request["Count"], counted = _gpu_count(value), True
        elif key == "driver":
            request["Driver"] = value
        elif key == "device":
            request["DeviceIDs"] = value.split(",")
        elif key == "capabilities":
            request["Capabilities"] = [[*value.split(","), "gpu"]]
        elif key == "options":
            request["Options"] = _pairs(read_csv_record(value))
    if not counted and request["DeviceIDs"] is None:
        request["Count"] = 1
    request.setdefault("Options", {})
    request["Capabilities"] = request["Capabilities"] or [["gpu"]]
    return request


def _memory_swap(text: str) -> int:
    return -1 if text == "-1" else ram_in_bytes(text)


def host_fields(cmd: Command) -> JSON:
    """The HostConfig fields these flags set (only the flags given)."""
    option = cmd.option
    fields: JSON = {
        "CpuShares": option("cpu-shares"),
        "BlkioWeight": option("blkio-weight"),
        "BlkioWeightDevice": [_device_weight(s) for s in option("blkio-weight-device", [])],
        "BlkioDeviceReadBps": [_device_rate(s, sized=True) for s in option("device-read-bps", [])],
        "BlkioDeviceWriteBps": [
            _device_rate(s, sized=True) for s in option("device-write-bps", [])
        ],
        "BlkioDeviceReadIOps": [
            _device_rate(s, sized=False) for s in option("device-read-iops", [])
        ],
        "BlkioDeviceWriteIOps": [
            _device_rate(s, sized=False) for s in option("device-write-iops", [])
        ],
        "Ulimits": [_ulimit(spec) for spec in option("ulimit", [])],
        "DeviceRequests": [gpu_request(spec) for spec in option("gpus", [])],
        "OomKillDisable": True if option("oom-kill-disable") else None,
        "PidMode": option("pid"),
        "IpcMode": option("ipc"),
        "SecurityOpt": list(option("security-opt", [])),
        "Sysctls": _pairs(option("sysctl", [])),
        "Annotations": _pairs(option("annotation", [])),
        "StorageOpt": _pairs(option("storage-opt", [])),
        "Links": list(option("link", [])),
        "VolumeDriver": option("volume-driver"),
        "ContainerIDFile": option("cidfile"),
    }
    if option("memory-swap"):
        fields["MemorySwap"] = _memory_swap(str(option("memory-swap")))
    if option("log-driver"):
        config = _pairs(option("log-opt", []))
        fields["LogConfig"] = {"Type": option("log-driver"), "Config": config}
    return {key: value for key, value in fields.items() if value not in (None, [], {}, "")}


def mount_options(mount: MountSpec) -> JSON:
    """``--mount``'s ``bind-*``, ``volume-*`` and ``tmpfs-*`` keys as the Mount's options."""
    options = mount.options
    found: JSON = {}
    if "bind-propagation" in options:
        found.setdefault("BindOptions", {})["Propagation"] = options["bind-propagation"]
    if options.get("bind-nonrecursive") in ("1", "t", "T", "TRUE", "true", "True"):
        found.setdefault("BindOptions", {})["NonRecursive"] = True
    volume: JSON = {}
    if options.get("volume-nocopy") in ("1", "t", "T", "TRUE", "true", "True"):
        volume["NoCopy"] = True
    if "volume-subpath" in options:
        volume["Subpath"] = options["volume-subpath"]
    if "volume-label" in options:
        volume["Labels"] = _pairs([options["volume-label"]])
    driver: JSON = {}
    if "volume-driver" in options:
        driver["Name"] = options["volume-driver"]
    if "volume-opt" in options:
        driver["Options"] = _pairs([options["volume-opt"]])
    if driver:
        volume["DriverConfig"] = driver
    if volume:
        found["VolumeOptions"] = volume
    tmpfs: JSON = {}
    if "tmpfs-size" in options:
        tmpfs["SizeBytes"] = ram_in_bytes(options["tmpfs-size"])
    if "tmpfs-mode" in options:
        tmpfs["Mode"] = int(options["tmpfs-mode"], 8)
    if tmpfs:
        found["TmpfsOptions"] = tmpfs
    return found
