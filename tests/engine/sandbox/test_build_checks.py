"""The build and registry checks, graded by real outcomes on both engines."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from ports import unused_port

from grader import checks as check
from grader.checks.web import fetch
from grader.engine import get_engine
from grader.engine.errors import EngineError

DATA = Path(__file__).parents[2] / "data" / "build"


@pytest.fixture
def names() -> Iterator[str]:
    """A unique image-name prefix; every image with it is removed afterwards."""
    prefix = f"dkf-check-{uuid.uuid4().hex[:6]}"
    yield prefix
    api = get_engine()
    for item in api.images():
        for tag in item.get("RepoTags") or []:
            if prefix in tag:
                try:
                    api.remove_image(tag, force=True)
                except EngineError:
                    pass


@pytest.fixture
def registry_host(tmp_path: Path) -> Iterator[str]:
    """Debian's docker-registry on a free port, for the real engine's push and pull."""
    binary = shutil.which("docker-registry")
    if binary is None:
        yield "127.0.0.1:5000"
        return
    port = unused_port()
    config = tmp_path / "registry.yml"
    config.write_text(
        "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n"
        f"    rootdirectory: {tmp_path / 'registry'}\nhttp:\n  addr: 127.0.0.1:{port}\n"
    )
    process = subprocess.Popen([binary, "serve", str(config)], stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield f"127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def build(path: Path, tag: str, dockerfile: str | None = None) -> None:
    for item in get_engine().build(str(path), tag=tag, dockerfile=dockerfile):
        assert "error" not in item, item["error"]


def cache_and_files(tmp_path: Path, names: str) -> None:
    app = tmp_path / "app"
    shutil.copytree(DATA / "app", app)
    shutil.copy(app / "Dockerfile.fast", app / "Dockerfile")
    steps = check.cache_reuse(app)
    assert steps["RUN npm install"] is True
    assert (app / "index.js").read_text() == (DATA / "app" / "index.js").read_text()
    shutil.copy(app / "Dockerfile.slow", app / "Dockerfile")
    with pytest.raises(check.CheckFailed, match="ran 'npm install' again"):
        check.cache_reuse(app)
    with pytest.raises(check.CheckFailed, match="is not pinned"):
        check.pinned(app / "Dockerfile")

    site = tmp_path / "site"
    shutil.copytree(DATA / "website", site)
    (site / "Dockerfile").write_text("FROM nginx:1.27\nCOPY . /usr/share/nginx/html/\n")
    (site / ".env").write_text("API_KEY=secret\n")
    (site / "node_modules" / "tool").mkdir(parents=True)
    (site / "node_modules" / "tool" / "index.js").write_text("x")
    build(site, f"{names}-site:1")
    with pytest.raises(check.CheckFailed, match="must stay out of the image"):
        check.image_files(f"{names}-site:1", "/usr/share/nginx/html", absent=[".env"])
    (site / ".dockerignore").write_text("node_modules\n.env\n")
    build(site, f"{names}-site:1")
    listing = check.image_files(
        f"{names}-site:1",
        "/usr/share/nginx/html",
        present=["index.html"],
        absent=["node_modules", ".env"],
    )
    assert "50x.html" in listing
    check.built(f"{names}-site:1", base="nginx:1.27")
    with pytest.raises(check.CheckFailed, match="is not built on"):
        check.built(f"{names}-site:1", base="node:20-alpine")
    check.pinned(site / "Dockerfile")
    body = check.serves(f"{names}-site:1", port=unused_port(), contains="Hello from my own image!")
    assert "<h1>" in body
    page = check.serves(f"{names}-site:1", port=unused_port(), path="/50x.html", contains="Error")
    assert "<h1>Hello" not in page
    answers = []

    def answered(*args, **kwargs):
        found = fetch(*args, **kwargs)
        answers.append(found[0])
        return found

    with mock.patch("grader.checks.build.fetch", answered):
        with pytest.raises(check.CheckFailed, match="does not answer /api/version.json"):
            check.serves(f"{names}-site:1", port=unused_port(), path="/api/version.json")
    assert answers == [404], "a 404 from a running server is final: no waiting for the page"
    size = get_engine().inspect_image("nginx:1.27")["Size"] / 1e6
    check.sizes({"nginx:1.27": round(size, 1)})
    with pytest.raises(check.CheckFailed, match="does not match"):
        check.sizes({"nginx:1.27": size * 2})


def registry_round_trip(tmp_path: Path, names: str, host: str) -> None:
    build(DATA / "website", f"{names}-web:1")
    ref = f"{host}/{names}-web:1"
    with pytest.raises(check.CheckFailed, match="has no"):
        check.registry_tag(ref)
    api = get_engine()
    api.tag(f"{names}-web:1", f"{host}/{names}-web", "1")
    for item in api.push(f"{host}/{names}-web", "1"):
        assert "error" not in item, item["error"]
    assert check.registry_tag(ref, same_as=f"{names}-web:1") == ["1"]
    before = api.inspect_image(ref)["Id"]
    assert check.round_trip(ref) == before


def test_checks_on_the_sandbox(sandbox_dir: Path, tmp_path: Path, names: str) -> None:
    cache_and_files(tmp_path, names)
    registry_round_trip(tmp_path, names, "127.0.0.1:5000")


@pytest.mark.real_engine
@pytest.mark.slow
def test_checks_on_the_real_engine(
    real_engine, tmp_path: Path, names: str, registry_host: str
) -> None:
    cache_and_files(tmp_path, names)
    registry_round_trip(tmp_path, names, registry_host)


@pytest.mark.parametrize(
    ("base", "pinned"),
    [
        ("alpine:3.20", True),
        ("alpine:3.20.6", True),
        ("node:20.19.2-alpine", True),
        ("nginx:1.27", True),
        ("nginx@sha256:" + "a" * 64, True),
        ("alpine", False),
        ("alpine:3", False),
        ("node:20-alpine", False),
        ("node:20-alpine3.20", False),
        ("nginx:bookworm", False),
        ("node:lts", False),
    ],
)
def test_pinned_accepts_only_tags_that_start_with_a_version(
    tmp_path: Path, base: str, pinned: bool
) -> None:
    """Notebook 03: a tag is pinned when it starts with major.minor (or a digest is given)."""
    (tmp_path / "Dockerfile").write_text(f"FROM {base}\n")
    if pinned:
        assert check.pinned(tmp_path / "Dockerfile") == [base]
    else:
        with pytest.raises(check.CheckFailed, match="is not pinned"):
            check.pinned(tmp_path / "Dockerfile")
