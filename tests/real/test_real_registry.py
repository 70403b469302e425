"""Push to and pull from a real registry on loopback (Debian's docker-registry)."""

from __future__ import annotations

import json
import urllib.request

import pytest

pytestmark = pytest.mark.real_engine


def test_push_then_pull_round_trip(engine, cleanup_names, registry, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM busybox\nRUN echo pushed > /msg\n")
    repository = f"{registry}/{cleanup_names}-app"
    assert not [
        item for item in engine.build(str(tmp_path), tag=f"{repository}:1.0") if "error" in item
    ]
    built = engine.inspect_image(f"{repository}:1.0")["Id"]

    pushed = list(engine.push(repository, tag="1.0"))
    assert not [item for item in pushed if "error" in item], pushed
    assert any("digest" in item.get("status", "") or "aux" in item for item in pushed)
    with urllib.request.urlopen(f"http://{registry}/v2/{cleanup_names}-app/tags/list") as reply:
        assert json.load(reply)["tags"] == ["1.0"]

    engine.remove_image(f"{repository}:1.0")
    pulled = list(engine.pull(repository, tag="1.0"))
    assert not [item for item in pulled if "error" in item], pulled
    assert engine.inspect_image(f"{repository}:1.0")["Id"] == built
    name = f"{cleanup_names}-pulled"
    engine.create_container(f"{repository}:1.0", ["cat", "/msg"], name=name)
    engine.start(name)
    engine.wait(name)
    assert list(engine.logs(name)) == [("stdout", b"pushed\n")]


def test_pull_of_a_missing_tag_reports_the_registry_error(engine, cleanup_names, registry):
    items = []
    with pytest.raises(Exception) as raised:
        items = list(engine.pull(f"{registry}/{cleanup_names}-none", tag="1"))
    assert not items
    assert "not found" in str(raised.value) or "manifest unknown" in str(raised.value)
