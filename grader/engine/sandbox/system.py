"""System endpoints: ping, version and info, answered as a Docker 28 daemon would."""

from __future__ import annotations

import os
import socket

from grader.engine.sandbox.base import JSON, SandboxBase
from grader.engine.sandbox.clock import now_ns, rfc3339_ns

SERVER_VERSION = "28.3.3"
API_VERSION = "1.51"
MIN_API_VERSION = "1.24"
GIT_COMMIT = "bea959c"
GO_VERSION = "go1.24.5"
BUILD_TIME = "2025-07-25T11:34:09.000000000+00:00"


def _memory_total() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            return int(handle.readline().split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return 8 * 1024**3


class SystemMixin(SandboxBase):
    """``/_ping``, ``/version``, ``/info``."""

    def ping(self) -> bool:
        """The sandbox always answers."""
        return True

    def version(self) -> JSON:
        """``GET /version``."""
        kernel = os.uname().release
        return {
            "Platform": {"Name": "Docker Engine - Community"},
            "Components": [
                {
                    "Name": "Engine",
                    "Version": SERVER_VERSION,
                    "Details": {
                        "ApiVersion": API_VERSION,
                        "Arch": "amd64",
                        "BuildTime": BUILD_TIME,
                        "Experimental": "false",
                        "GitCommit": GIT_COMMIT,
                        "GoVersion": GO_VERSION,
                        "KernelVersion": kernel,
                        "MinAPIVersion": MIN_API_VERSION,
                        "Os": "linux",
                    },
                },
                {
                    "Name": "containerd",
                    "Version": "1.7.27",
                    "Details": {"GitCommit": "05044ec0a9a75232cad458027ca83437aae3f4da"},
                },
                {"Name": "runc", "Version": "1.2.5", "Details": {"GitCommit": "v1.2.5-0-g59923ef"}},
                {"Name": "docker-init", "Version": "0.19.0", "Details": {"GitCommit": "de40ad0"}},
            ],
            "Version": SERVER_VERSION,
            "ApiVersion": API_VERSION,
            "MinAPIVersion": MIN_API_VERSION,
            "GitCommit": GIT_COMMIT,
            "GoVersion": GO_VERSION,
            "Os": "linux",
            "Arch": "amd64",
            "KernelVersion": kernel,
            "BuildTime": BUILD_TIME,
        }

    def info(self) -> JSON:
        """``GET /info``: counts from the sandbox state, the host's CPU and memory."""
        self._settle()
        db = self.store.db
        states = dict(
            db.execute(
                "SELECT json_extract(doc, '$.State.Status'), COUNT(*) FROM containers GROUP BY 1"
            ).fetchall()
        )
        total = sum(states.values())
        running = states.get("running", 0) + states.get("restarting", 0)
        paused = states.get("paused", 0)
        images = db.execute("SELECT COUNT(*) FROM images").fetchone()[0]
        return {
            "ID": "SBOX:COUR:SEDO:CKER:K8S0:SAND:BOXE:NGIN:E000:0000:0000:0001",
            "Containers": total,
            "ContainersRunning": running,
            "ContainersPaused": paused,
            "ContainersStopped": total - running - paused,
            "Images": images,
            "Driver": "overlay2",
            "DriverStatus": [
                ["Backing Filesystem", "extfs"],
                ["Supports d_type", "true"],
                ["Using metacopy", "false"],
                ["Native Overlay Diff", "true"],
                ["userxattr", "false"],
            ],
            "Plugins": {
                "Volume": ["local"],
                "Network": ["bridge", "host", "ipvlan", "macvlan", "null", "overlay"],
                "Authorization": None,
                "Log": [
                    "awslogs",
                    "fluentd",
                    "gcplogs",
                    "gelf",
                    "journald",
                    "json-file",
                    "local",
                    "splunk",
                    "syslog",
                ],
            },
            "MemoryLimit": True,
            "SwapLimit": True,
            "KernelMemory": False,
            "KernelMemoryTCP": False,
            "CpuCfsPeriod": True,
            "CpuCfsQuota": True,
            "CPUShares": True,
            "CPUSet": True,
            "PidsLimit": True,
            "IPv4Forwarding": True,
            "BridgeNfIptables": True,
            "BridgeNfIp6tables": True,
            "Debug": False,
            "NFd": 30 + running * 4,
            "OomKillDisable": False,
            "NGoroutines": 40 + running * 6,
            "SystemTime": rfc3339_ns(now_ns()),
            "LoggingDriver": "json-file",
            "CgroupDriver": "systemd",
            "CgroupVersion": "2",
            "NEventsListener": 0,
            "KernelVersion": os.uname().release,
            "OperatingSystem": "Docker course sandbox (no daemon)",
            "OSVersion": "",
            "OSType": "linux",
            "Architecture": os.uname().machine,
            "IndexServerAddress": "https://index.docker.io/v1/",
            "RegistryConfig": {
                "AllowNondistributableArtifactsCIDRs": None,
                "AllowNondistributableArtifactsHostnames": None,
                "InsecureRegistryCIDRs": ["::1/128", "127.0.0.0/8"],
                "IndexConfigs": {
                    "docker.io": {
                        "Name": "docker.io",
                        "Mirrors": [],
                        "Secure": True,
                        "Official": True,
                    }
                },
                "Mirrors": None,
            },
            "NCPU": os.cpu_count() or 1,
            "MemTotal": _memory_total(),
            "GenericResources": None,
            "DockerRootDir": str(self.state_dir),
            "HttpProxy": "",
            "HttpsProxy": "",
            "NoProxy": "",
            "Name": socket.gethostname(),
            "Labels": [],
            "ExperimentalBuild": False,
            "ServerVersion": SERVER_VERSION,
            "Runtimes": {"io.containerd.runc.v2": {"path": "runc"}, "runc": {"path": "runc"}},
            "DefaultRuntime": "runc",
            "Swarm": {
                "NodeID": "",
                "NodeAddr": "",
                "LocalNodeState": "inactive",
                "ControlAvailable": False,
                "Error": "",
                "RemoteManagers": None,
            },
            "LiveRestoreEnabled": False,
            "Isolation": "",
            "InitBinary": "docker-init",
            "ContainerdCommit": {"ID": "05044ec0a9a75232cad458027ca83437aae3f4da"},
            "RuncCommit": {"ID": "v1.2.5-0-g59923ef"},
            "InitCommit": {"ID": "de40ad0"},
            "SecurityOptions": ["name=seccomp,profile=builtin", "name=cgroupns"],
            "Warnings": None,
        }
