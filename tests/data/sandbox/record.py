"""Record the JSON shapes of a real daemon's answers, for the sandbox's shape tests.

Run against a Docker daemon that has ``busybox:latest`` (DOCKER_HOST selects it):
``python tests/data/sandbox/record.py > tests/data/sandbox/real-shapes.json``. Values are
dropped: only keys and JSON types are kept (list elements merged), plus the daemon's error
texts. Everything it creates is named ``sbxrec*`` and removed again.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import docker

P = "sbxrec"


def shape(value: Any) -> Any:
    """Keys and JSON type names of ``value``; list elements merged into one shape."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        merged: Any = None
        for item in value:
            merged = merge(merged, shape(item))
        return [] if merged is None else [merged]
    return "null" if value is None else type(value).__name__


def merge(a: Any, b: Any) -> Any:
    """Union of two shapes."""
    if a is None or a == "null":
        return b
    if isinstance(a, dict) and isinstance(b, dict):
        return {
            k: merge(a.get(k), b.get(k)) if k in a and k in b else a.get(k, b.get(k))
            for k in sorted(set(a) | set(b))
        }
    if isinstance(a, list) and isinstance(b, list):
        return [merge(a[0] if a else None, b[0] if b else None)] if a or b else []
    return a


def clean(c: docker.APIClient) -> None:
    for x in c.containers(all=True, filters={"name": P}):
        c.remove_container(x["Id"], force=True, v=True)
    for v in c.volumes(filters={"name": P}).get("Volumes") or []:
        c.remove_volume(v["Name"], force=True)
    for n in c.networks(names=[P + "net"]):
        c.remove_network(n["Id"])


def record() -> dict[str, Any]:
    c = docker.APIClient(version="auto", **docker.utils.kwargs_from_env())
    clean(c)
    out: dict[str, Any] = {}
    out["version"] = c.version()
    out["info"] = c.info()
    out["images"] = c.images()
    out["inspect_image"] = c.inspect_image("busybox:latest")
    out["history"] = c.history("busybox:latest")
    out["create_volume"] = c.create_volume(P + "vol", labels={"a": "b"})
    hc = c.create_host_config(
        port_bindings={80: 18080},
        binds={"/tmp": {"bind": "/data", "mode": "ro"}, P + "vol": {"bind": "/v", "mode": "rw"}},
        restart_policy={"Name": "on-failure", "MaximumRetryCount": 2},
    )
    out["host_config"] = hc
    r = c.create_container(
        "busybox:latest",
        ["sleep", "1000"],
        name=P + "web",
        ports=[80],
        host_config=hc,
        labels={"x": "y"},
        environment=["A=1"],
    )
    out["create_container"] = r
    out["inspect_created"] = c.inspect_container(r["Id"])
    c.start(r["Id"])
    out["inspect_running"] = c.inspect_container(r["Id"])
    out["containers"] = c.containers(all=True, filters={"name": P})
    out["containers_size"] = c.containers(all=True, size=True, filters={"name": P})
    out["top"] = c.top(r["Id"])
    out["stats"] = c.stats(r["Id"], stream=False)
    out["diff"] = c.diff(r["Id"])
    out["volumes"] = c.volumes(filters={"name": P})
    out["inspect_volume"] = c.inspect_volume(P + "vol")
    out["networks"] = c.networks(names=["bridge", "host", "none"])
    n = c.create_network(P + "net", labels={"a": "b"})
    out["create_network"] = n
    out["inspect_network"] = c.inspect_network(n["Id"])
    c.stop(r["Id"], timeout=1)
    out["inspect_stopped"] = c.inspect_container(r["Id"])
    r2 = c.create_container("busybox:latest", ["sh", "-c", "echo out; exit 3"], name=P + "short")
    c.start(r2["Id"])
    out["wait"] = c.wait(r2["Id"])
    out["inspect_exited"] = c.inspect_container(r2["Id"])
    out["commit"] = c.commit(r2["Id"], repository=P + "img", tag="1")
    out["remove_image"] = c.remove_image(P + "img:1")
    clean(c)
    return {key: shape(value) for key, value in out.items()}


if __name__ == "__main__":
    json.dump(record(), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
