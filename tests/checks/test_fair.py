"""Issue 11's checks on the sandbox: meaning over spelling, the latest attempt, honest counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

from grader import checks as check
from grader.checks import CheckFailed
from grader.checks.build import _runs
from grader.magics import run_cell


@pytest.fixture
def website(sandbox_dir):
    check.reset("inspect", setup="docker run -d --name website nginx:latest", quiet=True)


@pytest.mark.parametrize(
    "line",
    [
        "docker inspect -f '{{.Config.Cmd}}' website",
        "docker container inspect --format '{{.Config.Cmd}}' website",
        "docker inspect --format='{{json .Config.Cmd}}' website",
    ],
)
def test_a_field_printed_plain_or_as_json(website, line):
    run_cell("", line)
    check.output("inspect", exercise="inspect", field="Config.Cmd", of="website")


@pytest.mark.parametrize(
    "line", ["docker inspect website", "docker inspect -f '{{.Config.Entrypoint}}' website"]
)
def test_another_field_or_the_whole_object_is_not_the_field(website, line):
    run_cell("", line)
    with pytest.raises(CheckFailed, match="does not print only the Config.Cmd field"):
        check.output("inspect", exercise="inspect", field="Config.Cmd", of="website")


def test_a_failing_latest_attempt_is_graded_not_the_earlier_success(website):
    run_cell("", "docker inspect -f '{{.Config.Cmd}}' website")
    run_cell("", "docker inspect -f '{{.Config.Cmd' website")
    with pytest.raises(CheckFailed, match="latest docker inspect command failed"):
        check.output("inspect", exercise="inspect", field="Config.Cmd", of="website")


@pytest.fixture
def box(sandbox_dir):
    check.reset(
        "shell",
        setup="docker run -d --name box alpine:latest sleep 3600",
        pull=["alpine"],
        quiet=True,
    )


@pytest.mark.parametrize(
    "line",
    [
        'docker exec box sh -c "echo ready"',
        "docker exec box /bin/sh -c 'echo ready'",
        'docker container exec -i box sh -c "echo  ready"',
    ],
)
def test_exec_through_the_shell(box, line, capsys):
    run_cell("", line)
    check.exec_shell("box", exercise="shell", runs="echo ready")
    assert "✔ docker exec runs" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("docker exec box echo ready", "directly, not through a shell"),
        ("docker exec box sh", "without a command line"),
        ('docker exec box sh -c "echo steady"', "another command line"),
        ('docker exec box bash -c "echo ready"', "failed"),
    ],
)
def test_exec_without_the_shell_or_its_command_fails(box, line, why):
    run_cell("", line)
    with pytest.raises(CheckFailed, match=why):
        check.exec_shell("box", exercise="shell", runs="echo ready")


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("RUN npm install", True),
        ('RUN ["npm", "install"]', True),
        ('RUN ["sh", "-c", "npm install --omit=dev"]', True),
        ("RUN npm ci", False),
        ("COPY npm install", False),
    ],
)
def test_a_step_runs_a_command_by_its_parsed_instruction(text, runs):
    assert _runs(text, "npm install") is runs


def dockerfile(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "Dockerfile"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("lines", "ok"),
    [
        (("COPY package.json ./", "COPY greet ./greet", "RUN npm install"), True),
        (("COPY package*.json greet/ ./", 'RUN ["npm", "install"]'), True),
        (("COPY . .", "RUN npm install"), True),
        (("COPY package.json ./", "RUN npm install", "COPY . ."), False),
        (("COPY --from=build /greet ./greet", "RUN npm install"), False),
    ],
)
def test_copied_before(tmp_path, lines, ok):
    path = dockerfile(tmp_path, "FROM node:20-alpine", "WORKDIR /app", *lines)
    if ok:
        check.copied_before(path, "greet")
    else:
        with pytest.raises(CheckFailed, match="runs 'npm install' before it copies greet"):
            check.copied_before(path, "greet")


@pytest.mark.parametrize(
    ("lines", "ok"),
    [
        (("FROM nginx:1.27",), True),
        (("FROM docker.io/library/nginx:1.27",), True),
        (("FROM nginx:1.27 AS web", "FROM web"), True),
        (("FROM nginx:latest",), False),
        (("FROM nginx",), False),
    ],
)
def test_based_on_reads_the_parsed_from(tmp_path, lines, ok):
    path = dockerfile(tmp_path, *lines, "COPY index.html /usr/share/nginx/html/")
    if ok:
        check.based_on(path, "nginx:1.27")
    else:
        with pytest.raises(CheckFailed, match="does not start from the image"):
            check.based_on(path, "nginx:1.27")


def test_a_summary_counts_only_its_own_cells_ticks(sandbox_dir, capsys):
    shell = InteractiveShell.instance()
    try:
        shell.run_cell(
            "from grader import checks as check\n"
            "check.no_containers()\n"
            "raise check.fail('a later check of the cell failed')"
        )
        shell.run_cell("check.no_containers()\ncheck.no_containers()\ncheck.summary('Ex')")
    finally:
        InteractiveShell.clear_instance()
    out = capsys.readouterr().out
    assert "Ex: 2 public checks passed." in out


def test_start_shows_nothing(sandbox_dir):
    assert check.start("quiet") is None


def test_ids_without_names_are_every_container_as_ps_lists_them(sandbox_dir):
    check.reset(
        "ids",
        setup="docker run -d --name aa nginx:latest\ndocker create --name bb nginx:latest",
        pull=["nginx"],
        quiet=True,
    )
    run_cell("", "docker ps --all --format '{{.ID}}'")
    listed = check.ids()
    assert listed == check.ids("bb", "aa")
    check.output("container ls", exercise="ids", expected="\n".join(listed))
