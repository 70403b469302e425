"""Deterministic names, addresses and times for the cluster simulator.

Kubernetes picks random pod-name suffixes and Service IPs; the simulator derives them from
hashes and counters instead, so the same steps always give the same cluster (tests and
the notebooks' expected outputs rely on it) while still looking like the real thing.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
"""The characters Kubernetes uses for generated name suffixes (no vowels, no 0/1/3)."""

SERVICE_PREFIX = "10.96"
"""Service ClusterIPs come from 10.96.0.0/16 here (a slice of kubeadm's 10.96.0.0/12)."""


def digest(text: str) -> int:
    """A stable 64-bit number derived from ``text`` (names, addresses, simulated figures)."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def uuid(seed: str) -> str:
    """A UUID-shaped identifier derived from ``seed`` (a node's machine, boot and system ids)."""
    text = hashlib.sha256(seed.encode()).hexdigest()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:32]}"


def suffix(seed: str, length: int = 5) -> str:
    """A Kubernetes-looking random suffix derived from ``seed``."""
    value = digest(seed)
    chars = []
    for _ in range(length):
        value, index = divmod(value, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def template_hash(template: dict[str, Any]) -> str:
    """The ``pod-template-hash`` of a Deployment's pod template (10 characters)."""
    return suffix(json.dumps(template, sort_keys=True), 10)


def cluster_ip(seed: str, taken: set[str]) -> str:
    """A free ClusterIP in 10.96.x.y, stable for a given Service name."""
    value = digest(seed)
    for step in range(65025):
        slot = (value + step) % 65025
        address = f"{SERVICE_PREFIX}.{slot // 255}.{slot % 255 + 1}"
        if address not in taken and address not in {"10.96.0.1", "10.96.0.10"}:
            return address
    raise RuntimeError("the Service address range is full")


def node_port(seed: str, taken: set[int]) -> int:
    """A free NodePort in 30000-32767, stable for a given Service port."""
    value = digest(seed)
    for step in range(2768):
        port = 30000 + (value + step) % 2768
        if port not in taken:
            return port
    raise RuntimeError("the NodePort range is full")


def timestamp(now: float) -> str:
    """An RFC 3339 time as the API server writes it (``2026-01-09T12:00:00Z``)."""
    return datetime.fromtimestamp(int(now), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> float:
    """The Unix time of an RFC 3339 timestamp written by :func:`timestamp`."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()


def rfc1123z(text: str) -> str:
    """An API timestamp as kubectl describe prints it (Go's ``time.RFC1123Z``)."""
    moment = datetime.fromtimestamp(parse_timestamp(text), UTC)
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")


def human_duration(seconds: float) -> str:
    """Kubectl's AGE column (apimachinery's ``duration.HumanDuration``): 5s, 3m20s, 7d ..."""
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    secs = int(seconds)
    if secs < 120:
        return f"{secs}s"
    minutes = secs // 60
    if minutes < 10:
        return _pair(minutes, "m", secs % 60, "s")
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return _pair(hours, "h", minutes % 60, "m")
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return _pair(hours // 24, "d", hours % 24, "h")
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        return _pair(hours // 24 // 365, "y", (hours // 24) % 365, "d")
    return f"{hours // 24 // 365}y"


def _pair(major: int, major_unit: str, minor: int, minor_unit: str) -> str:
    """``3m20s``, or ``3m`` when the smaller unit is zero."""
    return f"{major}{major_unit}{minor}{minor_unit}" if minor else f"{major}{major_unit}"
