"""The build context: the client's refusals, what COPY/ADD selects, the content hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.dockerfile.context import BuildContext, ContextError, client_side_error


@pytest.fixture
def app(tmp_path: Path) -> Path:
    files = {
        "Dockerfile": "FROM node:20-alpine\n",
        "package.json": "{}",
        "package-lock.json": "{}",
        "index.js": "console.log(1)\n",
        "src/a.js": "a",
        ".env": "SECRET=1",
        "node_modules/x/index.js": "x",
        ".dockerignore": "node_modules\n.env\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_client_side_errors_match_the_docker_cli(app: Path) -> None:
    assert client_side_error(app) is None
    missing = client_side_error(app / "nope")
    assert missing == f'unable to prepare context: path "{app}/nope" not found'
    assert client_side_error(app, "web/Dockerfile") == (
        "unable to prepare context: unable to evaluate symlinks in Dockerfile path: "
        f"lstat {app}/web/Dockerfile: no such file or directory"
    )
    (app / "docker").mkdir()
    (app / "docker" / "Dockerfile.dev").write_text("FROM alpine\n")
    assert client_side_error(app, "docker/Dockerfile.dev") is None


def test_dockerignore_keeps_secrets_and_modules_out(app: Path) -> None:
    context = BuildContext(app)
    assert ".env" not in context.sent
    assert not any(name.startswith("node_modules") for name in context.sent)
    assert {"index.js", "src/", "src/a.js", "package.json"} <= context.sent


def test_copy_sources_and_errors(app: Path) -> None:
    context = BuildContext(app)
    picked = context.select("COPY", ["package*.json"])
    assert [source.relative for source in picked] == ["package-lock.json", "package.json"]
    assert [s.relative for s in context.select("COPY", ["src"])] == ["src"]
    with pytest.raises(ContextError, match="excluded by .dockerignore: stat .env"):
        context.select("COPY", [".env"])
    with pytest.raises(ContextError, match="no source files were specified"):
        context.select("COPY", ["*.py"])
    with pytest.raises(ContextError, match="forbidden path outside the build context"):
        context.select("ADD", ["../secret"])


def test_content_hash_follows_bytes_not_times(app: Path) -> None:
    context = BuildContext(app)
    sources = context.select("COPY", ["."])
    before = context.content_hash(sources)
    assert before.startswith("dir:")
    (app / "index.js").touch()
    assert BuildContext(app).content_hash(sources) == before
    (app / "index.js").write_text("console.log(2)\n")
    assert BuildContext(app).content_hash(sources) != before
    assert context.content_hash(context.select("COPY", ["package*.json"])).startswith("multi:")
