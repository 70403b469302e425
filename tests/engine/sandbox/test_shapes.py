"""The sandbox answers with the same JSON keys and types as a real daemon.

``tests/data/sandbox/real-shapes.json`` holds the shapes (keys and JSON types, no values)
that ``tests/data/sandbox/record.py`` recorded from dockerd through docker-py. The
sandbox plays Docker 28, so the few keys that differ between that recording daemon and
Docker 28 are listed in :data:`DOCKER_28` rather than ignored wholesale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from grader.engine.sandbox import SandboxEngine

SHAPES = json.loads(
    (Path(__file__).parents[2] / "data" / "sandbox" / "real-shapes.json").read_text()
)
FREE_FORM = {
    "Labels",
    "ExposedPorts",
    "Ports",
    "Options",
    "Containers",
    "Volumes",
    "IndexConfigs",
    "Runtimes",
    "Plugins",
    "Config",
}
"""Maps whose keys are data (label names, port names...): only their type is compared."""
DOCKER_28 = {
    "missing": {
        "KernelMemory",
        "KernelMemoryTCP",
        "Expected",
        "percpu_usage",
        "max_usage",
        "io.containerd.runtime.v1.linux",
    },
    "extra": {"DNSNames", "Gateway"},
}
"""Keys dockerd 20.10 has and Docker 28 dropped, and the reverse (28 shows the default
bridge's Gateway in IPAM and DNSNames on endpoints)."""


def shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        merged: Any = None
        for item in value:
            merged = _merge(merged, shape(item))
        return [] if merged is None else [merged]
    return "null" if value is None else type(value).__name__


def _merge(a: Any, b: Any) -> Any:
    if a is None or a == "null":
        return b
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: _merge(a.get(k), b.get(k)) for k in set(a) | set(b)}
    return a


def differences(ours: Any, theirs: Any, path: str = "") -> list[str]:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        if path.rsplit("/", 1)[-1] in FREE_FORM or path.endswith("memory_stats/stats"):
            return []
        problems = []
        for key in sorted(set(ours) | set(theirs)):
            if key not in ours and key not in DOCKER_28["missing"]:
                problems.append(f"{path}/{key}: missing")
            elif key not in theirs and key not in DOCKER_28["extra"]:
                problems.append(f"{path}/{key}: not in Docker's answer")
            elif key in ours and key in theirs:
                problems += differences(ours[key], theirs[key], f"{path}/{key}")
        return problems
    if isinstance(ours, list) and isinstance(theirs, list):
        return differences(ours[0], theirs[0], path + "[]") if ours and theirs else []
    if "null" in (ours, theirs) or ours == theirs:
        return []
    if {ours, theirs} <= {"int", "float"}:
        return []
    return [f"{path}: {ours} where Docker has {theirs}"]


@pytest.fixture
def answers(engine: SandboxEngine, tmp_path: Path, port: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    e = engine
    out["version"], out["info"] = e.version(), e.info()
    out["images"] = e.images()
    out["inspect_image"], out["history"] = e.inspect_image("busybox"), e.history("busybox")
    out["create_volume"] = e.create_volume("sbxvol", labels={"a": "b"})
    hc = e.create_host_config(
        port_bindings={80: port},
        binds={
            str(tmp_path): {"bind": "/data", "mode": "ro"},
            "sbxvol": {"bind": "/v", "mode": "rw"},
        },
        restart_policy={"Name": "on-failure", "MaximumRetryCount": 2},
    )
    out["host_config"] = hc
    r = e.create_container(
        "busybox:latest",
        ["sleep", "1000"],
        name="sbxweb",
        ports=[80],
        host_config=hc,
        labels={"x": "y"},
        environment=["A=1"],
    )
    out["create_container"] = r
    out["inspect_created"] = e.inspect_container(r["Id"])
    e.start(r["Id"])
    out["inspect_running"] = e.inspect_container(r["Id"])
    out["containers"] = e.containers(all=True)
    out["containers_size"] = e.containers(all=True, size=True)
    out["top"], out["stats"] = e.top(r["Id"]), e.stats(r["Id"])
    e.exec_run(r["Id"], ["touch", "/f"])
    out["diff"] = e.diff(r["Id"])
    out["volumes"], out["inspect_volume"] = e.volumes(), e.inspect_volume("sbxvol")
    out["networks"] = e.networks(names=["bridge", "host", "none"])
    out["create_network"] = e.create_network("sbxnet", labels={"a": "b"})
    out["inspect_network"] = e.inspect_network("sbxnet")
    e.stop(r["Id"])
    out["inspect_stopped"] = e.inspect_container(r["Id"])
    short = e.create_container("busybox:latest", ["sh", "-c", "echo out; exit 3"])["Id"]
    e.start(short)
    out["wait"], out["inspect_exited"] = e.wait(short), e.inspect_container(short)
    out["commit"] = e.commit(short, repository="sbximg", tag="1")
    out["remove_image"] = e.remove_image("sbximg:1")
    return {key: shape(value) for key, value in out.items()}


def test_every_recorded_answer_is_covered(answers: dict[str, Any]) -> None:
    assert set(answers) == set(SHAPES)


@pytest.mark.parametrize("endpoint", sorted(SHAPES))
def test_same_keys_and_types_as_the_daemon(answers: dict[str, Any], endpoint: str) -> None:
    assert differences(answers[endpoint], SHAPES[endpoint], endpoint) == []
