"""Volumes and networks on the sandbox, with Docker's refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.engine.errors import Conflict, EngineError, InvalidArgument, NotFound
from grader.engine.sandbox import SandboxEngine


def test_volume_create_inspect_remove(engine: SandboxEngine) -> None:
    created = engine.create_volume("data", labels={"app": "web"})
    assert created["Name"] == "data" and created["Driver"] == "local"
    assert created["Labels"] == {"app": "web", "course": "docker-k8s"}
    assert engine.inspect_volume("data") == created
    assert [v["Name"] for v in engine.volumes(filters={"label": "app=web"})["Volumes"]] == ["data"]
    cid = engine.create_container(
        "busybox", host_config=engine.create_host_config(binds=["data:/d"])
    )["Id"]
    with pytest.raises(Conflict, match=rf"^remove data: volume is in use - \[{cid}\]$"):
        engine.remove_volume("data")
    engine.remove_container(cid)
    engine.remove_volume("data")
    with pytest.raises(NotFound, match="^get data: no such volume$"):
        engine.inspect_volume("data")
    with pytest.raises(
        InvalidArgument, match="includes invalid characters for a local volume name"
    ):
        engine.create_volume("bad name")


def test_anonymous_volumes_from_image_volume_and_rm_v(engine: SandboxEngine) -> None:
    cid = engine.create_container("busybox", volumes=["/cache"])["Id"]
    [mount] = engine.inspect_container(cid)["Mounts"]
    assert mount["Type"] == "volume" and len(mount["Name"]) == 64
    assert engine.prune_volumes()["VolumesDeleted"] is None
    engine.remove_container(cid, v=True)
    assert engine.volumes()["Volumes"] == []


def test_prune_volumes_takes_anonymous_ones_unless_all(engine: SandboxEngine) -> None:
    engine.create_volume("named")
    cid = engine.create_container("busybox", volumes=["/cache"])["Id"]
    anonymous = engine.inspect_container(cid)["Mounts"][0]["Name"]
    engine.remove_container(cid)
    assert engine.prune_volumes()["VolumesDeleted"] == [anonymous]
    assert engine.prune_volumes({"all": True})["VolumesDeleted"] == ["named"]


def test_default_and_user_networks(engine: SandboxEngine) -> None:
    assert [n["Name"] for n in engine.networks()] == ["bridge", "host", "none"]
    created = engine.create_network("backend")
    assert set(created) == {"Id", "Warning"}
    with pytest.raises(Conflict, match="^network with name backend already exists$"):
        engine.create_network("backend")
    net = engine.inspect_network("backend")
    assert net["IPAM"]["Config"] == [{"Subnet": "172.18.0.0/16", "Gateway": "172.18.0.1"}]
    cid = engine.create_container(
        "nginx", name="api", host_config=engine.create_host_config(network_mode="backend")
    )["Id"]
    engine.start(cid)
    attached = engine.inspect_network("backend")["Containers"]
    assert attached[cid]["Name"] == "api" and attached[cid]["IPv4Address"] == "172.18.0.2/16"
    with pytest.raises(EngineError, match=r"has active endpoints \(name:\"api\" id:"):
        engine.remove_network("backend")
    with pytest.raises(
        EngineError, match="^bridge is a pre-defined network and cannot be removed$"
    ):
        engine.remove_network("bridge")
    engine.stop(cid)
    engine.remove_network("backend")
    with pytest.raises(NotFound, match="^network backend not found$"):
        engine.inspect_network("backend")


def test_bridge_addresses_are_unique_per_running_container(engine: SandboxEngine) -> None:
    addresses = []
    for _ in range(3):
        cid = engine.create_container("nginx")["Id"]
        engine.start(cid)
        addresses.append(engine.inspect_container(cid)["NetworkSettings"]["IPAddress"])
    assert addresses == ["172.17.0.2", "172.17.0.3", "172.17.0.4"]


def test_prune_networks_keeps_used_ones(engine: SandboxEngine) -> None:
    engine.create_network("idle")
    engine.create_network("busy")
    cid = engine.create_container(
        "nginx", host_config=engine.create_host_config(network_mode="busy")
    )
    engine.start(cid["Id"])
    assert engine.prune_networks() == {"NetworksDeleted": ["idle"]}


def test_info_and_version_look_like_docker_28(engine: SandboxEngine) -> None:
    version = engine.version()
    assert version["Version"].startswith("28.") and version["ApiVersion"] == "1.51"
    engine.start(engine.create_container("nginx")["Id"])
    info = engine.info()
    assert (info["Containers"], info["ContainersRunning"]) == (1, 1)
    assert info["ServerVersion"] == version["Version"]
    assert info["Images"] >= 8
    assert engine.ping() is True


def test_an_empty_volume_starts_with_the_images_files(engine: SandboxEngine, port: int) -> None:
    import urllib.request

    hc = engine.create_host_config(binds=["site:/usr/share/nginx/html"], port_bindings={80: port})
    cid = engine.create_container("nginx", ports=[80], host_config=hc)["Id"]
    engine.start(cid)
    folder = engine.inspect_volume("site")["Mountpoint"]
    assert sorted(p.name for p in Path(folder).iterdir()) == ["50x.html", "index.html"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
        assert b"Welcome to nginx!" in response.read()
