"""``course reset`` and ``course images build``: thin verbs over the [real] helper's modules."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from grader import LABEL
from grader.course.cli import cli


def test_images_build_names_unknown_tags() -> None:
    result = CliRunner().invoke(cli, ["images", "build", "nosuch:1"])
    assert result.exit_code == 1
    assert "no offline recipe for nosuch:1" in result.output


def test_reset_without_a_daemon_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent.sock")
    result = CliRunner().invoke(cli, ["reset", "--engine", "docker"])
    assert result.exit_code == 1
    assert "cannot reset the docker engine" in result.output
    assert "Is the docker daemon running?" in result.output


@pytest.mark.real_engine
def test_reset_removes_only_course_objects(real_docker_host: str) -> None:
    import docker

    client = docker.APIClient(base_url=real_docker_host, version="auto")
    key, value = LABEL.split("=")
    labelled = client.create_container(
        "busybox:latest", ["sleep", "60"], name="coursetest-lab", labels={key: value}
    )
    own = client.create_container("busybox:latest", ["sleep", "60"], name="coursetest-own")
    try:
        result = CliRunner().invoke(cli, ["reset", "--engine", "docker", "--prefix", "coursetest-"])
        assert result.exit_code == 0, result.output
        assert "removed 1 containers: coursetest-lab" in result.output
        names = {c["Names"][0] for c in client.containers(all=True)}
        assert "/coursetest-own" in names and "/coursetest-lab" not in names
    finally:
        for container in (labelled, own):
            try:
                client.remove_container(container["Id"], force=True)
            except docker.errors.NotFound:
                pass
