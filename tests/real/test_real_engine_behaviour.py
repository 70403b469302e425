"""Behaviour of the real engine: ports, bind mounts, read-only, volumes-from, labels, errors."""

from __future__ import annotations

import pytest
from rawhttp import response_head

from grader.engine import errors

pytestmark = pytest.mark.real_engine


def _run(engine, image: str, name: str, command=None, **host) -> str:
    created = engine.create_container(
        image, command, name=name, host_config=engine.create_host_config(**host)
    )
    engine.start(created["Id"])
    return created["Id"]


def test_nginx_serves_the_bind_mounted_page_on_the_published_port(
    engine, cleanup_names, tmp_path, port, http_get
):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>course page</h1>\n")
    _run(
        engine,
        "nginx:latest",
        f"{cleanup_names}-web",
        port_bindings={80: port},
        binds=[f"{site}:/usr/share/nginx/html:ro"],
    )
    assert http_get(f"http://127.0.0.1:{port}/") == "<h1>course page</h1>\n"
    # access.log goes to the container's stdout, and from there to its log a moment after
    # the response (CI once read the log before the line was in it): follow until it comes
    followed = engine.logs(f"{cleanup_names}-web", follow=True)
    assert any(b'"GET / HTTP/1.1" 200' in line for _, line in followed)


def test_a_directory_redirects_to_its_slash_on_the_host_asked_without_the_port(
    engine, cleanup_names, tmp_path, port, http_get
):
    """The sandbox's twin: tests/engine/sandbox/test_http.py."""
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "index.html").write_text("<h1>docs</h1>\n")
    (site / "empty").mkdir()
    _run(
        engine,
        "nginx:latest",
        f"{cleanup_names}-web",
        port_bindings={80: port},
        binds=[f"{site}:/usr/share/nginx/html:ro"],
    )
    assert http_get(f"http://127.0.0.1:{port}/docs/") == "<h1>docs</h1>\n"
    status, headers = response_head(port, "/docs", f"localhost:{port}")
    assert (status, headers["Location"]) == (
        "HTTP/1.1 301 Moved Permanently",
        "http://localhost/docs/",
    )
    assert response_head(port, "/docs", f"127.0.0.1:{port}")[1]["Location"] == (
        "http://127.0.0.1/docs/"
    )
    assert response_head(port, "/empty/", "localhost")[0] == "HTTP/1.1 403 Forbidden"


def test_default_nginx_page_is_the_welcome_page(engine, cleanup_names, port, http_get):
    _run(engine, "nginx:1.27", f"{cleanup_names}-web", port_bindings={80: port})
    assert "<title>Welcome to nginx!</title>" in http_get(f"http://127.0.0.1:{port}/")


def test_read_only_bind_forbids_writes_from_exec(engine, cleanup_names, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    name = f"{cleanup_names}-ro"
    _run(engine, "busybox", name, ["sleep", "300"], binds=[f"{data}:/data:ro"])
    code, _out, err = engine.exec_run(name, ["sh", "-c", "echo x > /data/file"])
    assert code != 0
    assert b"Read-only file system" in err
    assert not (data / "file").exists()


def test_volumes_from_shares_data_and_it_survives_stop_and_start(engine, cleanup_names):
    writer = f"{cleanup_names}-writer"
    reader = f"{cleanup_names}-reader"
    volume = engine.create_volume(f"{cleanup_names}-vol")["Name"]
    _run(engine, "busybox", writer, ["sleep", "300"], binds=[f"{volume}:/shared"])
    assert engine.exec_run(writer, ["sh", "-c", "echo hello > /shared/msg"])[0] == 0
    _run(engine, "busybox", reader, ["sleep", "300"], volumes_from=[writer])
    assert engine.exec_run(reader, ["cat", "/shared/msg"])[1] == b"hello\n"
    engine.stop(reader, timeout=0)
    engine.start(reader)
    assert engine.exec_run(reader, ["cat", "/shared/msg"])[1] == b"hello\n"
    assert engine.inspect_container(reader)["State"]["Running"] is True


def test_every_created_object_carries_the_course_label(engine, cleanup_names, tmp_path):
    name = f"{cleanup_names}-c"
    engine.create_container("busybox", ["true"], name=name, labels={"app": "web"})
    assert engine.inspect_container(name)["Config"]["Labels"] == {
        "app": "web",
        "course": "docker-k8s",
    }
    volume = engine.create_volume(f"{cleanup_names}-v")
    assert volume["Labels"] == {"course": "docker-k8s"}
    network = engine.create_network(f"{cleanup_names}-n")
    assert engine.inspect_network(network["Id"])["Labels"] == {"course": "docker-k8s"}
    (tmp_path / "Dockerfile").write_text('FROM busybox\nCMD ["echo", "built"]\n')
    tags = [f"{cleanup_names}-img:1", f"{cleanup_names}-img:2"]
    items = list(engine.build(str(tmp_path), tag=tags))
    assert not [item for item in items if "error" in item]
    for tag in tags:
        assert engine.inspect_image(tag)["Config"]["Labels"]["course"] == "docker-k8s"


def test_daemon_errors_become_course_errors_with_the_daemon_text(engine, cleanup_names):
    name = f"{cleanup_names}-dup"
    _run(engine, "busybox", name, ["sleep", "300"])
    with pytest.raises(errors.Conflict, match="is already in use"):
        engine.create_container("busybox", name=name)
    with pytest.raises(errors.Conflict, match="cannot remove a running container"):
        engine.remove_container(name)
    with pytest.raises(errors.NotFound, match=f"No such container: {cleanup_names}-none"):
        engine.inspect_container(f"{cleanup_names}-none")
    with pytest.raises(errors.ImageNotFound):
        engine.inspect_image(f"{cleanup_names}-no-such-image")


def test_exec_of_a_missing_shell_reports_like_docker(engine, cleanup_names):
    name = f"{cleanup_names}-sh"
    _run(engine, "busybox", name, ["sleep", "300"])
    code, out, err = engine.exec_run(name, ["bash"])
    assert code == 126
    assert err == b""  # the daemon writes the failure into the exec's stdout stream
    assert out.startswith(b"OCI runtime exec failed")
    assert b'"bash": executable file not found in $PATH' in out
    assert engine.exec_run(name, ["sh", "-c", "echo o; echo e >&2; exit 3"]) == (3, b"o\n", b"e\n")


def test_logs_keep_streams_apart_and_honour_tail(engine, cleanup_names):
    name = f"{cleanup_names}-logs"
    _run(engine, "busybox", name, ["sh", "-c", "echo one; echo two >&2; echo three"])
    engine.wait(name)
    lines = list(engine.logs(name))
    assert sorted(lines) == sorted(
        [("stdout", b"one\n"), ("stderr", b"two\n"), ("stdout", b"three\n")]
    )
    assert list(engine.logs(name, stderr=False)) == [("stdout", b"one\n"), ("stdout", b"three\n")]
    counted = f"{cleanup_names}-count"
    _run(engine, "busybox", counted, ["sh", "-c", "echo one; echo two; echo three"])
    engine.wait(counted)
    assert list(engine.logs(counted, tail=2)) == [("stdout", b"two\n"), ("stdout", b"three\n")]


def test_course_images_look_like_the_ones_they_stand_in_for(engine, cleanup_names):
    nginx = engine.inspect_image("nginx:latest")["Config"]
    assert nginx["Cmd"] == ["nginx", "-g", "daemon off;"]
    assert nginx["ExposedPorts"] == {"80/tcp": {}}
    assert nginx["StopSignal"] == "SIGQUIT"
    name = f"{cleanup_names}-hello"
    _run(engine, "hello-world", name)
    engine.wait(name)
    text = b"".join(line for _, line in engine.logs(name)).decode()
    assert text.startswith("\nHello from Docker!\n")
    assert engine.inspect_image("hello-world")["Size"] < 64 * 1024
    node = f"{cleanup_names}-node"
    _run(engine, "node:20", node, ["node", "-e", "console.log(process.versions.node)"])
    engine.wait(node)
    version = b"".join(line for _, line in engine.logs(node)).decode()
    assert version.startswith("20.")


def test_npm_install_works_offline_in_the_node_image(engine, cleanup_names, tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "package.json").write_text('{"name": "lib", "version": "1.0.0"}\n')
    (tmp_path / "package.json").write_text(
        '{"name": "app", "version": "1.0.0", "dependencies": {"lib": "file:./lib"}}\n'
    )
    (tmp_path / "Dockerfile").write_text(
        "FROM node:20\nWORKDIR /app\nCOPY package.json .\nCOPY lib lib\n"
        "RUN npm install --no-audit --no-fund\nCOPY . .\n"
    )
    items = list(engine.build(str(tmp_path), tag=f"{cleanup_names}-npm"))
    assert not [item for item in items if "error" in item], items
    assert any("added 1 package" in item.get("stream", "") for item in items)


def test_grading_mode_refuses_unsafe_containers_before_creating_them(
    engine, cleanup_names, monkeypatch
):
    monkeypatch.setenv("COURSE_GRADING", "1")
    unsafe = [
        {"privileged": True},
        {"binds": ["/var/run/docker.sock:/var/run/docker.sock"]},
        {"binds": ["/:/host:ro"]},
        {"binds": ["/etc:/host-etc"]},
    ]
    for index, host in enumerate(unsafe):
        with pytest.raises(errors.GradingRefused):
            _run(engine, "busybox", f"{cleanup_names}-unsafe{index}", ["true"], **host)
    assert engine.containers(all=True, filters={"name": cleanup_names}) == []
    safe = f"{cleanup_names}-safe"
    _run(engine, "busybox", safe, ["true"], binds=[f"{cleanup_names}-data:/etc"])
    assert engine.inspect_container(safe)["HostConfig"]["Binds"] == [f"{cleanup_names}-data:/etc"]


def test_restart_without_a_timeout_uses_the_containers_own(engine, cleanup_names):
    """``docker restart NAME`` (no -t): docker-py's restart would fail on timeout=None."""
    name = f"{cleanup_names}-restart"
    created = engine.create_container(
        "busybox",
        ["sleep", "300"],
        name=name,
        stop_timeout=1,
        host_config=engine.create_host_config(),
    )
    engine.start(created["Id"])
    started = engine.inspect_container(name)["State"]["StartedAt"]
    engine.restart(name)
    state = engine.inspect_container(name)["State"]
    assert state["Running"] and state["StartedAt"] != started


def test_a_registered_wait_counts_the_exit_after_its_registration(engine, cleanup_names):
    """dockerd registers the wait before its headers: ``register_wait`` returns while the
    container runs, and its answer is the exit after it. (Across a ``restart`` dockerd 20.10
    once answered 0 instead of the killed process's 137, a race of its own: the sandbox's
    restart case is in tests/engine/sandbox/test_registered_wait.py.)"""
    name = f"{cleanup_names}-wait"
    _run(engine, "busybox", name, ["sleep", "600"])
    registered = engine.register_wait(name)
    assert engine.inspect_container(name)["State"]["Running"]
    engine.kill(name)
    assert registered.result()["StatusCode"] == 137
    stopped = engine.register_wait(name)  # not running: answered at once
    assert stopped.result()["StatusCode"] == 137
    with pytest.raises(errors.NotFound):
        engine.register_wait(f"{cleanup_names}-missing")
