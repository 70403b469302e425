"""A fault of the course's own code is a bug: tests see it raise, students see one line.

Issue 14: the ``%%docker`` magic, the docker CLI and kubectl caught every exception and
printed one line, so pytest and nbval passed with a handler that raised.
``COURSE_RAISE_UNEXPECTED=1`` (set by tests/conftest.py) makes them re-raise.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from grader.dockercli import execute
from grader.dockercli.script import run_script
from grader.engine import get_engine
from grader.k8s import kubectl


class Boom(RuntimeError):
    """The bug planted in a handler."""


def _broken(*_args: object, **_kwargs: object) -> int:
    raise Boom("planted fault")


@pytest.fixture
def broken_ps(sandbox_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """A sandbox whose ``docker ps`` handler raises."""
    from grader.dockercli import executor

    real = executor.handler_for
    monkeypatch.setattr(
        executor, "handler_for", lambda name: _broken if name == "container ls" else real(name)
    )
    return get_engine("sandbox")


def test_a_handler_fault_raises_in_tests(broken_ps) -> None:
    with pytest.raises(Boom):
        execute(["ps"], broken_ps, stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(Boom):
        run_script("docker ps\n", engine=broken_ps, stdout=io.StringIO(), stderr=io.StringIO())


def test_a_handler_fault_is_one_line_for_students(broken_ps, monkeypatch) -> None:
    monkeypatch.delenv("COURSE_RAISE_UNEXPECTED")
    out, err = io.StringIO(), io.StringIO()
    assert execute(["ps"], broken_ps, stdout=out, stderr=err) == 1
    assert (out.getvalue(), err.getvalue()) == (
        "",
        "docker: unexpected error: Boom: planted fault\n",
    )
    err = io.StringIO()
    assert run_script("docker ps\necho after\n", engine=broken_ps, stdout=out, stderr=err) == 0
    assert err.getvalue() == "docker: unexpected error: Boom: planted fault\n"
    assert out.getvalue() == "after\n"


def test_a_kubectl_fault_raises_in_tests_and_is_one_line_for_students(
    sandbox_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(kubectl, "run", _broken)
    with pytest.raises(Boom):
        kubectl.main(["get", "pods"])
    monkeypatch.delenv("COURSE_RAISE_UNEXPECTED")
    assert kubectl.main(["get", "pods"]) == 1
    assert capsys.readouterr().err == "kubectl: unexpected error: Boom: planted fault\n"
