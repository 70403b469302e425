"""What the parser builds (options, args, aliases), fuzzing, speed, and `python -m grader parse`."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.commands import Command, DockerCLIError, parse_argv, parse_line
from grader.commands.cli import main
from grader.commands.parser import SPECS


def test_run_with_combined_shorthands_and_container_command():
    cmd = parse_line("docker run -dp 8080:80 --name web -e A=1 -e B=2 nginx:1.27 ls -l --all")
    assert cmd.name == "container run" and cmd.used_alias == "run"
    assert cmd.options == {
        "detach": True,
        "publish": ["8080:80"],
        "name": "web",
        "env": ["A=1", "B=2"],
    }
    assert cmd.args == ["nginx:1.27", "ls", "-l", "--all"]


@pytest.mark.parametrize(
    "line",
    [
        "run -p=8080:80 nginx",
        "run -p8080:80 nginx",
        "run --publish=8080:80 nginx",
        "run --publish 8080:80 nginx",
        "container run -p 8080:80 nginx",
    ],
)
def test_every_way_to_give_a_value(line):
    cmd = parse_line(line)
    assert cmd.option("publish") == ["8080:80"] and cmd.args == ["nginx"]


def test_bool_values_and_numbers():
    cmd = parse_line("docker ps --all=false -n 3 --no-trunc")
    assert cmd.options == {"all": False, "last": 3, "no-trunc": True}
    assert parse_line("docker ps -aq").options == {"all": True, "quiet": True}


def test_double_dash_and_interspersed_flags():
    assert parse_line("docker run --rm -- alpine echo hi").args == ["alpine", "echo", "hi"]
    assert parse_line("docker logs web -f").options == {"follow": True}
    assert parse_line("docker exec web ls -la").args == ["web", "ls", "-la"]


def test_aliases_map_to_management_names():
    pairs = {
        "ps": "container ls",
        "container list": "container ls",
        "images": "image ls",
        "rmi nginx": "image rm",
        "image remove nginx": "image rm",
        "build .": "image build",
        "builder build .": "image build",
        "volume list": "volume ls",
        "info": "system info",
    }
    for line, name in pairs.items():
        assert parse_line(line).name == name, line


def test_hidden_and_storage_sharing_flags():
    assert parse_line("docker run --net host nginx").option("network") == ["host"]
    assert parse_line("docker stop --time 5 web").option("timeout") == 5


def test_global_options_help_and_version():
    cmd = parse_line("docker -H unix:///x.sock --debug ps")
    assert cmd.global_options == {"host": ["unix:///x.sock"], "debug": True}
    assert parse_line("docker --version").name == "version"
    assert parse_line("docker --version").global_options == {"version": True}
    assert parse_line("docker run --help").name == "help"
    assert parse_line("docker run --help").args == ["container run"]
    assert parse_line("docker help ps").args == ["container ls"]
    assert parse_line("docker volume").args == ["volume"]
    assert parse_line("docker").args == []


def test_flag_error_shape():
    with pytest.raises(DockerCLIError) as caught:
        parse_line("docker container list --port")
    assert caught.value.exit_code == 125
    assert caught.value.message == (
        "unknown flag: --port\n\nUsage:  docker container ls [OPTIONS]\n\n"
        "Run 'docker container ls --help' for more information"
    )


def test_to_json_round_trip():
    cmd = parse_line("docker run -d -p 8080:80 nginx")
    assert json.loads(json.dumps(cmd.to_json()))["options"]["publish"] == ["8080:80"]


def test_every_command_parses_its_minimum():
    needs = {
        "container cp": ["a:/x", "/b"],
        "container update": ["--cpus", "1", "web"],
        "context use": ["default"],
    }
    for name, spec in SPECS.items():
        args = needs.get(name, ["alpine"] * spec.min_args)
        assert isinstance(parse_argv([*name.split(), *args]), Command), name


WORDS = sorted(
    {f"--{flag}" for spec in SPECS.values() for flag in spec.flags}
    | {f"-{short}" for spec in SPECS.values() for short in spec.shorthands}
    | {"--", "-", "-=", "--=", "-dp", "-aq", "-itd", "=", ""}
)
VALUES = [
    "8080:80",
    "nginx",
    "Nginx",
    "abc",
    "1",
    "-1",
    "512m",
    "a=b",
    "/a:/b:ro",
    ":",
    "99999:80",
    "type=bind,target=/x",
    "true",
    "x y",
    "1.5",
    "10s",
    "on-failure:3",
    "",
    "-5s",
    "[::1",
    '"',
    "0x1_0",
]
COMMAND_WORDS = sorted(
    {alias for spec in SPECS.values() for alias in spec.aliases}
    | {"help", "foo", "container", "image"}
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(COMMAND_WORDS),
    st.lists(
        st.one_of(st.sampled_from(WORDS), st.sampled_from(VALUES), st.text(max_size=6)), max_size=8
    ),
)
def test_parse_never_raises_anything_else(command, words):
    try:
        cmd = parse_argv([*command.split(), *words])
    except DockerCLIError as error:
        assert error.exit_code in {1, 125} and error.message
    else:
        assert isinstance(cmd, Command)


def test_cli_prints_json_or_dockers_error(capsys):
    assert main(["docker run -p 8080:80 nginx"]) == 0
    assert json.loads(capsys.readouterr().out)["command"] == "container run"
    assert main(["docker", "run", "-p", "99999:80", "nginx"]) == 125
    assert capsys.readouterr().err.startswith("docker: invalid hostPort: 99999\n")
    assert main(["--", "docker", "run"]) == 1
    assert "requires at least 1 argument" in capsys.readouterr().err
    assert main([]) == 2


def test_warnings_docker_prints_before_running():
    assert parse_line("docker -h").warnings == (
        "Flag shorthand -h has been deprecated, use --help",
    )
    assert parse_line("docker --help").warnings == ()
    assert parse_line("docker login -u ada -p secret localhost:5000").warnings == (
        "WARNING! Using --password via the CLI is insecure. Use --password-stdin.",
    )
    assert parse_line("docker run nginx").to_json()["warnings"] == []
