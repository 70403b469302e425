"""``docker compose`` on the real daemon creates what it creates on the sandbox.

Debian offers only the Compose v1 client, so the course's own Compose code drives the real
daemon through the docker SDK; this test holds the two engines to the same result:
container names, images, Compose labels, environment, networks with their aliases, named
volumes and their mounts, published ports and health checks, then ``down -v`` removes all.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from grader.dockercli import execute
from grader.engine import get_engine

pytestmark = [pytest.mark.real_engine, pytest.mark.slow]

FILE = """
services:
  web:
    image: nginx:latest
    ports:
      - "{port}:80"
    depends_on: [api]
  api:
    image: busybox:latest
    command: sleep 3600
    init: true
    environment:
      DB_HOST: db
    networks: [default, back]
    depends_on:
      db:
        condition: service_healthy
  db:
    image: busybox:latest
    command: ["sleep", "3600"]
    init: true
    restart: unless-stopped
    networks:
      back:
        aliases: [database]
    volumes:
      - data:/data
    healthcheck:
      test: ["CMD", "true"]
      interval: 1s
networks:
  back:
volumes:
  data:
"""
"""(``init: true``: ``sleep`` as PID 1 ignores SIGTERM, and ``down`` would wait out 10 s of
grace for each of those containers on the real engine.)"""
_SHORT_ID = re.compile(r"^[0-9a-f]{12}$")


def _state(engine, project: str) -> dict[str, Any]:
    """What Compose made, in a form both engines must share."""
    containers = {}
    for summary in engine.containers(
        all=True, filters={"label": [f"com.docker.compose.project={project}"]}
    ):
        doc = engine.inspect_container(summary["Id"])
        labels = doc["Config"]["Labels"]
        containers[doc["Name"].lstrip("/")] = {
            "image": doc["Config"]["Image"],
            "running": doc["State"]["Running"],
            "health": (doc["State"].get("Health") or {}).get("Status"),
            "labels": {k: v for k, v in labels.items() if k.startswith("com.docker.compose.")},
            "env": sorted(e for e in doc["Config"]["Env"] or [] if e.startswith("DB_")),
            "networks": {
                name: sorted(a for a in endpoint["Aliases"] or [] if not _SHORT_ID.match(a))
                for name, endpoint in doc["NetworkSettings"]["Networks"].items()
            },
            "mounts": sorted((m["Type"], m.get("Name"), m["Destination"]) for m in doc["Mounts"]),
            "ports": doc["HostConfig"]["PortBindings"],
            "restart": doc["HostConfig"]["RestartPolicy"]["Name"],
            "healthcheck": doc["Config"].get("Healthcheck"),
        }
    networks = {
        net["Name"]: {k: v for k, v in net["Labels"].items() if k != "course"}
        for net in engine.networks(filters={"label": [f"com.docker.compose.project={project}"]})
    }
    volumes = {
        vol["Name"]: {k: v for k, v in (vol["Labels"] or {}).items() if k != "course"}
        for vol in engine.volumes(filters={"label": [f"com.docker.compose.project={project}"]}).get(
            "Volumes"
        )
        or []
    }
    return {"containers": containers, "networks": networks, "volumes": volumes}


def _compose(engine, folder: Path, *argv: str) -> tuple[str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = execute(["compose", *argv], engine, stdout=out, stderr=err, cwd=str(folder))
    return err.getvalue(), code


def test_compose_makes_the_same_objects_on_both_engines(
    engine, cleanup_names: str, sandbox_dir, tmp_path: Path, port: int
) -> None:
    project = cleanup_names
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "compose.yaml").write_text(FILE.format(port=port))
    real_up, code = _compose(engine, folder, "-p", project, "up", "-d")
    assert code == 0, real_up
    real = _state(engine, project)
    reached = engine.exec_run(f"{project}-api-1", ["wget", "-qO-", "http://web"])
    by_alias = engine.exec_run(f"{project}-api-1", ["nslookup", "database"])
    real_down, code = _compose(engine, folder, "-p", project, "down", "-v")
    assert code == 0, real_down
    assert _state(engine, project) == {"containers": {}, "networks": {}, "volumes": {}}

    sandbox = get_engine("sandbox")
    for image in ("nginx:latest", "busybox:latest"):
        execute(["pull", "-q", image], sandbox, stdout=io.StringIO(), stderr=io.StringIO())
    ours_up, code = _compose(sandbox, folder, "-p", project, "up", "-d")
    assert code == 0, ours_up
    ours = _state(sandbox, project)
    for name in real["containers"]:
        for key in real["containers"][name]:
            assert ours["containers"][name][key] == real["containers"][name][key], (name, key)
    assert ours == real
    assert ours_up == real_up
    assert sandbox.exec_run(f"{project}-api-1", ["wget", "-qO-", "http://web"])[:2] == reached[:2]
    assert sandbox.exec_run(f"{project}-api-1", ["nslookup", "database"])[0] == by_alias[0] == 0
    ours_down, code = _compose(sandbox, folder, "-p", project, "down", "-v")
    assert (ours_down, code) == (real_down, 0)
