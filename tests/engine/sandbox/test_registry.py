"""The sandbox's embedded registry: push, pull, the round trip, Docker's errors, /v2 API."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from ports import unused_port

from grader.engine.errors import EngineError, InvalidArgument, NotFound
from grader.engine.sandbox import SandboxEngine
from grader.engine.sandbox.fs import image_layers

DATA = Path(__file__).parents[2] / "data" / "build"


@pytest.fixture
def engine(sandbox_dir: Path) -> SandboxEngine:
    built = SandboxEngine(sandbox_dir)
    list(built.build(str(DATA / "website"), tag="website:1"))
    return built


def statuses(items) -> list[str]:
    return [str(item.get("status") or item.get("error")) for item in items]


def test_push_needs_a_name_for_the_registry(engine: SandboxEngine) -> None:
    items = list(engine.push("127.0.0.1:5000/website", "1"))
    assert statuses(items) == [
        "The push refers to repository [127.0.0.1:5000/website]",
        "An image does not exist locally with the tag: 127.0.0.1:5000/website:1",
    ]


def test_docker_hub_without_login_is_denied(engine: SandboxEngine) -> None:
    items = list(engine.push("website", "1"))
    assert items[0] == {"status": "The push refers to repository [docker.io/library/website]"}
    assert items[-1]["error"] == "denied: requested access to the resource is denied"
    assert {item.get("status") for item in items[1:-1]} == {"Preparing"}


def test_push_then_layers_already_exist_and_repo_digest(engine: SandboxEngine) -> None:
    engine.tag("website:1", "127.0.0.1:5000/website", "1")
    first = list(engine.push("127.0.0.1:5000/website", "1"))
    assert "Pushed" in statuses(first)
    digest = first[-1]["aux"]["Digest"]
    assert first[-2]["status"].startswith(f"1: digest: {digest} size: ")
    engine.tag("website:1", "127.0.0.1:5000/website", "latest")
    second = list(engine.push("127.0.0.1:5000/website", "latest"))
    assert "Pushed" not in statuses(second)
    assert "Layer already exists" in statuses(second)
    assert second[-1]["aux"]["Digest"] == digest
    assert engine.registry_tags("website") == ["1", "latest"]
    assert engine.registry_catalog() == ["website"]
    info = engine.inspect_image("website:1")
    assert f"127.0.0.1:5000/website@{digest}" in info["RepoDigests"]


def test_rmi_then_pull_restores_the_same_image(engine: SandboxEngine) -> None:
    original = engine.inspect_image("website:1")["Id"]
    engine.tag("website:1", "127.0.0.1:5000/website", "1")
    list(engine.push("127.0.0.1:5000/website", "1"))
    engine.remove_image("website:1")
    removed = engine.remove_image("127.0.0.1:5000/website:1")
    assert {"Deleted": original} in removed
    with pytest.raises(NotFound):
        engine.inspect_image(original)
    items = list(engine.pull("127.0.0.1:5000/website", "1"))
    assert items[0] == {"status": "Pulling from website", "id": "1"}
    assert items[-1] == {"status": "Status: Downloaded newer image for 127.0.0.1:5000/website:1"}
    pulled_id, doc = engine._image("127.0.0.1:5000/website:1")
    assert pulled_id == original
    files = image_layers(engine.store, doc, pulled_id)
    assert b"Hello from my own image!" in files["/usr/share/nginx/html/index.html"][2]
    history = engine.history("127.0.0.1:5000/website:1")
    assert history[0]["Id"] == original and history[1]["Id"] == "<missing>"
    again = list(engine.pull("127.0.0.1:5000/website", "1"))
    assert again[-1] == {"status": "Status: Image is up to date for 127.0.0.1:5000/website:1"}


def test_pull_errors(engine: SandboxEngine) -> None:
    with pytest.raises(NotFound) as caught:
        engine.pull("127.0.0.1:5000/website", "9")
    assert caught.value.explanation == (
        "manifest for 127.0.0.1:5000/website:9 not found: manifest unknown: manifest unknown"
    )
    with pytest.raises(EngineError) as refused:
        engine.pull("127.0.0.1:5001/website", "1")
    assert refused.value.explanation == (
        'Get "http://127.0.0.1:5001/v2/": dial tcp 127.0.0.1:5001: connect: connection refused'
    )


def test_http_api_lists_tags(engine: SandboxEngine) -> None:
    engine.tag("website:1", "127.0.0.1:5000/website", "1")
    list(engine.push("127.0.0.1:5000/website", "1"))
    port = unused_port()
    assert engine.serve_registry(port)
    try:
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/v2/website/tags/list") as response:
            assert response.headers["Docker-Distribution-Api-Version"] == "registry/2.0"
            assert json.loads(response.read()) == {"name": "website", "tags": ["1"]}
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/v2/nope/tags/list")
        assert json.loads(missing.value.read())["errors"][0]["code"] == "NAME_UNKNOWN"
        assert engine.serve_registry(port)  # already running: reused
    finally:
        engine.stop_registry()


def test_uppercase_namespace_is_a_registry_host_as_in_docker_28(engine: SandboxEngine) -> None:
    """Docker 28 accepts the tag (``PatrickVuscan`` is read as a registry host); the push
    then fails because no such host resolves. (dockerd 20.10 refused the tag itself.)"""
    assert engine.tag("website:1", "PatrickVuscan/website", "1")
    assert engine.inspect_image("PatrickVuscan/website:1")["Id"]
    items = list(engine.push("PatrickVuscan/website", "1"))
    assert items[0] == {"status": "The push refers to repository [PatrickVuscan/website]"}
    assert items[-1]["error"] == (
        'Get "https://PatrickVuscan/v2/": dial tcp: lookup PatrickVuscan: no such host'
    )
    with pytest.raises(InvalidArgument) as refused:
        engine.tag("website:1", "team/App", "1")
    assert refused.value.explanation == (
        "invalid reference format: repository name (team/App) must be lowercase"
    )
