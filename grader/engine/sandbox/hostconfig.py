"""HostConfig as docker-py builds it (``create_host_config``) and as the daemon stores it."""

from __future__ import annotations

from typing import Any

from grader.engine.errors import InvalidArgument

JSON = dict[str, Any]


def port_key(port: int | str) -> str:
    """``80`` -> ``"80/tcp"``; ``"53/udp"`` stays."""
    text = str(port)
    return text if "/" in text else f"{text}/tcp"


def _binding(value: Any) -> JSON:
    if value is None:
        return {"HostIp": "", "HostPort": ""}
    if isinstance(value, tuple | list):
        host_ip = str(value[0])
        host_port = str(value[1]) if len(value) > 1 and value[1] is not None else ""
        return {"HostIp": host_ip, "HostPort": host_port}
    if isinstance(value, dict):
        return {"HostIp": value.get("HostIp", ""), "HostPort": str(value.get("HostPort", ""))}
    return {"HostIp": "", "HostPort": str(value)}


def port_bindings(bindings: dict[Any, Any]) -> JSON:
    """docker-py's ``convert_port_bindings``: {80: 8080} -> {"80/tcp": [{HostIp, HostPort}]}."""
    result: JSON = {}
    for port, value in bindings.items():
        values = value if isinstance(value, list) else [value]
        result[port_key(port)] = [_binding(v) for v in values]
    return result


def binds(value: dict[str, Any] | list[str]) -> list[str]:
    """docker-py's ``convert_volume_binds``: {host: {bind, mode}} -> ["host:bind:mode"]."""
    if isinstance(value, list):
        return list(value)
    result = []
    for source, spec in value.items():
        if isinstance(spec, dict):
            mode = spec.get("mode") or ("ro" if spec.get("ro") else "rw")
            result.append(f"{source}:{spec['bind']}:{mode}")
        else:
            result.append(f"{source}:{spec}:rw")
    return result


def memory_bytes(value: Any) -> int:
    """docker-py's memory values: a number of bytes, or text such as ``512m``."""
    if isinstance(value, int):
        return value
    text = str(value).strip().lower()
    units = {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    try:
        return int(text)
    except ValueError:
        raise InvalidArgument(f"invalid memory value: {value}") from None


def create_host_config(**kwargs: Any) -> JSON:
    """Build the HostConfig JSON the way docker-py's ``create_host_config`` does."""
    hc: JSON = {"NetworkMode": kwargs.pop("network_mode", None) or "default"}
    simple = {
        "privileged": "Privileged",
        "read_only": "ReadonlyRootfs",
        "auto_remove": "AutoRemove",
        "publish_all_ports": "PublishAllPorts",
        "init": "Init",
        "dns": "Dns",
        "dns_search": "DnsSearch",
        "cap_add": "CapAdd",
        "cap_drop": "CapDrop",
        "nano_cpus": "NanoCpus",
        "cpu_shares": "CpuShares",
        "pid_mode": "PidMode",
        "ipc_mode": "IpcMode",
        "userns_mode": "UsernsMode",
        "runtime": "Runtime",
        "security_opt": "SecurityOpt",
        "devices": "Devices",
        "group_add": "GroupAdd",
        "oom_kill_disable": "OomKillDisable",
        "pids_limit": "PidsLimit",
        "cpuset_cpus": "CpusetCpus",
        "tmpfs": "Tmpfs",
        "sysctls": "Sysctls",
        "log_config": "LogConfig",
        "shm_size": "ShmSize",
        "storage_opt": "StorageOpt",
        "ulimits": "Ulimits",
    }
    for key, name in simple.items():
        if kwargs.get(key) is not None:
            hc[name] = kwargs[key]
    if hc.get("Privileged") is False:
        del hc["Privileged"]
    if kwargs.get("mem_limit") is not None:
        hc["Memory"] = memory_bytes(kwargs["mem_limit"])
    if kwargs.get("memswap_limit") is not None:
        hc["MemorySwap"] = memory_bytes(kwargs["memswap_limit"])
    if kwargs.get("binds"):
        hc["Binds"] = binds(kwargs["binds"])
    if kwargs.get("port_bindings"):
        hc["PortBindings"] = port_bindings(kwargs["port_bindings"])
    if kwargs.get("volumes_from"):
        value = kwargs["volumes_from"]
        hc["VolumesFrom"] = [value] if isinstance(value, str) else list(value)
    if kwargs.get("restart_policy"):
        hc["RestartPolicy"] = kwargs["restart_policy"]
    if kwargs.get("links"):
        links = kwargs["links"]
        items = links.items() if isinstance(links, dict) else links
        hc["Links"] = [f"{k}:{v}" for k, v in items]
    if kwargs.get("extra_hosts"):
        hosts = kwargs["extra_hosts"]
        hc["ExtraHosts"] = (
            [f"{k}:{v}" for k, v in hosts.items()] if isinstance(hosts, dict) else list(hosts)
        )
    if kwargs.get("mounts"):
        hc["Mounts"] = list(kwargs["mounts"])
    return hc


def full(hc: JSON) -> JSON:
    """The HostConfig the daemon stores: every field, with Docker's defaults."""
    stored: JSON = {
        "Binds": None,
        "ContainerIDFile": "",
        "LogConfig": {"Type": "json-file", "Config": {}},
        "NetworkMode": "default",
        "PortBindings": {},
        "RestartPolicy": {"Name": "no", "MaximumRetryCount": 0},
        "AutoRemove": False,
        "VolumeDriver": "",
        "VolumesFrom": None,
        "ConsoleSize": [0, 0],
        "CapAdd": None,
        "CapDrop": None,
        "CgroupnsMode": "private",
        "Dns": [],
        "DnsOptions": [],
        "DnsSearch": [],
        "ExtraHosts": None,
        "GroupAdd": None,
        "IpcMode": "private",
        "Cgroup": "",
        "Links": None,
        "OomScoreAdj": 0,
        "PidMode": "",
        "Privileged": False,
        "PublishAllPorts": False,
        "ReadonlyRootfs": False,
        "SecurityOpt": None,
        "UTSMode": "",
        "UsernsMode": "",
        "ShmSize": 67108864,
        "Runtime": "runc",
        "Isolation": "",
        "CpuShares": 0,
        "Memory": 0,
        "NanoCpus": 0,
        "CgroupParent": "",
        "BlkioWeight": 0,
        "BlkioWeightDevice": [],
        "BlkioDeviceReadBps": [],
        "BlkioDeviceWriteBps": [],
        "BlkioDeviceReadIOps": [],
        "BlkioDeviceWriteIOps": [],
        "CpuPeriod": 0,
        "CpuQuota": 0,
        "CpuRealtimePeriod": 0,
        "CpuRealtimeRuntime": 0,
        "CpusetCpus": "",
        "CpusetMems": "",
        "Devices": [],
        "DeviceCgroupRules": None,
        "DeviceRequests": None,
        "MemoryReservation": 0,
        "MemorySwap": 0,
        "MemorySwappiness": None,
        "OomKillDisable": None,
        "PidsLimit": None,
        "Ulimits": [],
        "CpuCount": 0,
        "CpuPercent": 0,
        "IOMaximumIOps": 0,
        "IOMaximumBandwidth": 0,
        "MaskedPaths": [
            "/proc/asound",
            "/proc/acpi",
            "/proc/interrupts",
            "/proc/kcore",
            "/proc/keys",
            "/proc/latency_stats",
            "/proc/timer_list",
            "/proc/timer_stats",
            "/proc/sched_debug",
            "/proc/scsi",
            "/sys/firmware",
            "/sys/devices/virtual/powercap",
        ],
        "ReadonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
    }
    stored.update(hc)
    policy = stored.get("RestartPolicy") or {}
    stored["RestartPolicy"] = {
        "Name": policy.get("Name") or "no",
        "MaximumRetryCount": int(policy.get("MaximumRetryCount") or 0),
    }
    if stored.get("Privileged"):
        stored["MaskedPaths"] = None
        stored["ReadonlyPaths"] = None
    return stored
