"""``docker run``/``create`` ask for the container Docker 28's own CLI asks for.

For every accepted ``run``/``create`` line of the corpus, ``tests/data/commands/requests.jsonl``
holds the ``POST /containers/create`` request the real Docker 28 CLI sent (recorded by
``record_requests.py``). The configuration ``grader.dockercli.run`` builds from our parse
of the same line must carry the same meaning: image, command, ports, mounts, environment,
labels, user, restart policy, limits ... field by field.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from grader.commands import parse_argv
from grader.dockercli.run import container_config
from grader.dockercli.session import Session
from grader.engine.sandbox import hostconfig

REQUESTS = Path(__file__).parents[1] / "data" / "commands" / "requests.jsonl"


def _create_requests() -> list[tuple[str, list[str], dict[str, Any]]]:
    found = []
    for text in REQUESTS.read_text().splitlines():
        record = json.loads(text)
        creates = [r for r in record["requests"] if r["path"].endswith("/containers/create")]
        if creates and record["argv"][0] in {"run", "create", "container"}:
            found.append((record["line"], record["argv"], creates[0]))
    return found


CREATES = _create_requests()

KNOWN_DIFFERENCES = {
    "docker run -e FOO alpine env": "an unset bare -e NAME: the CLI sends NAME, we drop it",
    "docker run -e A nginx": "an unset bare -e NAME: the CLI sends NAME, we drop it",
    "docker run --env FOO=bar --env BAZ=qux alpine": "the CLI sorts Env; we keep the order typed",
    "docker run --mount type=volume,source=v,target=/d,volume-nocopy nginx": (
        "the CLI's VolumeOptions carries its zero values (Labels, DriverConfig, Subpath)"
    ),
    "docker run --use-api-socket alpine": "--use-api-socket does not mount the Docker socket",
}
"""Lines whose request differs from the CLI's, and how (a difference in meaning is a bug)."""


class _HostConfigs:
    """The part of an engine ``container_config`` uses: docker-py's create_host_config."""

    autoremove_keeps_logs = True
    """As the sandbox: ``--rm`` is the engine's AutoRemove, as Docker's CLI sends it."""

    def create_host_config(self, **kwargs: Any) -> dict[str, Any]:
        return hostconfig.create_host_config(**kwargs)


def _compact(items: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Mounts without their zero values (the CLI's JSON omits them, docker-py's keeps them)."""
    return [{k: v for k, v in item.items() if v} for item in items] if items else None


def ours(argv: list[str], workdir: Path) -> dict[str, Any]:
    session = Session(_HostConfigs(), io.StringIO(), io.StringIO(), cwd=str(workdir), environ={})
    image, command, kwargs = container_config(parse_argv(argv), session)
    host = kwargs.get("host_config", {})
    binds = [bind.replace(str(workdir), "$WORKDIR") for bind in host.get("Binds") or []]
    return {
        "name": kwargs.get("name"),
        "Image": image,
        "Cmd": command,
        "Entrypoint": kwargs.get("entrypoint"),
        "Env": kwargs.get("environment"),
        "ExposedPorts": sorted(f"{port}/{proto}" for port, proto in kwargs.get("ports") or []),
        "Volumes": sorted(kwargs.get("volumes") or []),
        "Labels": kwargs.get("labels") or {},
        "WorkingDir": kwargs.get("working_dir") or "",
        "User": kwargs.get("user") or "",
        "Hostname": kwargs.get("hostname") or "",
        "Tty": kwargs.get("tty", False),
        "OpenStdin": kwargs.get("stdin_open", False),
        "PortBindings": host.get("PortBindings") or {},
        "Binds": binds or None,
        "Mounts": _compact(host.get("Mounts")),
        "VolumesFrom": host.get("VolumesFrom"),
        "NetworkMode": host.get("NetworkMode", "default"),
        "RestartPolicy": host.get("RestartPolicy") or {"Name": "no", "MaximumRetryCount": 0},
        "AutoRemove": host.get("AutoRemove", False),
        "Privileged": host.get("Privileged", False),
        "ReadonlyRootfs": host.get("ReadonlyRootfs", False),
        "PublishAllPorts": host.get("PublishAllPorts", False),
        "CapAdd": host.get("CapAdd"),
        "CapDrop": host.get("CapDrop"),
        "Dns": host.get("Dns"),
        "ExtraHosts": host.get("ExtraHosts"),
        "Init": host.get("Init"),
        "Memory": host.get("Memory", 0),
        "NanoCpus": host.get("NanoCpus", 0),
    }


def docker28(request: dict[str, Any]) -> dict[str, Any]:
    body, host = request["body"], request["body"]["HostConfig"]
    restart = dict(host["RestartPolicy"])
    restart["Name"] = restart["Name"] or "no"
    return {
        "name": (request["query"].get("name") or [None])[0],
        "Image": body["Image"],
        "Cmd": body["Cmd"],
        "Entrypoint": body["Entrypoint"],
        "Env": body["Env"],
        "ExposedPorts": sorted(body.get("ExposedPorts") or {}),
        "Volumes": sorted(body.get("Volumes") or {}),
        "Labels": body.get("Labels") or {},
        "WorkingDir": body["WorkingDir"],
        "User": body["User"],
        "Hostname": body["Hostname"],
        "Tty": body["Tty"],
        "OpenStdin": body["OpenStdin"],
        "PortBindings": host.get("PortBindings") or {},
        "Binds": host.get("Binds") or None,
        "Mounts": _compact(host.get("Mounts")),
        "VolumesFrom": host.get("VolumesFrom") or None,
        "NetworkMode": host["NetworkMode"],
        "RestartPolicy": restart,
        "AutoRemove": host["AutoRemove"],
        "Privileged": host["Privileged"],
        "ReadonlyRootfs": host["ReadonlyRootfs"],
        "PublishAllPorts": host["PublishAllPorts"],
        "CapAdd": host.get("CapAdd") or None,
        "CapDrop": host.get("CapDrop") or None,
        "Dns": host.get("Dns") or None,
        "ExtraHosts": host.get("ExtraHosts") or None,
        "Init": host.get("Init"),
        "Memory": host["Memory"],
        "NanoCpus": host["NanoCpus"],
    }


def test_the_recording_covers_the_run_lines_of_the_course():
    assert len(CREATES) >= 250
    lines = {line for line, _, _ in CREATES}
    assert {"docker run -d -p 8080:80 nginx", "docker run --cpus 1/2 nginx"} <= lines


@pytest.mark.parametrize(("line", "argv", "request_"), CREATES, ids=[c[0] for c in CREATES])
def test_container_config_means_what_docker28_sends(line, argv, request_, tmp_path):
    (tmp_path / "env.list").write_text("A=1\n")  # as record_requests.py's working folder
    if line in KNOWN_DIFFERENCES:
        assert ours(argv, tmp_path) != docker28(request_), f"fixed? {KNOWN_DIFFERENCES[line]}"
        return
    assert ours(argv, tmp_path) == docker28(request_)
