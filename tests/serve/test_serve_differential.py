"""docker-py against the sandbox daemon and against a real dockerd gives the same results.

The same SDK calls run on both (unique names, the course label on every object the test
creates on the shared daemon); results are compared after the ids are set aside and the
real daemon's 20.10 wording is turned into Docker 28's (``tests/differential/wording.py``).
"""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docker
import pytest

from grader import LABEL

_spec = importlib.util.spec_from_file_location(
    "wording", Path(__file__).parents[1] / "differential" / "wording.py"
)
assert _spec is not None and _spec.loader is not None
wording = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wording)

pytestmark = pytest.mark.real_engine
KEY, _, VALUE = LABEL.partition("=")
LABELS = {KEY: VALUE}


@pytest.fixture
def clients(daemon: str, real_docker_host: str) -> Iterator[dict[str, docker.DockerClient]]:
    """docker-py on the sandbox daemon and on the real one; removes what the test made."""
    both = {
        "sandbox": docker.DockerClient(base_url=daemon, version="auto"),
        "real": docker.DockerClient(base_url=real_docker_host, version="auto"),
    }
    yield both
    real = both["real"]
    for container in real.containers.list(all=True, filters={"label": f"{LABEL}-test"}):
        container.remove(force=True)


def same(
    clients: dict[str, docker.DockerClient], action: Callable[[docker.DockerClient, str], Any]
) -> Any:
    """Run ``action(client, unique_name)`` on both daemons; assert equal results; return one."""
    results = {}
    for kind, client in clients.items():
        name = f"course-diff-{uuid.uuid4().hex[:8]}"
        try:
            result = action(client, name)
        except docker.errors.APIError as error:
            text = str(error.explanation).replace(name, "<name>")
            result = ("error", error.status_code, wording.to_docker28(text))
        results[kind] = _strip(result, name)
    assert results["sandbox"] == results["real"]
    return results["sandbox"]


def _strip(value: Any, name: str) -> Any:
    if isinstance(value, bytes):
        return value.replace(name.encode(), b"<name>")
    if isinstance(value, str):
        return value.replace(name, "<name>")
    if isinstance(value, tuple | list):
        return type(value)(_strip(v, name) for v in value)
    if isinstance(value, dict):
        return {k: _strip(v, name) for k, v in value.items()}
    return value


def _labels(name: str) -> dict[str, str]:
    return {**LABELS, f"{LABEL}-test": name}


def test_run_output_and_exit_codes(clients: dict[str, docker.DockerClient]) -> None:
    def run(client: docker.DockerClient, name: str) -> Any:
        printed = client.containers.run(
            "busybox", ["echo", "hello"], name=name, labels=_labels(name), remove=True
        )
        try:
            client.containers.run(
                "busybox", ["sh", "-c", "echo out; echo err >&2; exit 3"], labels=_labels(name)
            )
        except docker.errors.ContainerError as failed:
            return printed, failed.exit_status, failed.stderr
        return printed, 0, b""

    assert same(clients, run) == (b"hello\n", 3, b"err\n")


def test_logs_and_exec(clients: dict[str, docker.DockerClient]) -> None:
    def logs_and_exec(client: docker.DockerClient, name: str) -> Any:
        box = client.containers.run(
            "busybox",
            ["sh", "-c", "echo one; echo two >&2; sleep 600"],
            detach=True,
            name=name,
            labels=_labels(name),
        )
        box.exec_run(["true"])  # the shell has run its echos by now
        result = box.exec_run(["sh", "-c", "echo a; echo b >&2; exit 2"], demux=True)
        missing = box.exec_run(["no-such-program"])
        outcome = (
            box.logs(stdout=True, stderr=False),
            box.logs(stdout=False, stderr=True),
            result.exit_code,
            result.output,
            missing.exit_code,
            box.name,
            box.status,
        )
        box.remove(force=True)
        return outcome

    assert same(clients, logs_and_exec)[:5] == (b"one\n", b"two\n", 2, (b"a\n", b"b\n"), 126)


def test_missing_objects(clients: dict[str, docker.DockerClient]) -> None:
    def missing(client: docker.DockerClient, name: str) -> Any:
        return [
            _refusal(lambda: client.containers.get(name)),
            _refusal(lambda: client.volumes.get(name)),
            _refusal(lambda: client.networks.get(name)),
            _refusal(lambda: client.images.get(f"{name}:1")),
        ]

    same(clients, missing)


def _refusal(call: Callable[[], Any]) -> tuple[int, str]:
    try:
        call()
    except docker.errors.APIError as error:
        return error.status_code, wording.to_docker28(str(error.explanation))
    raise AssertionError("no refusal")


def test_volumes_and_networks(clients: dict[str, docker.DockerClient]) -> None:
    def objects(client: docker.DockerClient, name: str) -> Any:
        volume = client.volumes.create(name, labels=_labels(name))
        network = client.networks.create(name, labels=_labels(name))
        found = (
            volume.name
            in [v.name for v in client.volumes.list(filters={"label": f"{LABEL}-test={name}"})],
            {k: volume.attrs[k] for k in ("Driver", "Name", "Scope", "Labels")},
            [n.name for n in client.networks.list(names=[name])],
            {k: network.attrs[k] for k in ("Driver", "Name", "Scope", "Internal", "Labels")},
        )
        volume.remove()
        network.remove()
        return found

    same(clients, objects)


def test_images_the_course_uses(clients: dict[str, docker.DockerClient]) -> None:
    def images(client: docker.DockerClient, name: str) -> Any:
        return [
            ref in {tag for image in client.images.list() for tag in image.tags}
            for ref in ("busybox:latest", "nginx:latest", "alpine:latest")
        ]

    assert same(clients, images) == [True, True, True]
