"""``POST /containers/{id}/update``: a container's resources and restart policy, changed in place.

The keywords are docker-py's ``update_container`` ones; the sandbox also takes ``nano_cpus``
and ``pids_limit`` (``docker update --cpus/--pids-limit``, which dockerd accepts and
docker-py has no keyword for). The checks and messages are dockerd's.
"""

from __future__ import annotations

import json
from typing import Any

from grader.engine.errors import InvalidArgument
from grader.engine.sandbox.base import JSON, SandboxBase
from grader.engine.sandbox.hostconfig import memory_bytes

FIELDS = {
    "blkio_weight": "BlkioWeight",
    "cpu_period": "CpuPeriod",
    "cpu_quota": "CpuQuota",
    "cpu_shares": "CpuShares",
    "cpuset_cpus": "CpusetCpus",
    "cpuset_mems": "CpusetMems",
    "mem_limit": "Memory",
    "mem_reservation": "MemoryReservation",
    "memswap_limit": "MemorySwap",
    "nano_cpus": "NanoCpus",
    "pids_limit": "PidsLimit",
}
"""docker-py's keyword -> the HostConfig field it sets."""

POLICIES = ("no", "always", "on-failure", "unless-stopped")


def _check_policy(policy: JSON, auto_remove: bool) -> None:
    name = policy.get("Name", "")
    if name not in ("", *POLICIES):
        raise InvalidArgument(
            f"invalid restart policy: unknown policy '{name}'; "
            "use one of 'no', 'always', 'on-failure', or 'unless-stopped'"
        )
    if policy.get("MaximumRetryCount") and name != "on-failure":
        raise InvalidArgument(
            "invalid restart policy: maximum retry count can only be used with 'on-failure'"
        )
    if auto_remove and name not in ("", "no"):
        raise InvalidArgument(
            "Restart policy cannot be updated because AutoRemove is enabled for the container"
        )


def _bytes(value: float | str | None) -> int | None:
    """docker-py's sizes: a number of bytes, or "512m" style text."""
    return None if value is None else memory_bytes(value)


class UpdateMixin(SandboxBase):
    """``docker update``."""

    def update_container(
        self,
        container: str,
        blkio_weight: int | None = None,
        cpu_period: int | None = None,
        cpu_quota: int | None = None,
        cpu_shares: int | None = None,
        cpuset_cpus: str | None = None,
        cpuset_mems: str | None = None,
        mem_limit: float | str | None = None,
        mem_reservation: float | str | None = None,
        memswap_limit: int | str | None = None,
        kernel_memory: int | str | None = None,
        restart_policy: Any = None,
        nano_cpus: int | None = None,
        pids_limit: int | None = None,
    ) -> JSON:
        """Set the given limits and restart policy; dockerd's answer (``{"Warnings": []}``).

        ``kernel_memory`` is ignored, as dockerd ignores it since API 1.42.
        """
        del kernel_memory
        limits: dict[str, Any] = {
            "blkio_weight": blkio_weight,
            "cpu_period": cpu_period,
            "cpu_quota": cpu_quota,
            "cpu_shares": cpu_shares,
            "cpuset_cpus": cpuset_cpus,
            "cpuset_mems": cpuset_mems,
            "mem_limit": _bytes(mem_limit),
            "mem_reservation": _bytes(mem_reservation),
            "memswap_limit": _bytes(memswap_limit),
            "nano_cpus": nano_cpus,
            "pids_limit": pids_limit,
        }
        cid, _ = self._container(container)
        with self.store.write() as db:
            row = db.execute("SELECT doc, deadline FROM containers WHERE id = ?", (cid,)).fetchone()
            doc, deadline = json.loads(row[0]), row[1]
            host = doc["HostConfig"]
            given = {FIELDS[key]: value for key, value in limits.items() if value is not None}
            memory = int(given.get("Memory", host.get("Memory") or 0))
            swap = int(given.get("MemorySwap", host.get("MemorySwap") or 0))
            if "Memory" in given and memory and 0 < swap < memory:
                raise InvalidArgument(
                    "Memory limit should be smaller than already set memoryswap limit, "
                    "update the memoryswap at the same time"
                )
            if "Memory" in given and 0 < memory < 6 * 1024 * 1024:
                raise InvalidArgument("Minimum memory limit allowed is 6MB")
            if restart_policy is not None:
                _check_policy(restart_policy, bool(host.get("AutoRemove")))
                host["RestartPolicy"] = {
                    "Name": restart_policy.get("Name") or "no",
                    "MaximumRetryCount": int(restart_policy.get("MaximumRetryCount") or 0),
                }
            host.update(given)
            self._save_container(db, doc, deadline)
        return {"Warnings": []}
