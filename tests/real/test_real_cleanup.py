"""Reset removes exactly the labelled course objects; a student's own objects survive."""

from __future__ import annotations

import subprocess

import pytest

from grader.dockercli.passthrough import find_real_docker
from grader.engine.cleanup import ResetSummary, reset
from grader.engine.errors import NotFound

pytestmark = pytest.mark.real_engine


def _unlabelled_container(name: str) -> None:
    """Start a container with Docker's own CLI (no course label), as a student would."""
    docker = find_real_docker()
    assert docker is not None
    subprocess.run(
        [str(docker), "run", "-d", "--name", name, "busybox", "sleep", "300"],
        check=True,
        capture_output=True,
    )


def test_reset_removes_labelled_objects_and_leaves_unlabelled_ones(engine, cleanup_names, tmp_path):
    own = f"{cleanup_names}-students-own"
    _unlabelled_container(own)
    course = f"{cleanup_names}-course"
    created = engine.create_container("busybox", ["sleep", "300"], name=course)
    engine.start(created["Id"])
    volume = engine.create_volume(f"{cleanup_names}-vol")["Name"]
    network = engine.create_network(f"{cleanup_names}-net")["Id"]
    (tmp_path / "Dockerfile").write_text('FROM busybox\nCMD ["true"]\n')
    image = f"{cleanup_names}-img:1"
    assert not [item for item in engine.build(str(tmp_path), tag=image) if "error" in item]

    summary = reset(engine, prefix=cleanup_names)

    assert isinstance(summary, ResetSummary)
    assert course in summary.containers
    assert volume in summary.volumes
    assert f"{cleanup_names}-net" in summary.networks
    assert image in summary.images
    with pytest.raises(NotFound):
        engine.inspect_container(course)
    with pytest.raises(NotFound):
        engine.inspect_volume(volume)
    with pytest.raises(NotFound):
        engine.inspect_network(network)
    with pytest.raises(NotFound):
        engine.inspect_image(image)
    survivor = engine.inspect_container(own)
    assert survivor["State"]["Running"] is True
    assert own not in summary.containers
    # the course's base images carry no course label, so a reset never removes them
    for base in ("busybox:latest", "nginx:latest"):
        assert "course" not in (engine.inspect_image(base)["Config"]["Labels"] or {})
    assert "removed" in str(summary)


def test_unlabelled_container_survives_grading_reset(engine, cleanup_names, monkeypatch):
    own = f"{cleanup_names}-mine"
    _unlabelled_container(own)
    monkeypatch.setenv("COURSE_GRADING", "1")
    course = f"{cleanup_names}-course"
    engine.create_container("busybox", ["true"], name=course)
    summary = reset(engine, prefix=cleanup_names)
    assert summary.containers == [course]
    assert own not in summary.containers
    assert engine.inspect_container(own)["State"]["Running"] is True
