"""Fixtures for tests against the real Docker daemon: course images, names, ports, registry."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from ports import unused_port

from grader.engine.errors import EngineError

NEEDED_IMAGES = ["busybox:latest", "nginx:latest", "hello-world:latest", "node:20"]


@pytest.fixture(scope="session")
def course_images(real_docker_host: str) -> list[str]:
    """Make sure the offline course images the tests use exist (building missing ones)."""
    from grader.images import main

    out = io.StringIO()
    assert main(tags=NEEDED_IMAGES, docker_host=real_docker_host, out=out) == 0, out.getvalue()
    return NEEDED_IMAGES


@pytest.fixture
def engine(real_engine, course_images):
    """The real engine, with the course images present."""
    return real_engine


@pytest.fixture
def unique() -> str:
    """A name prefix unique to this test (objects named with it are removed afterwards)."""
    return f"ct-real-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def cleanup_names(engine, unique: str) -> Iterator[str]:
    """Remove every container, volume, network and image whose name starts with ``unique``."""
    yield unique
    for container in engine.containers(all=True, filters={"name": unique}):
        try:
            engine.remove_container(container["Id"], force=True, v=True)
        except EngineError:
            pass
    for volume in engine.volumes(filters={"name": unique}).get("Volumes") or []:
        try:
            engine.remove_volume(volume["Name"], force=True)
        except EngineError:
            pass
    for network in engine.networks(filters={"name": unique}):
        try:
            engine.remove_network(network["Id"])
        except EngineError:
            pass
    for image in engine.images():
        for tag in image.get("RepoTags") or []:
            if unique in tag:
                try:
                    engine.remove_image(tag, force=True)
                except EngineError:
                    pass


def _http_get(url: str, attempts: int = 40) -> str:
    """GET ``url``, retrying while the server starts (at most ~10 s)."""
    error: Exception | None = None
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError as exc:
            error = exc
            time.sleep(0.25)
    raise AssertionError(f"{url} did not answer: {error}")


@pytest.fixture
def port() -> int:
    """A free high TCP port on this machine, for ``-p PORT:80``."""
    return unused_port()


@pytest.fixture
def http_get():
    """GET a URL as text, retrying while a server starts."""
    return _http_get


def _answers(address: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://{address}/v2/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory, missing_real_part) -> Iterator[str]:
    """A Docker registry on loopback: ``COURSE_REGISTRY`` (CI's), else one started here."""
    configured = os.environ.get("COURSE_REGISTRY")
    if configured:
        if not _answers(configured):
            pytest.fail(f"COURSE_REGISTRY={configured} does not answer /v2/")
        yield configured
        return
    binary = shutil.which("docker-registry")
    if binary is None:
        missing_real_part("no registry: set COURSE_REGISTRY or install docker-registry")
    folder: Path = tmp_path_factory.mktemp("registry")
    address = f"127.0.0.1:{unused_port()}"
    config = folder / "config.yml"
    config.write_text(
        "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n"
        f"    rootdirectory: {folder / 'data'}\nhttp:\n  addr: {address}\n"
    )
    process = subprocess.Popen(
        [binary, "serve", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(60):
            if _answers(address):
                break
            time.sleep(0.25)
        else:
            pytest.fail(f"docker-registry did not start on {address}")
        yield address
    finally:
        process.terminate()
        process.wait(timeout=10)
