"""A sandbox container never reaches outside what was mounted, and serves loopback only.

Symlinks planted in a bind-mounted folder point at host files; reading them through the
nginx helper or writing through them with ``docker exec`` must stay inside the container's
own view, as the kernel keeps a real container inside its mounts.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest
from ports import unused_port

MARKER = "hostile-host-secret-0f3a"


def _get(port: int, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as /proc/net/tcp* shows them) listening on ``port``."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.append(address)
    return found


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}
"""127.0.0.1 and ::1 as /proc/net/tcp and tcp6 print them."""


@pytest.fixture
def planted(hostile) -> Path:
    """A host file holding :data:`MARKER` outside the student's folder, and links to it."""
    outside = hostile.root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(MARKER)
    site = hostile.work / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>mine</h1>")
    (site / "secret").symlink_to(outside / "secret.txt")
    (site / "up").symlink_to("/")
    (site / "dotdot").symlink_to("../../../../../../../../")
    (site / "outdir").symlink_to(outside)
    return outside


@pytest.mark.slow
def test_nginx_helper_serves_the_folder_not_the_host(hostile, planted) -> None:
    port = unused_port()
    env = {"HOSTILE_ENV_MARKER": MARKER}
    started = hostile.docker(
        "run", "-d", "--name", "web", "-p", f"{port}:80", "-v", "./site:/usr/share/nginx/html",
        "nginx", env=env,
    )  # fmt: skip
    assert started.code == 0, started.output
    assert _get(port, "/")[1] == b"<h1>mine</h1>"
    for path in (
        "/secret",
        f"/up{planted}/secret.txt",
        f"/dotdot{planted}/secret.txt",
        "/outdir/secret.txt",
        "/up/proc/self/environ",
        "/dotdot/proc/self/environ",
        "/up/etc/passwd",
    ):
        status, body = _get(port, path)
        assert MARKER.encode() not in body, path
        assert b"root:x:0:0" not in body or status != 200 or _is_container_passwd(body), path
    assert set(_listening(port)) <= LOOPBACK, _listening(port)
    assert _listening(port), "nothing listens on the published port"
    table = hostile.docker("ps").stdout
    assert f"0.0.0.0:{port}->80/tcp" in table, table


def _is_container_passwd(body: bytes) -> bool:
    """The image's own /etc/passwd (what nginx would serve through the link) is fine."""
    host = Path("/etc/passwd").read_bytes()
    return body != host


@pytest.mark.slow
def test_exec_cannot_write_or_read_through_links(hostile, planted) -> None:
    data = hostile.work / "data"
    data.mkdir()
    (data / "out").symlink_to(planted)
    (data / "root").symlink_to("/")
    started = hostile.docker(
        "run", "-d", "--name", "box", "-v", "./data:/data", "busybox", "sleep", "300"
    )
    assert started.code == 0, started.output
    hostile.docker("exec", "box", "sh", "-c", "echo owned > /data/out/owned")
    hostile.docker("exec", "box", "sh", "-c", f"echo owned > /data/root{planted}/owned2")
    assert not (planted / "owned").exists()
    assert not (planted / "owned2").exists()
    read = hostile.docker("exec", "box", "cat", f"/data/root{planted}/secret.txt")
    assert MARKER not in read.output
    read = hostile.docker("exec", "box", "cat", "/data/out/secret.txt")
    assert MARKER not in read.output
    copied = hostile.docker("cp", "box:/data", str(hostile.root / "copy"))
    assert MARKER not in copied.output
    assert not any(
        MARKER in p.read_text(errors="replace")
        for p in (hostile.root / "copy").rglob("*")
        if p.is_file() and not p.is_symlink()
    )


@pytest.mark.slow
def test_writes_inside_the_mount_still_work(hostile) -> None:
    data = hostile.work / "data"
    (data / "sub").mkdir(parents=True)
    (data / "inner").symlink_to("sub")
    assert (
        hostile.docker(
            "run", "--rm", "-v", "./data:/data", "busybox", "sh", "-c", "echo ok > /data/inner/f"
        ).code
        == 0
    )
    assert (data / "sub" / "f").read_text() == "ok\n"
