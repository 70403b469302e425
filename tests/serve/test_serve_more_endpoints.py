"""update, export, build prune, login, search and swarm objects on the sandbox daemon.

Each is driven by docker-py and by the Docker 28 CLI (``/usr/local/bin/docker``, skipped
where it is not installed, as in ``test_serve_docker_cli.py``). The sandbox has no network:
``/auth`` accepts a login to the course's own registry and otherwise answers, as
``/images/search`` does, as dockerd does when the registry cannot be reached. Swarm
objects answer as dockerd outside a swarm; ``/swarm/init`` is refused.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

import docker
import pytest

DOCKER = Path("/usr/local/bin/docker")
needs_cli = pytest.mark.skipif(not DOCKER.exists(), reason="the Docker 28 CLI is not installed")


@pytest.fixture
def client(daemon: str) -> docker.DockerClient:
    return docker.DockerClient(base_url=daemon, version="auto")


def cli(daemon: str, home: Path, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    """The real CLI on the daemon: (exit code, stdout, stderr)."""
    done = subprocess.run(
        [str(DOCKER), *argv],
        env={"DOCKER_HOST": daemon, "HOME": str(home), "DOCKER_CONFIG": str(home / ".docker")},
        input=stdin.encode(),
        capture_output=True,
        timeout=60,
    )
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def test_update_changes_limits_and_restart_policy(client: docker.DockerClient) -> None:
    web = client.containers.run("nginx", detach=True, name="web", mem_limit="512m")
    assert client.api.update_container(
        "web", mem_limit="256m", restart_policy={"Name": "on-failure", "MaximumRetryCount": 3}
    ) == {"Warnings": []}
    web.reload()
    host = web.attrs["HostConfig"]
    assert host["Memory"] == 256 * 1024 * 1024
    assert host["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 3}
    with pytest.raises(docker.errors.APIError, match="unknown policy 'sometimes'"):
        client.api.update_container("web", restart_policy={"Name": "sometimes"})
    with pytest.raises(docker.errors.NotFound, match="No such container: nothing"):
        client.api.update_container("nothing", mem_limit="1g")


def test_export_is_the_container_filesystem(client: docker.DockerClient) -> None:
    box = client.containers.run("busybox", ["sleep", "600"], detach=True, name="box")
    box.exec_run(["sh", "-c", "echo kept > /tmp/note.txt"])
    with tarfile.open(fileobj=io.BytesIO(b"".join(box.export()))) as archive:
        names = archive.getnames()
        note = archive.extractfile("tmp/note.txt")
        assert note is not None and note.read() == b"kept\n"
    assert "bin/busybox" in names
    assert not any(name.startswith(("/", "./")) for name in names)


def test_build_prune_forgets_the_cache(client: docker.DockerClient, tmp_path: Path) -> None:
    # A context of its own: tmp_path also holds the daemon's state folder, whose temporary
    # files come and go while docker-py lists the context (CI: one vanished mid-listing).
    context = tmp_path / "context"
    context.mkdir()
    (context / "Dockerfile").write_text("FROM busybox\nRUN echo one > /one\n")
    client.images.build(path=str(context), tag="cached:1")
    _, again = client.images.build(path=str(context), tag="cached:1")
    assert any("Using cache" in item.get("stream", "") for item in again)
    pruned = client.api.prune_builds()
    assert pruned["CachesDeleted"] and pruned["SpaceReclaimed"] == 0
    assert client.api.prune_builds()["CachesDeleted"] is None
    _, rebuilt = client.images.build(path=str(context), tag="cached:1")
    assert not any("Using cache" in item.get("stream", "") for item in rebuilt)


def test_login_reaches_only_the_course_registry_and_search_no_hub(
    client: docker.DockerClient,
) -> None:
    assert client.login("student", "secret", registry="localhost:5000") == {
        "IdentityToken": "",
        "Status": "Login Succeeded",
    }
    with pytest.raises(docker.errors.APIError) as local:
        client.login("student", "secret", registry="localhost:5001")
    assert local.value.status_code == 500
    assert local.value.explanation == (
        'Get "http://localhost:5001/v2/": dial tcp localhost:5001: connect: connection refused'
    )
    with pytest.raises(docker.errors.APIError, match=r"lookup registry-1\.docker\.io: no such"):
        client.login("student", "secret")
    with pytest.raises(docker.errors.APIError) as search:
        client.images.search("nginx", limit=5)
    assert search.value.explanation == (
        'Get "https://index.docker.io/v1/search?q=nginx&n=5": '
        "dial tcp: lookup index.docker.io: no such host"
    )


NOT_A_MANAGER = (
    'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to '
    "connect this node to swarm and try again."
)
NO_SWARM_MODE = (
    "the course's sandbox engine does not run swarm mode: "
    "services, stacks and swarm nodes need a real Docker Engine"
)


def test_swarm_objects_answer_as_a_node_outside_a_swarm(client: docker.DockerClient) -> None:
    api = client.api
    for listing in (api.services, api.nodes, api.secrets, api.configs):
        with pytest.raises(docker.errors.APIError) as refused:
            listing()
        assert (refused.value.status_code, refused.value.explanation) == (503, NOT_A_MANAGER)
    assert api.plugins() == []
    with pytest.raises(docker.errors.APIError) as init:
        api.init_swarm()
    assert (init.value.status_code, init.value.explanation) == (501, NO_SWARM_MODE)


@needs_cli
def test_the_docker_cli_updates_exports_prunes(
    client: docker.DockerClient, daemon: str, tmp_path: Path
) -> None:
    client.containers.run("busybox", ["sleep", "600"], detach=True, name="box")
    assert cli(daemon, tmp_path, "update", "--cpus", "1", "--restart", "always", "box") == (
        0,
        "box\n",
        "",
    )
    host = client.api.inspect_container("box")["HostConfig"]
    assert (host["NanoCpus"], host["RestartPolicy"]["Name"]) == (10**9, "always")
    code, _, err = cli(daemon, tmp_path, "update", "--restart", "foo", "box")
    assert (code, err) == (
        1,
        "Error response from daemon: invalid restart policy: unknown policy 'foo'; "
        "use one of 'no', 'always', 'on-failure', or 'unless-stopped'\n",
    )
    assert cli(daemon, tmp_path, "export", "-o", str(tmp_path / "box.tar"), "box")[0] == 0
    with tarfile.open(tmp_path / "box.tar") as archive:
        assert "bin/busybox" in archive.getnames()
    code, out, _ = cli(daemon, tmp_path, "builder", "prune", "-f")
    assert (code, out) == (0, "Total reclaimed space: 0B\n")


@needs_cli
def test_the_docker_cli_login_and_search(daemon: str, tmp_path: Path) -> None:
    code, out, _ = cli(
        daemon, tmp_path, "login", "-u", "student", "--password-stdin", "localhost:5000",
        stdin="secret\n",
    )  # fmt: skip
    assert (code, out) == (0, "Login Succeeded\n")
    code, _, err = cli(
        daemon, tmp_path, "login", "-u", "student", "--password-stdin", "localhost:5001",
        stdin="secret\n",
    )  # fmt: skip
    assert (code, err) == (
        1,
        'Error response from daemon: Get "http://localhost:5001/v2/": dial tcp '
        "localhost:5001: connect: connection refused\n",
    )
    code, _, err = cli(daemon, tmp_path, "search", "nginx")
    assert code == 1
    assert err.endswith("dial tcp: lookup index.docker.io: no such host\n")


@needs_cli
def test_the_docker_cli_on_swarm_objects_and_plugins(daemon: str, tmp_path: Path) -> None:
    for argv in (["service", "ls"], ["stack", "ls"], ["node", "ls"], ["secret", "ls"]):
        assert cli(daemon, tmp_path, *argv) == (
            1,
            "",
            f"Error response from daemon: {NOT_A_MANAGER}\n",
        )
    assert cli(daemon, tmp_path, "plugin", "ls") == (
        0,
        "ID        NAME      DESCRIPTION   ENABLED\n",
        "",
    )
    assert cli(daemon, tmp_path, "swarm", "init") == (
        1,
        "",
        f"Error response from daemon: {NO_SWARM_MODE}\n",
    )


def test_start_and_stop_answer_304_when_nothing_changes(client: docker.DockerClient) -> None:
    """dockerd's Not Modified: a start of a running container, a stop of a stopped one."""
    api = client.api
    api.create_container("busybox", ["sleep", "600"], name="napper")

    def status(action: str) -> int:
        return api._post(api._url(f"/containers/{{0}}/{action}", "napper")).status_code

    assert status("stop") == 304  # created, never started
    assert status("start") == 204
    assert status("start") == 304
    assert status("stop") == 204
    assert status("stop") == 304
    assert status("start") == 204


@needs_cli
def test_system_df_prints_what_the_docker_cli_prints(
    client: docker.DockerClient, daemon: str, sandbox_dir: Path, tmp_path: Path
) -> None:
    from grader.dockercli import execute
    from grader.engine.sandbox import SandboxEngine

    client.volumes.create("data")
    client.containers.run("busybox", ["sleep", "600"], detach=True, name="box", volumes=["data:/d"])
    client.containers.create("nginx", name="idle")
    engine = SandboxEngine(sandbox_dir)
    for argv in (
        ["system", "df"],
        ["system", "df", "--format", "{{json .}}"],
        ["system", "df", "-v", "--format", "{{range .Volumes}}{{.Name}} {{.Links}};{{end}}"],
    ):
        out = io.StringIO()
        assert execute(argv, engine, stdout=out, stderr=out) == 0
        assert out.getvalue() == cli(daemon, tmp_path, *argv)[1], argv
