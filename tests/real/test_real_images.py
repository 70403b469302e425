"""The offline image builder: mirror discovery, static busybox check, idempotent runs."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from grader.images import all_tags, main
from grader.images.debian import apt_mirror, host_suite
from grader.images.recipes import _is_static_elf

COURSE_TAGS = {
    "hello-world:latest", "busybox:latest", "alpine:latest", "alpine:3.20", "nginx:latest",
    "nginx:1.27", "nginx:alpine", "node:20", "node:20-alpine",
}  # fmt: skip


def test_every_course_tag_has_a_recipe():
    assert set(all_tags()) == COURSE_TAGS


def test_mirror_comes_from_deb822_sources(tmp_path):
    (tmp_path / "debian.sources").write_text(
        "Types: deb\n# a comment\nURIs: http://mirror.example/debian\n"
        "Suites: bookworm bookworm-updates\nComponents: main\n\n"
        "Types: deb\nURIs: http://security.example/debian-security\n"
        "Suites: bookworm-security\nComponents: main\n"
    )
    assert apt_mirror("bookworm", tmp_path / "none", tmp_path) == "http://mirror.example/debian"


def test_mirror_comes_from_one_line_sources(tmp_path):
    listing = tmp_path / "sources.list"
    listing.write_text(
        "# deb http://old.example/debian bookworm main\n"
        "deb [arch=amd64 signed-by=/k.gpg] http://one.example/debian bookworm main\n"
    )
    assert apt_mirror("bookworm", listing, tmp_path / "none") == "http://one.example/debian"
    assert apt_mirror("trixie", listing, tmp_path / "none") == "http://deb.debian.org/debian"


def test_suite_is_read_from_os_release(tmp_path):
    release = tmp_path / "os-release"
    release.write_text('NAME="Debian GNU/Linux"\nVERSION_CODENAME=bookworm\n')
    assert host_suite(release) == "bookworm"
    assert host_suite(tmp_path / "missing") == "bookworm"


def test_static_elf_detection(missing_real_part):
    if not Path("/bin/busybox").exists():
        missing_real_part("busybox-static is not installed (the course's images need it)")
    assert _is_static_elf(Path("/bin/busybox"))
    assert not _is_static_elf(Path(shutil.which("python3") or "/usr/bin/python3"))


def test_unknown_tag_is_a_clear_error():
    out = io.StringIO()
    assert main(tags=["nginx:9.99"], docker_host="unix:///nonexistent.sock", out=out) == 1
    assert "no offline recipe for nginx:9.99" in out.getvalue()


@pytest.mark.real_engine
def test_second_run_skips_present_tags(course_images, real_docker_host):
    out = io.StringIO()
    assert main(tags=["busybox:latest", "nginx:alpine"], docker_host=real_docker_host, out=out) == 0
    assert out.getvalue().count("present, skipped") == 2
