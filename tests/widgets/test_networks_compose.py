"""The network and Compose diagrams read the engine: DNS names, who reaches whom, services."""

from __future__ import annotations

import io

import pytest

from grader.dockercli import execute
from grader.engine.errors import NotFound
from grader.widgets import ComposeGraph, NetworkDiagram
from grader.widgets.compose_graph import dependencies
from grader.widgets.live import refresh_all


def test_network_diagram_shows_names_addresses_and_reach(box):
    api, network = box.api, box.prefix + "net"
    port = box.free_port()
    server = box.create("server", ports={80: [port]})
    client = box.create("client")
    loner = box.create("loner")
    widget = NetworkDiagram()
    pairs = {(p["a"], p["b"]): p["how"] for p in widget.picture["reach"]}
    assert pairs[(client, server)] == "by address only"  # all on the default bridge
    created = api.create_network(network, driver="bridge")
    try:
        api.connect_container_to_network(server, created["Id"], aliases=["site"])
        api.connect_container_to_network(client, created["Id"])
        assert refresh_all() >= 1
        [drawn] = [n for n in widget.picture["networks"] if n["name"] == network]
        assert drawn["kind"] == "user-defined" and drawn["dns"]
        names = {m["name"]: m["dns"] for m in drawn["containers"]}
        assert server in names[server] and "site" in names[server] and client in names[client]
        assert loner not in names
        [bridge] = [n for n in widget.picture["networks"] if n["name"] == "bridge"]
        assert not bridge["dns"] and all(m["dns"] == [] for m in bridge["containers"])
        pairs = {(p["a"], p["b"]): p["how"] for p in widget.picture["reach"]}
        assert pairs[(client, server)] == "by name"
        assert pairs[(loner, server)] == "by address only"
        text = widget.description
        assert f"Network {network} (user-defined, names resolve)" in text
        assert "resolves as " + ", ".join(names[server]) in text
        assert "Network bridge (default bridge, no name resolution)" in text
        assert f"{client} and {server} reach each other by name." in text
        assert f"{server} host {port} -> 80/tcp" in text
        api.disconnect_container_from_network(loner, "bridge")
        widget.refresh()
        pairs = {(p["a"], p["b"]): p["how"] for p in widget.picture["reach"]}
        assert pairs[(loner, server)] == "no"
        assert f"{loner} and {server} share no network: no way through." in widget.description
        api.stop(client, timeout=0)
        widget.refresh()
        assert not any(client in (p["a"], p["b"]) for p in widget.picture["reach"])
        assert f"{client} (" in widget.description and ", stopped" in widget.description
    finally:
        box.cleanup()
        api.remove_network(created["Id"])


COMPOSE = """\
services:
  db:
    image: busybox:latest
    command: sh -c "echo ready > /data/status && sleep 300"
    init: true
    volumes:
      - data:/data
    healthcheck:
      test: ["CMD-SHELL", "test -f /data/status"]
      interval: 1s
  api:
    image: busybox:latest
    command: sleep 300
    init: true
    ports:
      - "{port}:8000"
    depends_on:
      db:
        condition: service_healthy
volumes:
  data:
"""
"""(``init: true``: ``sleep`` as PID 1 ignores SIGTERM; ``down`` would wait out its 10 s grace
for each service on the real engine.)"""


def compose(api, folder, *words):
    out, err = io.StringIO(), io.StringIO()
    code = execute(["compose", *words], api, stdout=out, stderr=err, cwd=str(folder))
    assert code == 0, err.getvalue()


def test_compose_graph_follows_up_and_down(box, tmp_path):
    project, port = box.prefix.strip("-"), box.free_port()
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(port=port))
    widget = ComposeGraph(project=project)
    assert widget.services == []
    assert (
        widget.description
        == f"Project {project} has no containers (not started yet, or taken down)."
    )
    try:
        compose(box.api, tmp_path, "-p", project, "up", "-d")
        refresh_all()
        db, api = widget.services
        assert (db["name"], db["level"], db["health"]) == ("db", 0, "healthy")
        assert db["volumes"] == [f"{project}_data:/data"]
        assert api["depends_on"] == [{"service": "db", "condition": "service_healthy"}]
        assert api["ports"] == [f"host {port} -> 8000/tcp"] and api["level"] == 1
        assert api["networks"] == [f"{project}_default"]
        assert widget.description == (
            f"Project {project}, in start order: service db (container {project}-db-1, "
            f"running, healthy); mounts {project}_data:/data; networks {project}_default. "
            f"service api (container {project}-api-1, running); depends on db: waits until "
            f"it is healthy; publishes host {port} -> 8000/tcp; networks {project}_default."
        )
    finally:
        compose(box.api, tmp_path, "-p", project, "down", "-v")
    refresh_all()
    assert widget.services == []
    with pytest.raises(NotFound):
        box.api.inspect_volume(f"{project}_data")


def test_depends_on_label_keeps_each_condition():
    label = (
        "db:service_healthy:false,cache:service_started:true,"
        "init:service_completed_successfully:false"
    )
    assert dependencies(label) == [
        {"service": "db", "condition": "service_healthy"},
        {"service": "cache", "condition": "service_started"},
        {"service": "init", "condition": "service_completed_successfully"},
    ]
    assert dependencies("") == []
