"""Exercise flow on the sandbox: reset with set-up, scoped route checks, output checks."""

from __future__ import annotations

import pytest

from grader import checks as check
from grader.checks import CheckFailed
from grader.magics import run_cell


def test_reset_removes_containers_runs_setup_and_starts_the_exercise(sandbox_dir, capsys):
    run_cell("", "docker run -d --name stray nginx:latest")
    check.reset("website", setup="docker create --name old nginx:latest")
    out = capsys.readouterr().out
    assert "Ready for website: removed 1 container." in out
    check.container("stray", exists=False)
    check.container("old", status="created")
    with pytest.raises(CheckFailed, match="no docker container create command"):
        check.command("container create", exercise="website")


def test_reset_removes_the_exercises_images_and_volumes(sandbox_dir):
    check.reset(pull=["nginx:latest"], quiet=True)
    run_cell("", "docker tag nginx:latest website:1.0.0\ndocker volume create data")
    check.image("website:1.0.0")
    check.reset("tag", images=["website:1.0.0"], volumes=True, quiet=True)
    check.image("website:1.0.0", exists=False)
    from grader.engine import get_engine

    assert not get_engine().volumes()["Volumes"]


def test_output_compares_with_a_reference_without_showing_it(sandbox_dir):
    check.reset(
        "ids",
        setup="docker run -d --name aa nginx:latest\ndocker create --name bb nginx:latest",
        quiet=True,
    )
    run_cell("", "docker ps -q")
    with pytest.raises(CheckFailed) as failure:
        check.output("container ls", exercise="ids", same_as="docker ps -aq")
    message = str(failure.value)
    assert "your command printed 1 line, the expected output has 2" in message
    assert "-aq" not in message
    run_cell("", "docker ps -a -q")
    printed = check.output("container ls", exercise="ids", same_as="docker ps -aq", lines=2)
    assert len(printed.split()) == 2


def test_output_through_an_exported_template(sandbox_dir):
    check.reset("format", setup="docker create --name old nginx:latest", quiet=True)
    run_cell("", 'export FORMAT="{{.Names}}: {{.Status}}"\ndocker ps -a --format "$FORMAT"')
    check.output("container ls", exercise="format", contains="old: Created")
    check.ran("container ls", exercise="format", flags={"all": True, "format": True})


def test_summary_counts_public_checks(sandbox_dir, capsys):
    check.no_containers()
    check.reset(quiet=True)
    check.no_containers()
    check.no_containers(running_only=True)
    check.summary("Exercise 9")
    out = capsys.readouterr().out
    assert "Exercise 9: 2 public checks passed." in out
    assert "all tests passed" not in out.lower()


def test_ids_of_named_containers(sandbox_dir):
    check.reset("ids", setup="docker create --name old nginx:latest", pull=["nginx"], quiet=True)
    [short] = check.ids("old")
    assert len(short) == 12
    run_cell("", "docker ps -aq")
    check.output("container ls", exercise="ids", contains=check.ids("old"))
    with pytest.raises(CheckFailed, match="no container named 'nope'"):
        check.ids("nope")
