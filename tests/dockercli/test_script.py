"""run_script: the shell builtins, unknown programs, grammar errors and the history log.

None of these reach an engine: builtins run in-process and refused docker lines stop at the
grammar, exactly as Docker's client refuses them before contacting a daemon.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from grader import history
from grader.dockercli import run_script


def run(text: str, **kwargs) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = run_script(text, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue(), code


def test_unknown_program_is_bash_like_and_the_script_goes_on(sandbox_dir: Path) -> None:
    out, err, code = run("raise NotImplementedError\necho after")
    assert err == "bash: line 1: raise: command not found\n"
    assert (out, code) == ("after\n", 0)


def test_last_status_is_returned(sandbox_dir: Path) -> None:
    assert run("echo a\nnosuchprogram")[2] == 127
    assert run("false || echo rescued") == ("rescued\n", "", 0)
    assert run("false && echo skipped")[0:3:2] == ("", 1)


def test_export_variables_and_substitution(sandbox_dir: Path) -> None:
    text = 'export FORMAT="ID\\t{{.ID}}"\necho $FORMAT\necho "x$(echo inner)y"'
    assert run(text, env={}) == ("ID\\t{{.ID}}\nxinnery\n", "", 0)


def test_cd_and_pwd(tmp_path: Path, sandbox_dir: Path) -> None:
    (tmp_path / "site").mkdir()
    out, err, code = run("pwd\ncd site\npwd\ncd nowhere", cwd=str(tmp_path))
    assert out == f"{tmp_path}\n{tmp_path / 'site'}\n"
    assert err == "bash: line 1: cd: nowhere: No such file or directory\n"
    assert code == 1


def test_unsupported_shell_syntax_is_refused_before_running(sandbox_dir: Path) -> None:
    out, err, code = run("echo first\ndocker ps | wc -l")
    assert out == ""
    assert err.startswith("bash: pipes (`|`) are not supported")
    assert code == 2


@pytest.mark.parametrize(
    ("line", "first_error", "exit_code"),
    [
        ("docker run --port 80 nginx", "unknown flag: --port", 125),
        ("docker run", "docker: 'docker run' requires at least 1 argument", 1),
        ("docker run -p 99999:80 nginx", "docker: invalid hostPort: 99999", 125),
        ("docker nosuch", "docker: unknown command: docker nosuch", 1),
    ],
)
def test_grammar_errors_stop_before_any_engine(
    sandbox_dir: Path, line: str, first_error: str, exit_code: int
) -> None:
    out, err, code = run(line, source="magic")
    assert (out, code) == ("", exit_code)
    assert err.splitlines()[0] == first_error
    last = history.entries()[-1]
    assert (last.argv, last.exit_code, last.source) == (line.split(), exit_code, "magic")


def test_help_lists_usage_aliases_and_options(sandbox_dir: Path) -> None:
    out, err, code = run("docker ps --help")
    assert (err, code) == ("", 0)
    assert out.startswith("\nUsage:  docker container ls [OPTIONS]\n\nAliases:\n")
    assert "  -a, --all\n" in out
    assert "      --format\n" in out
