"""docker-py (``docker.DockerClient``) against the sandbox daemon: the SDK's own calls work."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import docker
import pytest


@pytest.fixture
def client(daemon: str) -> docker.DockerClient:
    """A docker-py client negotiating its API version with the daemon, as from_env does."""
    return docker.DockerClient(base_url=daemon, version="auto")


def test_version_negotiation(client: docker.DockerClient) -> None:
    assert client.api.api_version == "1.51"
    assert client.ping() is True
    assert client.version()["Version"] == "28.3.3"
    assert client.info()["Images"] >= 1


def test_run_logs_wait_remove(client: docker.DockerClient) -> None:
    assert client.containers.run("busybox", ["echo", "hello"], remove=True) == b"hello\n"
    with pytest.raises(docker.errors.ContainerError) as failed:
        client.containers.run("busybox", ["sh", "-c", "echo oops >&2; exit 3"])
    assert failed.value.exit_status == 3
    assert b"oops" in failed.value.stderr


def test_detached_container_exec_and_logs(client: docker.DockerClient) -> None:
    web = client.containers.run("nginx", detach=True, name="pyweb", labels={"who": "test"})
    web.reload()
    assert (web.status, web.name, web.labels["who"]) == ("running", "pyweb", "test")
    assert [c.name for c in client.containers.list(filters={"label": "who=test"})] == ["pyweb"]
    result = web.exec_run(["sh", "-c", "echo out; echo err >&2; exit 2"], demux=True)
    assert (result.exit_code, result.output) == (2, (b"out\n", b"err\n"))
    assert web.exec_run("ls /usr/share/nginx/html").output == b"50x.html\nindex.html\n"
    assert b"Configuration complete; ready for start up" in web.logs()
    stdout_only = web.logs(stderr=False)
    assert b"start worker process" not in stdout_only
    web.stop()
    web.reload()
    assert web.status == "exited"
    web.remove()
    with pytest.raises(docker.errors.NotFound, match="No such container: pyweb"):
        client.containers.get("pyweb")


def test_images(client: docker.DockerClient) -> None:
    tags = {tag for image in client.images.list() for tag in image.tags}
    assert {"nginx:latest", "busybox:latest", "alpine:latest"} <= tags
    image = client.images.get("busybox")
    image.tag("mine", "1")
    assert "mine:1" in client.images.get("mine:1").tags
    assert [step["CreatedBy"] for step in image.history()][0] == 'CMD ["sh"]'
    client.images.remove("mine:1")
    with pytest.raises(docker.errors.ImageNotFound):
        client.images.get("mine:1")
    pulled = client.images.pull("alpine", tag="3.20")
    assert "alpine:3.20" in pulled.tags


def test_volumes_and_networks(client: docker.DockerClient) -> None:
    volume = client.volumes.create("pyvol", labels={"k": "v"})
    assert volume.attrs["Labels"]["k"] == "v"
    assert "pyvol" in [v.name for v in client.volumes.list()]
    volume.remove()
    network = client.networks.create("pynet")
    assert "pynet" in [n.name for n in client.networks.list()]
    assert client.networks.get(network.id).name == "pynet"
    network.remove()
    with pytest.raises(docker.errors.NotFound):
        client.networks.get("pynet")


def test_build_from_a_tar_context(client: docker.DockerClient, tmp_path: Path) -> None:
    context = tmp_path / "app"
    context.mkdir()
    (context / "Dockerfile").write_text(
        'FROM busybox\nCOPY hello.txt /hello.txt\nCMD ["cat", "/hello.txt"]\n'
    )
    (context / "hello.txt").write_text("built\n")
    image, log = client.images.build(path=str(context), tag="built:1")
    assert "built:1" in image.tags
    steps = [item["stream"] for item in log if item.get("stream", "").startswith("Step ")]
    assert steps[:3] == [
        "Step 1/3 : FROM busybox",  # dockerd sends the newline as an item of its own
        "Step 2/3 : COPY hello.txt /hello.txt",
        'Step 3/3 : CMD ["cat", "/hello.txt"]',
    ]
    assert client.containers.run("built:1", remove=True) == b"built\n"


def test_archive_and_df(client: docker.DockerClient) -> None:
    box = client.containers.run("busybox", ["sleep", "600"], detach=True, name="box")
    assert box.put_archive("/tmp", _tar({"note.txt": b"hi\n"}))
    assert box.exec_run("cat /tmp/note.txt").output == b"hi\n"
    stream, stat = box.get_archive("/tmp/note.txt")
    assert stat["name"] == "note.txt"
    assert b"hi\n" in b"".join(stream)
    usage = client.df()
    assert [c["Names"] for c in usage["Containers"]] == [["/box"]]
    box.remove(force=True)


def _tar(files: dict[str, bytes]) -> bytes:
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_network_aliases_connect_and_disconnect(client: docker.DockerClient) -> None:
    net = client.networks.create("appnet")
    config = client.api.create_networking_config(
        {"appnet": client.api.create_endpoint_config(aliases=["site"])}
    )
    web = client.api.create_container(
        "nginx",
        name="web",
        host_config=client.api.create_host_config(network_mode="appnet"),
        networking_config=config,
    )
    client.api.start(web["Id"])
    other = client.containers.run("busybox", ["sleep", "300"], detach=True, name="other")
    assert other.exec_run(["wget", "-qO-", "http://site"]).exit_code == 1
    net.connect(other, aliases=["helper"])
    reached = other.exec_run(["wget", "-qO-", "http://site"])
    assert reached.exit_code == 0 and b"Welcome to nginx!" in reached.output
    net.reload()
    assert sorted(c.name for c in net.containers) == ["other", "web"]
    net.disconnect(other)
    with pytest.raises(docker.errors.APIError, match="is not connected to network appnet"):
        net.disconnect(other)


def test_build_from_a_context_without_end_blocks(client: docker.DockerClient) -> None:
    """The Docker CLI's context for ``build -f -`` (Dockerfile from stdin) ends right after
    its last member's bytes, as recorded from the Docker 28.2 CLI; dockerd builds it."""
    members = [
        ("Dockerfile", b"FROM busybox\n"),
        (".dockerfile.0123456789abcdef0123", b'FROM busybox\nCMD ["echo", "from stdin"]\n'),
        (".dockerignore", b".dockerignore\n.dockerfile.0123456789abcdef0123\n"),
    ]
    body = b""
    for name, data in members:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        body += info.tobuf(tarfile.GNU_FORMAT) + data
        if name != ".dockerignore":
            body += b"\0" * (-len(data) % 512)
    items = list(
        client.api.build(
            fileobj=io.BytesIO(body),
            custom_context=True,
            dockerfile=".dockerfile.0123456789abcdef0123",
            tag="stdin:1",
            decode=True,
        )
    )
    assert not [item for item in items if "error" in item]
    assert client.containers.run("stdin:1", remove=True) == b"from stdin\n"


def test_a_registered_wait_returns_at_the_headers(daemon: str, sandbox_dir: Path) -> None:
    """The real engine's ``register_wait`` (docker-py's ``_post`` with ``stream``) returns
    once the daemon has sent the headers, while the container still runs; the body, read
    later, is the exit that came after."""
    import threading

    from grader.engine.errors import NotFound
    from grader.engine.real import RealEngine
    from grader.engine.sandbox import SandboxEngine

    kernel = SandboxEngine(sandbox_dir)
    kernel.start(kernel.create_container("busybox", ["sleep", "600"], name="web")["Id"])
    remote = RealEngine(daemon)
    registered = []
    registering = threading.Thread(
        target=lambda: registered.append(remote.register_wait("web")), daemon=True
    )
    registering.start()
    registering.join(60)  # a bound, not a pause: it returns as soon as the headers come
    assert registered, "the wait was not registered while the container ran"
    assert kernel.inspect_container("web")["State"]["Running"]
    kernel.kill("web")
    assert registered[0].result() == {"Error": None, "StatusCode": 137}
    assert remote.register_wait("web").result()["StatusCode"] == 137  # stopped: at once
    with pytest.raises(NotFound, match="No such container: nope"):
        remote.register_wait("nope")
