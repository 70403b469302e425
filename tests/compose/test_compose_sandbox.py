"""``docker compose`` on the sandbox: Compose v2's objects, names, labels, order and output."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from grader.dockercli import execute
from grader.engine import get_engine

THREE_TIER = """
services:
  web:
    image: nginx:latest
    ports:
      - "{port}:80"
    depends_on:
      - api
  api:
    image: busybox:latest
    command: sleep 3600
    environment:
      DB_HOST: db
    depends_on:
      db:
        condition: service_healthy
  db:
    image: busybox:latest
    command: ["sleep", "3600"]
    volumes:
      - data:/data
    healthcheck:
      test: ["CMD", "true"]
      interval: 2s
volumes:
  data:
"""


@pytest.fixture
def engine(sandbox_dir: Path):
    engine = get_engine("sandbox")
    for image in ("nginx:latest", "busybox:latest"):
        execute(["pull", "-q", image], engine, stdout=io.StringIO(), stderr=io.StringIO())
    return engine


@pytest.fixture
def project(tmp_path: Path, free_port) -> Path:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "compose.yaml").write_text(THREE_TIER.format(port=free_port()))
    return folder


def run(engine, folder: Path, *argv: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = execute(list(argv), engine, stdout=out, stderr=err, cwd=str(folder), timeout=20)
    return out.getvalue(), err.getvalue(), code


def test_up_creates_compose_objects_in_dependency_order(engine, project: Path, clock) -> None:
    out, err, code = run(engine, project, "compose", "up", "-d")
    assert (out, code) == ("", 0)
    assert err.splitlines() == [
        " Network demo_default  Creating",
        " Network demo_default  Created",
        ' Volume "demo_data"  Creating',
        ' Volume "demo_data"  Created',
        " Container demo-db-1  Creating",
        " Container demo-db-1  Created",
        " Container demo-api-1  Creating",
        " Container demo-api-1  Created",
        " Container demo-web-1  Creating",
        " Container demo-web-1  Created",
        " Container demo-db-1  Starting",
        " Container demo-db-1  Started",
        " Container demo-db-1  Waiting",
        " Container demo-db-1  Healthy",
        " Container demo-api-1  Starting",
        " Container demo-api-1  Started",
        " Container demo-web-1  Starting",
        " Container demo-web-1  Started",
    ]
    api = engine.inspect_container("demo-api-1")
    labels = api["Config"]["Labels"]
    assert labels["com.docker.compose.project"] == "demo"
    assert labels["com.docker.compose.service"] == "api"
    assert labels["com.docker.compose.container-number"] == "1"
    assert labels["com.docker.compose.depends_on"] == "db:service_healthy:false"
    assert "DB_HOST=db" in api["Config"]["Env"]
    endpoint = api["NetworkSettings"]["Networks"]["demo_default"]
    assert endpoint["Aliases"] == ["demo-api-1", "api"]
    network = engine.inspect_network("demo_default")
    assert network["Labels"]["com.docker.compose.network"] == "default"
    volume = engine.inspect_volume("demo_data")
    assert volume["Labels"]["com.docker.compose.volume"] == "data"
    [mount] = engine.inspect_container("demo-db-1")["Mounts"]
    assert (mount["Type"], mount["Name"], mount["Destination"]) == ("volume", "demo_data", "/data")
    reached = engine.exec_run("demo-api-1", ["wget", "-qO-", "http://web"])
    assert reached[0] == 0 and b"Welcome to nginx!" in reached[1]


def test_ps_exec_logs_and_a_second_up(engine, project: Path, clock) -> None:
    run(engine, project, "compose", "up", "-d")
    out, _, code = run(engine, project, "compose", "ps")
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"]
    assert [line.split()[0] for line in lines[1:]] == ["demo-api-1", "demo-db-1", "demo-web-1"]
    assert "(healthy)" in lines[2]
    assert run(engine, project, "compose", "ps", "--services")[0] == "api\ndb\nweb\n"
    assert run(engine, project, "compose", "exec", "api", "sh", "-c", "echo $DB_HOST") == (
        "db\n",
        "",
        0,
    )
    run(engine, project, "compose", "exec", "api", "wget", "-qO-", "http://web")
    out, _, _ = run(engine, project, "compose", "logs", "web")
    assert out.splitlines()[-1].startswith("web-1  | ")
    assert '"GET / HTTP/1.1" 200 615 "-" "Wget"' in out
    _, err, code = run(engine, project, "compose", "up", "-d")
    assert code == 0 and err.splitlines()[0] == " Container demo-db-1  Running"


def test_down_v_removes_everything_it_made(engine, project: Path, clock) -> None:
    run(engine, project, "compose", "up", "-d")
    _, err, code = run(engine, project, "compose", "down", "-v")
    assert code == 0
    assert err.splitlines()[:4] == [
        " Container demo-web-1  Stopping",
        " Container demo-web-1  Stopped",
        " Container demo-web-1  Removing",
        " Container demo-web-1  Removed",
    ]
    assert err.splitlines()[-4:] == [
        " Network demo_default  Removing",
        " Network demo_default  Removed",
        " Volume demo_data  Removing",
        " Volume demo_data  Removed",
    ]
    assert engine.containers(all=True) == []
    assert [n["Name"] for n in engine.networks()] == ["bridge", "host", "none"]
    assert engine.volumes()["Volumes"] == []
    assert run(engine, project, "compose", "down") == (
        "",
        'Warning: No resource found to remove for project "demo".\n',
        0,
    )


def test_an_unhealthy_dependency_stops_up(engine, tmp_path: Path, clock) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    image: busybox\n    command: sleep 60\n    depends_on:\n"
        "      db:\n        condition: service_healthy\n  db:\n    image: busybox\n"
        "    command: sleep 60\n    healthcheck:\n      test: exit 1\n      interval: 1s\n"
        "      retries: 2\n"
    )
    _, err, code = run(engine, tmp_path, "compose", "-p", "sick", "up", "-d")
    assert code == 1
    assert err.splitlines()[-2:] == [
        " Container sick-db-1  Error",
        "dependency failed to start: container sick-db-1 is unhealthy",
    ]


def test_compose_errors_as_compose_prints_them(engine, tmp_path: Path) -> None:
    assert run(engine, tmp_path, "compose", "up", "-d") == (
        "",
        "no configuration file provided: not found\n",
        1,
    )
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    imagee: nginx\n")
    _, err, code = run(engine, tmp_path, "compose", "up", "-d")
    assert (err, code) == (
        f"validating {tmp_path / 'compose.yaml'}: "
        "services.web additional properties 'imagee' not allowed\n",
        1,
    )
    assert run(engine, tmp_path, "compose", "up", "--dettach") == (
        "",
        "unknown flag: --dettach\n",
        1,
    )
    assert run(engine, tmp_path, "compose", "start")[1] == (
        'unknown docker command: "compose start"\n'
    )


def test_keys_the_course_cannot_apply_are_refused_not_ignored(engine, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  x:\n    image: busybox\n    privileged: true\n"
    )
    _, err, code = run(engine, tmp_path, "compose", "up", "-d")
    assert code == 1
    assert err.startswith("services.x.privileged: not supported by the course's Compose")
    assert engine.containers(all=True) == []


def test_init_and_the_grace_period_reach_the_container_and_down(
    engine, tmp_path: Path, monkeypatch
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  quick:\n    image: busybox\n    command: sleep 3600\n    init: true\n"
        "    stop_grace_period: 1m30s\n"
        "  plain:\n    image: busybox\n    command: sleep 3600\n"
    )
    assert run(engine, tmp_path, "compose", "up", "-d")[2] == 0
    quick = engine.inspect_container(f"{tmp_path.name}-quick-1")
    plain = engine.inspect_container(f"{tmp_path.name}-plain-1")
    assert (quick["HostConfig"]["Init"], quick["Config"]["StopTimeout"]) == (True, 90)
    assert not plain["HostConfig"].get("Init") and "StopTimeout" not in plain["Config"]
    waited: dict[str, int | None] = {}
    stop = engine.stop

    def recording_stop(container: str, timeout: int | None = None) -> None:
        waited[engine.inspect_container(container)["Name"].lstrip("/")] = timeout
        stop(container, timeout=timeout)

    monkeypatch.setattr(engine, "stop", recording_stop)
    assert run(engine, tmp_path, "compose", "down")[2] == 0
    assert waited == {f"{tmp_path.name}-quick-1": 90, f"{tmp_path.name}-plain-1": 10}


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_display_leaves_its_last_frame(
    engine, project: Path, clock, monkeypatch
) -> None:
    import os

    monkeypatch.setattr("shutil.get_terminal_size", lambda: os.terminal_size((60, 24)))
    out, err = io.StringIO(), _Terminal()
    code = execute(["compose", "up", "-d"], engine, stdout=out, stderr=err, cwd=str(project))
    lines = err.getvalue().splitlines()
    assert code == 0 and lines[0] == "\x1b[34m[+] Running 5/5\x1b[0m"
    assert lines[1].startswith(" \x1b[32m✔\x1b[0m Network demo_default  \x1b[32mCreated\x1b[0m ")
    assert lines[2].startswith(' \x1b[32m✔\x1b[0m Volume "demo_data"    \x1b[32mCreated\x1b[0m ')
    assert lines[3].startswith(" \x1b[32m✔\x1b[0m Container demo-db-1   \x1b[32mHealthy\x1b[0m ")
    plain = [
        line.replace("\x1b[32m", "").replace("\x1b[34m", "").replace("\x1b[0m", "")
        for line in lines
    ]
    assert {len(line) for line in plain[1:]} == {60}
    assert all(line.endswith("s ") for line in plain[1:])


def test_up_in_the_foreground_attaches_until_the_bound(engine, project: Path, clock) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = execute(["compose", "up"], engine, stdout=out, stderr=err, cwd=str(project), timeout=0.5)
    lines = out.getvalue().splitlines()
    assert code == 0 and lines[0] == "Attaching to api-1, db-1, web-1"
    assert any(line.startswith("web-1  | ") for line in lines)
    assert err.getvalue().endswith("(stopped following after 0.5s; the containers keep running)\n")
    assert engine.inspect_container("demo-web-1")["State"]["Running"]


def test_a_changed_service_is_recreated_and_a_one_shot_dependency_waited_for(
    engine, tmp_path: Path, clock
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    image: busybox\n    command: sleep 60\n    depends_on:\n"
        "      migrate:\n        condition: service_completed_successfully\n"
        "  migrate:\n    image: busybox\n    command: echo migrated\n"
    )
    _, err, code = run(engine, tmp_path, "compose", "-p", "jobs", "up", "-d")
    assert code == 0
    assert " Container jobs-migrate-1  Exited" in err.splitlines()
    out, _, _ = run(engine, tmp_path, "compose", "-p", "jobs", "logs", "migrate")
    assert out == "migrate-1  | migrated\n"
    assert "jobs-migrate-1" not in run(engine, tmp_path, "compose", "-p", "jobs", "ps")[0]
    assert "Exited (0)" in run(engine, tmp_path, "compose", "-p", "jobs", "ps", "-a")[0]
    (tmp_path / "compose.yaml").write_text(
        (tmp_path / "compose.yaml").read_text().replace("sleep 60", "sleep 120")
    )
    _, err, code = run(engine, tmp_path, "compose", "-p", "jobs", "up", "-d", "app")
    assert code == 0
    assert err.splitlines()[:2] == [
        " Container jobs-app-1  Recreate",
        " Container jobs-app-1  Recreated",
    ]
    assert engine.inspect_container("jobs-app-1")["Args"] == ["120"]
