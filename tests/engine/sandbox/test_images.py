"""Images on the sandbox: the catalogue, pull progress and errors, tag, rmi, history."""

from __future__ import annotations

import re

import pytest

from grader.engine.errors import Conflict, EngineError, ImageNotFound, NotFound
from grader.engine.sandbox import SandboxEngine, catalogue


def test_a_fresh_sandbox_has_the_course_images(engine: SandboxEngine) -> None:
    tags = {t for image in engine.images() for t in image["RepoTags"] or []}
    assert {
        "hello-world:latest",
        "busybox:latest",
        "alpine:latest",
        "alpine:3.20",
        "nginx:latest",
        "nginx:1.27",
        "nginx:alpine",
        "node:20",
        "node:20-alpine",
    } <= tags
    assert "ubuntu:24.04" not in tags


def test_catalogue_images_look_like_the_upstream_ones(engine: SandboxEngine) -> None:
    nginx = engine.inspect_image("nginx")
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", nginx["Id"])
    assert nginx["RepoTags"] == ["nginx:1.27", "nginx:latest"]
    assert re.fullmatch(r"nginx@sha256:[0-9a-f]{64}", nginx["RepoDigests"][0])
    config = nginx["Config"]
    assert config["Cmd"] == ["nginx", "-g", "daemon off;"]
    assert config["Entrypoint"] == ["/docker-entrypoint.sh"]
    assert config["ExposedPorts"] == {"80/tcp": {}}
    assert config["StopSignal"] == "SIGQUIT"
    assert "NGINX_VERSION=1.27.5" in config["Env"]
    assert len(nginx["RootFS"]["Layers"]) == 7
    assert engine.inspect_image("node:20")["Config"]["Entrypoint"] == ["docker-entrypoint.sh"]
    assert engine.inspect_image("alpine")["Config"]["Cmd"] == ["/bin/sh"]
    assert engine.inspect_image("hello-world")["Size"] < 20_000
    for entry in catalogue.images().values():
        assert entry["Size"] > 0 and entry["history"] and entry["RootFS"]["Layers"]


def test_history_is_newest_first(engine: SandboxEngine) -> None:
    history = engine.history("nginx:latest")
    assert history[0]["CreatedBy"] == 'CMD ["nginx" "-g" "daemon off;"]'
    assert history[0]["Tags"] == ["nginx:1.27", "nginx:latest"]
    assert all(step["Id"] == "<missing>" for step in history[1:])
    assert sum(step["Size"] for step in history) == engine.inspect_image("nginx")["Size"]


def test_pull_streams_dockers_progress(engine: SandboxEngine) -> None:
    items = list(engine.pull("ubuntu", tag="24.04"))
    assert items[0] == {"status": "Pulling from library/ubuntu", "id": "24.04"}
    statuses = [item["status"] for item in items]
    assert "Pulling fs layer" in statuses and "Pull complete" in statuses
    assert re.fullmatch(r"Digest: sha256:[0-9a-f]{64}", statuses[-2])
    assert statuses[-1] == "Status: Downloaded newer image for ubuntu:24.04"
    again = list(engine.pull("ubuntu:24.04"))
    assert [i["status"] for i in again][-1] == "Status: Image is up to date for ubuntu:24.04"
    assert len(again) == 3


def test_pull_errors_are_dockers(engine: SandboxEngine) -> None:
    with pytest.raises(NotFound) as error:
        engine.pull("foo")
    assert error.value.explanation == (
        "pull access denied for foo, repository does not exist or may require 'docker login': "
        "denied: requested access to the resource is denied"
    )
    with pytest.raises(NotFound) as error:
        engine.pull("nginx", tag="nope")
    assert error.value.explanation == (
        "manifest for nginx:nope not found: manifest unknown: manifest unknown"
    )


def test_pull_from_a_registry_host_goes_to_the_registry_hook(engine: SandboxEngine) -> None:
    with pytest.raises(EngineError):
        list(engine.pull("127.0.0.1:1/website", tag="1"))


def test_tag_and_remove_tags(engine: SandboxEngine) -> None:
    assert engine.tag("nginx:latest", "website", "1.0.0") is True
    image_id = engine.inspect_image("nginx")["Id"]
    assert engine.inspect_image("website:1.0.0")["Id"] == image_id
    assert engine.remove_image("website:1.0.0") == [{"Untagged": "website:1.0.0"}]
    with pytest.raises(ImageNotFound, match="^No such image: website:1.0.0$"):
        engine.inspect_image("website:1.0.0")


def test_rmi_of_an_image_in_use(engine: SandboxEngine) -> None:
    list(engine.pull("ubuntu:24.04"))
    image_id = engine.inspect_image("ubuntu:24.04")["Id"]
    cid = engine.create_container("ubuntu:24.04")["Id"]
    with pytest.raises(Conflict) as error:
        engine.remove_image("ubuntu:24.04")
    assert error.value.explanation == (
        'conflict: unable to remove repository reference "ubuntu:24.04" (must force) - '
        f"container {cid[:12]} is using its referenced image {image_id[7:19]}"
    )
    with pytest.raises(Conflict, match=r"\(must be forced\) - image is being used by stopped"):
        engine.remove_image(image_id[7:19])
    engine.remove_container(cid)
    removed = engine.remove_image("ubuntu:24.04")
    assert removed[0] == {"Untagged": "ubuntu:24.04"}
    assert removed[1]["Untagged"].startswith("ubuntu@sha256:")
    assert {"Deleted": image_id} in removed
    assert engine.images(name="ubuntu") == []


def test_rmi_by_id_of_a_multi_tagged_image_needs_force(engine: SandboxEngine) -> None:
    image_id = engine.inspect_image("nginx")["Id"]
    with pytest.raises(Conflict, match="image is referenced in multiple repositories"):
        engine.remove_image(image_id[7:19])
    engine.remove_image(image_id, force=True)
    with pytest.raises(ImageNotFound):
        engine.inspect_image("nginx:1.27")


def test_images_filters(engine: SandboxEngine) -> None:
    assert [i["RepoTags"] for i in engine.images(name="alpine")] == [
        ["alpine:latest"],
        ["alpine:3.20"],
    ]
    assert [i["RepoTags"] for i in engine.images(filters={"reference": "nginx:alp*"})] == [
        ["nginx:alpine"]
    ]
    assert len(engine.images(quiet=True)) == len(engine.images())


def test_commit_makes_an_image_with_the_containers_changes(engine: SandboxEngine) -> None:
    cid = engine.create_container("busybox", ["sleep", "1000"])["Id"]
    engine.start(cid)
    engine.exec_run(cid, ["sh", "-c", "echo hello > /greeting"])
    new = engine.commit(cid, repository="greeter", tag="1")
    assert engine.inspect_image("greeter:1")["Id"] == new["Id"]
    other = engine.create_container("greeter:1", ["cat", "/greeting"])["Id"]
    engine.start(other)
    assert list(engine.logs(other)) == [("stdout", b"hello\n")]


def test_prune_images_removes_dangling_ones(engine: SandboxEngine) -> None:
    cid = engine.create_container("busybox", "true")["Id"]
    dangling = engine.commit(cid)["Id"]
    result = engine.prune_images()
    assert {"Deleted": dangling} in result["ImagesDeleted"]
    assert engine.images(filters={"dangling": True}) == []


def test_rmi_of_a_parent_image_by_id(engine: SandboxEngine) -> None:
    cid = engine.create_container("busybox", "true")["Id"]
    engine.commit(cid, repository="child", tag="1")
    engine.remove_container(cid)
    parent = engine.inspect_image("busybox")["Id"]
    with pytest.raises(Conflict) as error:
        engine.remove_image(parent, force=True)
    assert error.value.explanation == (
        f"conflict: unable to delete {parent[7:19]} (cannot be forced) - image has dependent "
        "child images"
    )


def test_rmi_prunes_untagged_parents_unless_noprune(engine: SandboxEngine) -> None:
    base = engine.create_container("busybox", "true")["Id"]
    middle = engine.commit(base)["Id"]
    engine.remove_container(base)
    top_container = engine.create_container(middle, "true")["Id"]
    top = engine.commit(top_container, repository="top", tag="1")["Id"]
    engine.remove_container(top_container)
    kept = engine.remove_image("top:1", noprune=True)
    assert kept[:2] == [{"Untagged": "top:1"}, {"Deleted": top}]
    assert engine.inspect_image(middle)["Id"] == middle
    engine.tag(middle, "again", "1")
    engine.remove_image("again:1")
    with pytest.raises(ImageNotFound):
        engine.inspect_image(middle)
    assert engine.inspect_image("busybox")["RepoTags"] == ["busybox:latest"]


def test_intermediate_images_are_listed_only_with_all(engine: SandboxEngine) -> None:
    first = engine.create_container("busybox", "true")["Id"]
    middle = engine.commit(first)["Id"]
    second = engine.create_container(middle, "true")["Id"]
    engine.commit(second, repository="final", tag="1")
    dangling = engine.commit(second)["Id"]
    shown = {i["Id"] for i in engine.images()}
    assert middle not in shown and dangling in shown
    assert middle in {i["Id"] for i in engine.images(all=True)}
