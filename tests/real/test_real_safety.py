"""The grading rules: what is refused, what is not, and only in grading mode."""

from __future__ import annotations

import pytest

from grader.dockercli.safety import refuse_unsafe_argv
from grader.engine.errors import GradingRefused
from grader.engine.safety import bind_problem, grading_mode, refuse_unsafe_host_config


@pytest.mark.parametrize(
    "source",
    [
        "/",
        "//",
        "/etc",
        "/etc/",
        "/etc/shadow",
        "/proc",
        "/sys/fs",
        "/dev",
        "/boot",
        "/root/.ssh",
        "/var/lib/docker",
        "/var/lib/docker/volumes",
        "/var/run/docker.sock",
        "/run/docker.sock",
        "/home/me/docker.sock",
        "/tmp/../etc",
    ],
)
def test_system_paths_and_the_socket_are_refused(source):
    assert bind_problem(source) is not None


@pytest.mark.parametrize("source", ["/home/student/site", "/tmp/data", "/srv/www", "/var/www"])
def test_ordinary_folders_are_allowed(source):
    assert bind_problem(source) is None


def test_socket_message_names_the_socket():
    assert "Docker socket" in bind_problem("/var/run/docker.sock")


def test_host_config_checks_privileged_binds_and_mounts():
    with pytest.raises(GradingRefused, match="--privileged"):
        refuse_unsafe_host_config({"Privileged": True}, grading=True)
    with pytest.raises(GradingRefused, match="root folder"):
        refuse_unsafe_host_config({"Binds": ["/:/host:ro"]}, grading=True)
    with pytest.raises(GradingRefused, match="Docker socket"):
        refuse_unsafe_host_config(
            {"Mounts": [{"Type": "bind", "Source": "/run/docker.sock", "Target": "/s"}]},
            grading=True,
        )
    refuse_unsafe_host_config(
        {"Binds": ["data:/etc", "/tmp/site:/usr/share/nginx/html:ro"]}, grading=True
    )
    refuse_unsafe_host_config(
        {"Mounts": [{"Type": "volume", "Source": "etc", "Target": "/etc"}]}, grading=True
    )


def test_nothing_is_refused_outside_grading_mode(monkeypatch):
    monkeypatch.delenv("COURSE_GRADING", raising=False)
    assert not grading_mode()
    refuse_unsafe_host_config({"Privileged": True})
    refuse_unsafe_argv(["run", "--privileged", "busybox"])
    monkeypatch.setenv("COURSE_GRADING", "1")
    assert grading_mode()
    with pytest.raises(GradingRefused):
        refuse_unsafe_host_config({"Privileged": True})


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--privileged", "busybox"],
        ["container", "run", "-d", "--privileged=true", "nginx"],
        ["create", "-v", "/var/run/docker.sock:/var/run/docker.sock", "busybox"],
        ["run", "--volume=/:/host", "busybox"],
        ["run", "--mount", "type=bind,source=/etc,target=/x", "busybox"],
        ["run", "--mount", "type=bind,src=/root,dst=/x,readonly", "busybox"],
    ],
)
def test_unsafe_command_lines_are_refused(argv):
    with pytest.raises(GradingRefused):
        refuse_unsafe_argv(argv, grading=True)


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "-d", "-p", "8080:80", "nginx"],
        ["run", "-v", "data:/etc", "busybox"],
        ["run", "--mount", "type=volume,source=etc,target=/etc", "busybox"],
        ["run", "busybox", "ls", "--privileged"],  # the container's argument, not a flag
        ["ps", "-a"],
        ["run", "--no-such-flag", "busybox"],  # Docker's own CLI refuses this line itself
    ],
)
def test_safe_or_invalid_command_lines_pass_through(argv):
    refuse_unsafe_argv(argv, grading=True)
