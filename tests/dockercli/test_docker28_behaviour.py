"""Docker 28 behaviour the course teaches, on the sandbox (notebooks 01-05).

Each test names what a student meets: options written after the image, the shells of Debian
and Alpine images, real tags of the bundled images, names with a capitalised first part.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from grader.dockercli import execute
from grader.engine import get_engine


@pytest.fixture
def engine(sandbox_dir: Path):
    return get_engine("sandbox")


def run(engine, *argv: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = execute(list(argv), engine, stdout=out, stderr=err, timeout=20)
    return out.getvalue(), err.getvalue(), code


def test_options_after_the_image_are_the_containers_command(engine) -> None:
    started = time.monotonic()
    out, err, code = run(engine, "run", "nginx:latest", "-d", "--name", "late")
    assert time.monotonic() - started < 5, "the container exits at once; nothing waits"
    assert (out, err, code) == ("", "/docker-entrypoint.sh: 47: exec: -d: not found\n", 127)
    assert "No such container: late" in run(engine, "logs", "late")[1]
    names = run(engine, "ps", "-a", "--format", "{{.Status}}|{{.Command}}")[0]
    assert names.startswith("Exited (127) ")
    assert '"/docker-entrypoint.…"' in names
    _, err, code = run(engine, "run", "--rm", "nginx:alpine", "-p", "8080:80")
    assert (err, code) == ("/docker-entrypoint.sh: exec: line 47: -p: not found\n", 127)


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("nginx:latest", "sh: 1: frobnicate: not found\n"),
        ("node:20", "sh: 1: frobnicate: not found\n"),
        ("alpine:latest", "sh: frobnicate: not found\n"),
        ("busybox:latest", "sh: frobnicate: not found\n"),
    ],
)
def test_dash_in_debian_images_busybox_in_alpine(engine, image: str, message: str) -> None:
    assert run(engine, "run", "--rm", image, "sh", "-c", "frobnicate") == ("", message, 127)


@pytest.mark.parametrize(
    ("alias", "same_as"),
    [
        ("alpine:3", "alpine:latest"),
        ("alpine:3.22", "alpine:latest"),
        ("nginx:1.27.5", "nginx:latest"),
        ("node:20.19-alpine", "node:20-alpine"),
        ("busybox:1.37", "busybox:latest"),
    ],
)
def test_real_tags_of_the_bundled_images_pull(engine, alias: str, same_as: str) -> None:
    out, err, code = run(engine, "pull", alias)
    assert (err, code) == ("", 0)
    assert out.endswith(f"docker.io/library/{alias}\n")
    assert engine.inspect_image(alias)["Id"] == engine.inspect_image(same_as)["Id"]
    _, err, code = run(engine, "pull", "alpine:2.9")
    assert code == 1 and "manifest unknown" in err


def test_a_capitalised_first_part_is_a_registry_host(engine) -> None:
    assert run(engine, "tag", "nginx:latest", "PatrickVuscan/website:1") == ("", "", 0)
    out, err, code = run(engine, "push", "PatrickVuscan/website:1")
    assert out == "The push refers to repository [PatrickVuscan/website]\n"
    assert err == 'Get "https://PatrickVuscan/v2/": dial tcp: lookup PatrickVuscan: no such host\n'
    assert code == 1
    _, err, code = run(engine, "tag", "nginx:latest", "Website:1")
    assert code == 1 and "repository name (library/Website) must be lowercase" in err


def test_publishing_on_loopback_only(engine) -> None:
    run(engine, "run", "-d", "--name", "local", "-p", "127.0.0.1:8089:80", "nginx:latest")
    out, _, _ = run(engine, "port", "local")
    assert out == "80/tcp -> 127.0.0.1:8089\n"
    run(engine, "run", "-d", "--name", "everywhere", "-p", "8090:80", "nginx:latest")
    out, _, _ = run(engine, "port", "everywhere")
    assert out == "80/tcp -> 0.0.0.0:8090\n80/tcp -> [::]:8090\n"


def test_nginx_answers_only_on_the_port_it_listens_on(engine, tmp_path: Path) -> None:
    from grader.checks.web import fetch

    site = tmp_path / "shop"
    site.mkdir()
    (site / "default.conf").write_text("server {\n    listen 8081;\n}\n")
    (site / "Dockerfile").write_text(
        "FROM nginx:latest\nCOPY default.conf /etc/nginx/conf.d/default.conf\n"
    )
    assert run(engine, "build", "-q", "-t", "shop:1", str(site))[2] == 0

    ports = {}
    for name, spec in (("right", "8081"), ("wrong", "80")):
        assert run(engine, "run", "-d", "--name", name, "-p", f"0:{spec}", "shop:1")[2] == 0
        out = run(engine, "port", name)[0]
        ports[name] = int(out.split("\n")[0].rsplit(":", 1)[1])
    assert fetch(ports["right"], wait=5)[0] == 200
    with pytest.raises(OSError):
        fetch(ports["wrong"])


def test_nginx_refuses_directives_without_their_semicolon(engine) -> None:
    out, err, code = run(
        engine, "run", "--name", "api", "nginx:latest", "nginx", "-g", "daemon off"
    )
    assert code == 1
    assert err.endswith('[emerg] 1#1: unexpected end of parameter, expecting ";" in command line\n')
    assert "Configuration complete; ready for start up" in out
    status = run(engine, "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "api")[0]
    assert status == "exited 1\n"


def test_layer_sizes_are_plausible(engine, tmp_path: Path) -> None:
    """A COPY of a small script adds bytes, not megabytes; an Alpine base is about 8 MB."""
    (tmp_path / "hello.sh").write_text("#!/bin/sh\necho hi\n")
    (tmp_path / "Dockerfile").write_text(
        'FROM alpine:3.20\nCOPY hello.sh /usr/local/bin/\nCMD ["hello.sh"]\n'
    )
    assert run(engine, "build", "-q", "-t", "sized:1", str(tmp_path))[2] == 0
    rows = run(engine, "history", "--format", "{{.CreatedBy}}|{{.Size}}", "sized:1")[0]
    sizes = dict(line.rsplit("|", 1) for line in rows.splitlines())
    copy = next(size for step, size in sizes.items() if "COPY" in step)
    assert copy == "18B"
    base = engine.inspect_image("alpine:3.20")["Size"]
    assert 7_000_000 < base < 9_000_000
    assert engine.inspect_image("sized:1")["Size"] == base + 18
