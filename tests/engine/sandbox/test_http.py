"""nginx containers with -p serve real HTTP on the host, even after the shim exits."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from rawhttp import response_head

from grader.engine.errors import EngineError
from grader.engine.sandbox import SandboxEngine


def get(port: int, path: str = "/") -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def web(engine: SandboxEngine, port: int, name: str = "website", **hc) -> str:
    host_config = engine.create_host_config(port_bindings={80: port}, **hc)
    cid = engine.create_container("nginx:latest", name=name, ports=[80], host_config=host_config)
    engine.start(cid["Id"])
    return cid["Id"]


def test_welcome_page_404_and_access_log(engine: SandboxEngine, port: int) -> None:
    web(engine, port)
    status, headers, body = get(port)
    assert status == 200
    assert headers["Server"] == "nginx/1.27.5"
    assert b"<title>Welcome to nginx!</title>" in body and len(body) == 615
    status, _, body = get(port, "/missing.html")
    assert status == 404
    assert b"<center><h1>404 Not Found</h1></center>" in body
    logs = [line.decode() for _, line in engine.logs("website", tail=3)]
    assert '"GET / HTTP/1.1" 200 615 "-"' in logs[0]
    assert 'open() "/usr/share/nginx/html/missing.html" failed (2: No such file' in logs[1]
    assert '"GET /missing.html HTTP/1.1" 404' in logs[2]
    [listed] = engine.containers()
    assert {(p["IP"], p["PublicPort"], p["PrivatePort"]) for p in listed["Ports"]} == {
        ("0.0.0.0", port, 80),
        ("::", port, 80),
    }


def test_bind_mounted_site_changes_show_at_once(
    engine: SandboxEngine, port: int, tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text("<h1>mine</h1>\n")
    web(engine, port, binds={str(tmp_path): {"bind": "/usr/share/nginx/html", "mode": "ro"}})
    assert get(port)[2] == b"<h1>mine</h1>\n"
    (tmp_path / "index.html").write_text("<h1>changed</h1>\n")
    (tmp_path / "about.html").write_text("about\n")
    assert get(port)[2] == b"<h1>changed</h1>\n"
    assert get(port, "/about.html")[2] == b"about\n"


def test_files_written_inside_the_container_are_served(engine: SandboxEngine, port: int) -> None:
    cid = web(engine, port)
    engine.exec_run(cid, ["sh", "-c", "echo hi > /usr/share/nginx/html/hi.txt"])
    status, headers, body = get(port, "/hi.txt")
    assert (status, body) == (200, b"hi\n")
    assert headers["Content-Type"] == "text/plain"


def test_a_directory_redirects_to_its_slash_then_serves_its_index_or_403(
    engine: SandboxEngine, port: int, tmp_path: Path
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.html").write_text("<h1>docs</h1>\n")
    (tmp_path / "empty").mkdir()
    web(engine, port, binds={str(tmp_path): {"bind": "/usr/share/nginx/html", "mode": "ro"}})
    # nginx names the Host header's host and its own port 80 (left out): not the published
    # port the client went through, the classic surprise of a redirect behind -p 8080:80.
    status, headers = response_head(port, "/docs", f"localhost:{port}")
    assert (status, headers["Location"]) == (
        "HTTP/1.1 301 Moved Permanently",
        "http://localhost/docs/",
    )
    assert response_head(port, "/docs", f"127.0.0.1:{port}")[1]["Location"] == (
        "http://127.0.0.1/docs/"
    )
    assert get(port, "/docs/")[2] == b"<h1>docs</h1>\n"
    assert get(port, "/empty/")[0] == 403


def test_port_already_allocated_by_another_container(engine: SandboxEngine, port: int) -> None:
    web(engine, port)
    hc = engine.create_host_config(port_bindings={80: port})
    second = engine.create_container("nginx", name="website2", ports=[80], host_config=hc)["Id"]
    with pytest.raises(EngineError) as error:
        engine.start(second)
    message = error.value.explanation
    assert message.startswith(
        "driver failed programming external connectivity on endpoint website2 ("
    )
    assert message.endswith(f"): Bind for 0.0.0.0:{port} failed: port is already allocated")
    state = engine.inspect_container(second)["State"]
    assert (state["Status"], state["ExitCode"], state["Error"]) == ("created", 128, message)


def test_port_held_by_another_program(engine: SandboxEngine, port: int) -> None:
    with socket.socket() as other:
        other.bind(("0.0.0.0", port))
        other.listen()
        hc = engine.create_host_config(port_bindings={80: port})
        cid = engine.create_container("nginx", name="website", ports=[80], host_config=hc)["Id"]
        with pytest.raises(EngineError) as error:
            engine.start(cid)
    assert error.value.explanation.endswith(
        f"failed to bind host port for 0.0.0.0:{port}:172.17.0.2:80/tcp: address already in use"
    )


def test_random_host_port_with_publish_all(engine: SandboxEngine) -> None:
    hc = engine.create_host_config(publish_all_ports=True)
    cid = engine.create_container("nginx", host_config=hc)["Id"]
    engine.start(cid)
    bound = engine.port(cid, 80)
    assert bound[0]["HostIp"] == "0.0.0.0"
    assert get(int(bound[0]["HostPort"]))[0] == 200


def test_non_web_containers_close_connections(engine: SandboxEngine, port: int) -> None:
    """Nothing listens inside: the proxy drops the connection (curl: reset or empty reply)."""
    hc = engine.create_host_config(port_bindings={3000: port})
    cid = engine.create_container("busybox", ["sleep", "1000"], ports=[3000], host_config=hc)
    engine.start(cid["Id"])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            assert conn.recv(100) == b""
        except ConnectionResetError:
            pass


def test_server_outlives_the_shim_and_stops_with_the_container(
    sandbox_dir: Path, port: int
) -> None:
    script = textwrap.dedent(
        f"""
        from grader.engine.sandbox import SandboxEngine
        e = SandboxEngine({str(sandbox_dir)!r})
        hc = e.create_host_config(port_bindings={{80: {port}}})
        e.start(e.create_container("nginx", name="website", ports=[80], host_config=hc)["Id"])
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=30)
    assert get(port)[0] == 200
    engine = SandboxEngine(sandbox_dir)
    engine.stop("website")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    engine.start("website")
    assert get(port)[0] == 200
    SandboxEngine.shutdown_all(sandbox_dir)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_shutdown_all_also_ends_helpers_whose_record_was_lost(
    engine: SandboxEngine, port: int
) -> None:
    web(engine, port)
    with engine.store.write() as db:
        db.execute("DELETE FROM servers")
    assert get(port)[0] == 200
    SandboxEngine.shutdown_all(engine.state_dir)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_helper_ends_when_its_container_is_gone(engine: SandboxEngine, port: int) -> None:
    import time

    cid = web(engine, port)
    with engine.store.write() as db:
        db.execute("DELETE FROM servers")
        db.execute("DELETE FROM containers WHERE id = ?", (cid,))
    deadline = time.time() + 6
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return
        time.sleep(0.2)
    pytest.fail("the helper kept serving a removed container")
