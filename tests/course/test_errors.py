"""The course CLI answers bad input with a message, never a traceback."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from grader.course.cli import cli


def test_bad_input_gets_a_message(course: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--root", str(course), "release", "nope"])
    assert result.exit_code == 1
    assert "no assignment nope in the source folder (known: ps0, ps1)" in result.output
    result = runner.invoke(cli, ["--root", str(course), "autograde"])
    assert result.exit_code == 1
    assert "no submission in submitted/<student>/<assignment>/ matches" in result.output
    result = runner.invoke(cli, ["--root", str(course), "collect", "ps0", str(tmp_path / "x")])
    assert "no such folder" in result.output
    result = runner.invoke(cli, ["--root", str(course), "export"])
    assert "no gradebook yet" in result.output
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback


def test_export_refuses_an_unknown_assignment(course: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--root", str(course), "release", "ps0"]).exit_code == 0
    result = runner.invoke(cli, ["--root", str(course), "export", "ps9"])
    assert result.exit_code == 1
    assert "the gradebook has no assignment ps9" in result.output
