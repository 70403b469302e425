"""Live widgets read the engine: ports, images/containers/mounts, a container's lifecycle."""

from __future__ import annotations

from grader.widgets import EngineMap, LifecycleWidget, PortMap
from grader.widgets.lifecycle import STATES, TRANSITIONS
from grader.widgets.live import refresh_all


def test_port_map_follows_the_engine(box):
    port, other = box.free_port(), box.free_port()
    widget = PortMap()
    assert not any(item["container"].startswith(box.prefix) for item in widget.mappings)
    name = box.create("web", ports={80: [port, other]})
    assert refresh_all() >= 1
    mine = [item for item in widget.mappings if item["container"] == name]
    assert sorted(item["host_port"] for item in mine) == sorted([port, other])
    assert {item["container_port"] for item in mine} == {"80/tcp"}
    assert f"host port {port} -> {name} port 80/tcp (running)" in widget.description
    box.api.stop(name, timeout=0)
    widget._handle_message(widget, {"type": "refresh"}, [])
    assert not any(item["running"] for item in widget.mappings if item["container"] == name)
    assert "nothing answers" in repr(widget)


def test_engine_map_links_image_container_and_mount(box, tmp_path):
    name = box.create("web", binds=[f"{tmp_path}:/data:ro"])
    widget = EngineMap()
    graph = widget.graph
    [container] = [item for item in graph["containers"] if item["name"] == name]
    assert container["image"] == "busybox:latest"
    busybox = next(image for image in graph["images"] if "busybox:latest" in image["tags"])
    assert {"from": busybox["id"], "to": container["id"], "label": "created from"} in graph["edges"]
    [mount] = [edge for edge in graph["edges"] if edge["from"] == container["id"]]
    assert mount["label"] == "/data (read-only)"
    assert f"Container {name} (running) from busybox:latest" in widget.description
    assert f"host folder {tmp_path} at /data (read-only)" in widget.description


def test_lifecycle_lights_the_current_state(box):
    name = box.prefix + "life"
    widget = LifecycleWidget(container=name)
    assert widget.state == "removed"
    assert "not created yet, or removed" in widget.description
    box.create("life", start=False)
    widget.refresh()
    assert widget.state == "created"
    box.api.start(name)
    widget.refresh()
    assert widget.state == "running"
    assert "docker pause -> paused" in widget.description
    box.api.pause(name)
    widget.refresh()
    assert widget.state == "paused"
    box.api.unpause(name)
    box.api.stop(name, timeout=0)
    widget.refresh()
    assert widget.state == "exited"
    box.api.remove_container(name)
    widget.refresh()
    assert widget.state == "removed"


def test_transitions_cover_every_state():
    states = set(STATES)
    assert {item["to"] for item in TRANSITIONS} == states
    assert {item["from"] for item in TRANSITIONS} == states


def test_unreachable_engine_becomes_an_error_not_an_exception(sandbox_dir, monkeypatch):
    monkeypatch.setenv("COURSE_ENGINE", "no-such-engine")
    widget = PortMap()
    assert widget.error.startswith("cannot read the engine")
    assert widget.mappings == []
