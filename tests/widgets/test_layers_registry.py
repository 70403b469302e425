"""The layer-stack and registry widgets, on model state (no browser)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.engine.sandbox import SandboxEngine
from grader.widgets.layers import LayerStack, mark_reuse
from grader.widgets.registry import RegistryFlow, changes

DATA = Path(__file__).parents[1] / "data" / "build"


@pytest.fixture
def engine(sandbox_dir: Path) -> SandboxEngine:
    return SandboxEngine(sandbox_dir)


@pytest.fixture
def app(tmp_path: Path) -> Path:
    shutil.copytree(DATA / "app", tmp_path / "app")
    return tmp_path / "app"


def states(widget: LayerStack) -> dict[str, str]:
    return {layer["step"]: layer["state"] for layer in widget.layers if layer["state"] != "base"}


def test_layer_stack_lights_up_reused_layers(engine: SandboxEngine, app: Path) -> None:
    widget = LayerStack("hello-app:1")
    widget.update(engine)
    assert widget.layers == []
    assert "does not exist yet" in widget.description
    list(engine.build(str(app), tag="hello-app:1", dockerfile="Dockerfile.fast"))
    widget.update(engine)
    assert set(states(widget).values()) == {"new"}
    with (app / "index.js").open("a") as handle:
        handle.write("// edit\n")
    list(engine.build(str(app), tag="hello-app:1", dockerfile="Dockerfile.fast"))
    widget.update(engine)
    assert states(widget)["RUN npm install"] == "reused"
    assert states(widget)['CMD ["node" "index.js"]'] == "rebuilt"
    assert "LABEL course=docker-k8s" not in states(widget)
    base_top = next(layer for layer in widget.layers if layer["step"] == 'CMD ["node"]')
    assert base_top["state"] == "base", "the base image's own CMD comes with FROM"
    assert "4 reused and 2 rebuilt by the last build" in widget.description
    assert repr(widget) == widget.description


def test_mark_reuse_without_history_marks_new() -> None:
    layers = [
        {"id": "sha256:a", "step": "x", "size": 0},
        {"id": "<missing>", "step": "y", "size": 1},
    ]
    assert [item["state"] for item in mark_reuse(layers, set())] == ["new", "base"]
    assert [item["state"] for item in mark_reuse(layers, {"sha256:a"})] == ["reused", "base"]
    stacked = [{"id": f"sha256:{n}", "step": n, "size": 0} for n in "abc"] + layers[1:]
    assert [item["state"] for item in mark_reuse(stacked, {"sha256:a", "sha256:c"})] == [
        "reused",
        "rebuilt",
        "base",
        "base",
    ]


def test_registry_flow_follows_tag_push_and_rmi(engine: SandboxEngine, app: Path) -> None:
    list(engine.build(str(app), tag="hello-app:1", dockerfile="Dockerfile.fast"))
    widget = RegistryFlow()
    widget.update(engine)
    assert widget.remote == [] and widget.moved == []
    engine.tag("hello-app:1", "127.0.0.1:5000/hello-app", "1")
    widget.update(engine)
    assert widget.moved == ["new local name 127.0.0.1:5000/hello-app:1"]
    names = next(image["names"] for image in widget.local if "hello-app:1" in image["names"])
    assert names == ["127.0.0.1:5000/hello-app:1", "hello-app:1"]
    list(engine.push("127.0.0.1:5000/hello-app", "1"))
    widget.update(engine)
    assert widget.remote == [{"repo": "hello-app", "tags": ["1"]}]
    assert widget.moved == ["pushed hello-app:1 to the registry"]
    # the local image named hello-app:1 did not move: only the registry's tag is outlined
    assert widget.arrived == {"local": [], "remote": ["hello-app:1"]}
    assert "Registry 127.0.0.1:5000: hello-app with tags 1" in widget.description


def test_changes_in_words() -> None:
    before = {"local": [{"id": "a", "names": ["x:1"]}], "remote": []}
    after = {"local": [], "remote": [{"repo": "x", "tags": ["1"]}]}
    assert changes(before, after) == ["local name x:1 removed", "pushed x:1 to the registry"]
