"""While grading, whatever would give a container the host is refused before any daemon call.

The same lines are refused on the sandbox, on the real daemon through the real CLI, and by
the real engine's API methods; ordinary lines still run.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from grader.dockercli.safety import refuse_unsafe_argv
from grader.engine.errors import GradingRefused

REFUSED = [
    ["run", "--rm", "--privileged", "busybox", "true"],
    ["run", "--rm", "--pid=host", "busybox", "true"],
    ["run", "--rm", "--network", "host", "busybox", "true"],
    ["run", "--rm", "--net=host", "busybox", "true"],
    ["run", "--rm", "--ipc", "host", "busybox", "true"],
    ["run", "--rm", "--uts=host", "busybox", "true"],
    ["run", "--rm", "--userns=host", "busybox", "true"],
    ["run", "--rm", "--cgroupns", "host", "busybox", "true"],
    ["run", "--rm", "--cap-add", "SYS_ADMIN", "busybox", "true"],
    ["run", "--rm", "--cap-add=ALL", "busybox", "true"],
    ["run", "--rm", "--security-opt", "apparmor=unconfined", "busybox", "true"],
    ["run", "--rm", "--security-opt", "seccomp=unconfined", "busybox", "true"],
    ["run", "--rm", "--security-opt", "label=disable", "busybox", "true"],
    ["run", "--rm", "--security-opt", "label:disable", "busybox", "true"],
    ["run", "--rm", "--device", "/dev/null", "busybox", "true"],
    ["run", "--rm", "-v", "/:/h", "busybox", "true"],
    ["run", "--rm", "-v", "./rootlink:/h", "busybox", "true"],
    ["run", "--rm", "-v", "./etclink/ssl:/h", "busybox", "true"],
    ["run", "--rm", "--mount", "type=bind,src=./rootlink,dst=/h", "busybox", "true"],
    ["run", "--rm", "-v", "/var/run/docker.sock:/s", "busybox", "true"],
    [
        "run", "--rm", "--mount",
        "type=volume,dst=/h,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/",
        "busybox", "true",
    ],
    ["create", "--privileged", "busybox"],
    ["volume", "create", "--opt", "type=none", "--opt", "o=bind", "--opt", "device=/", "hv"],
    ["volume", "create", "-o", "type=none", "-o", "o=ro,bind", "-o", "device=/etc/ssl", "hv2"],
    ["exec", "--privileged", "some-box", "true"],
    ["swarm", "init"],
    ["swarm", "join", "--token", "x", "10.0.0.1:2377"],
    ["service", "create", "--mount", "type=bind,src=/,dst=/h", "busybox"],
    ["plugin", "install", "vieux/sshfs"],
    ["build", "/"],
    ["build", "./rootlink"],
]  # fmt: skip

ALLOWED = [
    ["run", "--rm", "busybox", "true"],
    ["run", "--rm", "-v", "./site:/usr/share/nginx/html:ro", "busybox", "true"],
    ["run", "--rm", "-v", "data:/data", "busybox", "true"],
    ["run", "--rm", "--cap-drop", "ALL", "busybox", "true"],
    ["run", "--rm", "--security-opt", "no-new-privileges", "busybox", "true"],
    ["volume", "create", "plain"],
]


@pytest.fixture
def links(hostile):
    """A student folder holding links to / and /etc, and an ordinary ./site."""
    (hostile.work / "rootlink").symlink_to("/")
    (hostile.work / "etclink").symlink_to("/etc")
    (hostile.work / "site").mkdir()
    return hostile


def _ids(lines: list[list[str]]) -> list[str]:
    return [" ".join(line)[:60] for line in lines]


@pytest.mark.parametrize("argv", REFUSED, ids=_ids(REFUSED))
def test_refused_lines(argv, links, monkeypatch) -> None:
    monkeypatch.chdir(links.work)
    with pytest.raises(GradingRefused, match="refused while grading"):
        refuse_unsafe_argv(argv, grading=True)
    refuse_unsafe_argv(argv, grading=False)


@pytest.mark.parametrize("argv", ALLOWED, ids=_ids(ALLOWED))
def test_allowed_lines(argv, links, monkeypatch) -> None:
    monkeypatch.chdir(links.work)
    refuse_unsafe_argv(argv, grading=True)


@pytest.mark.slow
@pytest.mark.parametrize("argv", REFUSED, ids=_ids(REFUSED))
def test_sandbox_refuses(argv, links) -> None:
    outcome = links.docker(*argv, env={"COURSE_GRADING": "1"})
    assert outcome.code == 125, outcome.output
    assert "refused while grading" in outcome.stderr
    assert links.docker("ps", "-a", "-q").stdout == ""


@pytest.mark.slow
@pytest.mark.real_engine
@pytest.mark.parametrize("argv", REFUSED, ids=_ids(REFUSED))
def test_real_daemon_refuses(argv, links, real_docker_host) -> None:
    """The real CLI pass-through refuses the line; nothing reaches the daemon."""
    env = {"COURSE_GRADING": "1", "COURSE_ENGINE": "docker", "DOCKER_HOST": real_docker_host}
    named = (
        [*argv[:1], "--name", "hostile-grading-probe", *argv[1:]]
        if argv[0]
        in {
            "run",
            "create",
        }
        else argv
    )
    outcome = links.docker(*named, env=env)
    assert outcome.code == 125, outcome.output
    assert "refused while grading" in outcome.stderr
    listed = subprocess.run(
        ["docker", "ps", "-a", "-q", "--filter", "name=hostile-grading-probe"],
        env={**os.environ, "DOCKER_HOST": real_docker_host},
        capture_output=True,
        text=True,
        check=False,
    )
    assert listed.stdout.strip() == ""


@pytest.mark.real_engine
def test_real_engine_api_refuses_before_the_daemon(real_engine, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("COURSE_GRADING", "1")
    link = tmp_path / "rootlink"
    link.symlink_to("/")
    unsafe = [
        {"Privileged": True},
        {"PidMode": "host"},
        {"CapAdd": ["SYS_ADMIN"]},
        {"SecurityOpt": ["seccomp=unconfined"]},
        {"Devices": [{"PathOnHost": "/dev/null", "PathInContainer": "/dev/x"}]},
        {"Binds": [f"{link}:/h"]},
    ]
    for host_config in unsafe:
        with pytest.raises(GradingRefused):
            real_engine.create_container("busybox", "true", host_config=host_config)
    with pytest.raises(GradingRefused):
        real_engine.create_volume("hostile-bind", "local", {"o": "bind", "device": str(link)})
    with pytest.raises(GradingRefused):
        real_engine.exec_create("no-such-container", "true", privileged=True)
    with pytest.raises(GradingRefused):
        list(real_engine.build(str(link)))
