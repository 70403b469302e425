"""The network and Compose checks of notebook 08: they judge state and the parsed file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from grader.checks import networks as net
from grader.checks.failure import CheckFailed
from grader.dockercli import run_script
from grader.engine import get_engine


@pytest.fixture
def docker(sandbox_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run docker lines as a student's cell would (recorded in the history)."""
    monkeypatch.chdir(tmp_path)
    engine = get_engine("sandbox")

    def run(script: str) -> str:
        out, err = io.StringIO(), io.StringIO()
        run_script(script, engine=engine, stdout=out, stderr=err, cwd=str(tmp_path), timeout=2)
        return out.getvalue() + err.getvalue()

    run("docker pull -q nginx:latest\ndocker pull -q busybox:latest")
    return run


def test_network_and_reaches_pass_for_either_way_of_joining(docker, capsys) -> None:
    docker(
        "docker network create shop-net\n"
        "docker run -d --name shop-web --network shop-net nginx:latest\n"
        "docker run -d --name shop-client busybox:latest sleep 3600\n"
        "docker network connect shop-net shop-client"
    )
    net.network("shop-net", containers=["shop-web", "shop-client"])
    net.reaches("shop-client", "shop-web")
    assert capsys.readouterr().out.splitlines() == [
        "✔ network shop-net exists, and shop-web, shop-client are on it",
        "✔ shop-client reaches shop-web by name",
    ]


def test_the_default_bridge_fails_with_a_hint(docker) -> None:
    docker("docker run -d --name api nginx:latest\ndocker run -d --name client busybox sleep 60")
    with pytest.raises(CheckFailed, match="client cannot resolve the name api") as failed:
        net.reaches("client", "api")
    assert "the default bridge has no DNS" in str(failed.value)
    with pytest.raises(CheckFailed, match="there is no network shop-net"):
        net.network("shop-net")
    with pytest.raises(CheckFailed, match="one of Docker's own networks"):
        net.network("bridge")


OTHER_FORMS = """
name: shop
services:
  db:
    image: busybox
    command: ["sh", "-c", "echo ready > /data/status && sleep 3600"]
    volumes:
      - type: volume
        source: data
        target: /data
    healthcheck:
      test: test -f /data/status
      interval: 1000ms
  api:
    image: busybox:latest
    command: ["sleep", "3600"]
    environment:
      - DB_HOST=db
    depends_on:
      db: {condition: service_healthy}
  web:
    image: nginx
    ports:
      - target: 80
        published: 8080
    depends_on:
      api: {condition: service_started}
volumes:
  data: {}
"""


def _check_file() -> None:
    net.compose_file(
        "compose.yaml",
        project="shop",
        services=["db", "api", "web"],
        volume=("db", "data", "/data"),
        env=("api", "DB_HOST", "db"),
        healthy_dependency=("api", "db"),
        publishes=("web", 8080, 80),
        images={"db": "busybox:latest", "api": "busybox:latest", "web": "nginx:latest"},
        commands={"db": 'sh -c "echo ready > /data/status && sleep 3600"', "api": "sleep 3600"},
        healthcheck=("db", "test -f /data/status", 1),
        depends=("web", "api"),
    )


def test_compose_file_accepts_the_other_correct_forms(docker, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(OTHER_FORMS)
    _check_file()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("volumes:\n  data: {}\n", ""), "is not a valid Compose file"),
        (("condition: service_healthy", "condition: service_started"), "to be healthy"),
        (("- DB_HOST=db", "- DB_HOST=localhost"), "does not set DB_HOST=db"),
        (("interval: 1000ms", "interval: 5s"), "does not run every 1s"),
        (("name: shop\n", ""), "the project is named"),
    ],
)
def test_compose_file_fails_each_requirement_visibly(
    docker, tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    (tmp_path / "compose.yaml").write_text(OTHER_FORMS.replace(*change))
    with pytest.raises(CheckFailed, match=message):
        _check_file()


def test_compose_ran_up_and_down(docker, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(OTHER_FORMS)
    net.start("up")
    docker("docker compose up")
    with pytest.raises(CheckFailed, match="without its --detach option"):
        net.compose_ran("up", exercise="up", options={"detach": True})
    docker("docker compose up --detach")
    net.compose_ran("up", exercise="up", options={"detach": True})
    net.compose_running("shop", ["db", "api", "web"])
    net.start("down")
    docker("docker compose down")
    with pytest.raises(CheckFailed, match="is not all gone"):
        net.compose_removed("shop", volumes=["shop_data"])
    docker("docker compose down --volumes")
    net.compose_ran("down", exercise="down", options={"volumes": True})
    net.compose_removed("shop", volumes=["shop_data"])
