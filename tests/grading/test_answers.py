"""Answer cells read as data: which are values, commands, files, or refused (and why)."""

from __future__ import annotations

import pytest

from grader.grading.answers import (
    READ_AS_VALUES,
    Commands,
    File,
    Refused,
    Values,
    read_answer,
)


@pytest.mark.parametrize(
    ("source", "bindings"),
    [
        ('smallest = "alpine:3.20"', {"smallest": "alpine:3.20"}),
        ("# a comment\nx = 1\n\ny = [1, 2.5, None]", {"x": 1, "y": [1, 2.5, None]}),
        (
            "### BEGIN SOLUTION\nports = {'80/tcp': 8080}\n### END SOLUTION",
            {"ports": {"80/tcp": 8080}},
        ),
        ("HOST, CONTAINER = 8080, 80", {"HOST": 8080, "CONTAINER": 80}),
        ("a = b = -3", {"a": -3, "b": -3}),
        ("n: int = 3", {"n": 3}),
        ("", {}),
    ],
)
def test_literal_assignments_are_values(source: str, bindings: dict) -> None:
    assert read_answer(source) == Values(bindings)


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("# YOUR CODE HERE\nraise NotImplementedError()", "raise NotImplementedError()"),
        ("import os", "import os"),
        ("x = len('abc')", "not a computation"),
        ("x = __import__('os').system('true')", "not a computation"),
        ("check = lambda *a, **k: None", "not a computation"),
        ("def check(): pass", "def check(): pass"),
        ("x = 1\nprint(x)", "print(x)"),
        ("_secret = 1", "names starting with '_'"),
        ("x.y = 1", "plain names"),
        ("a, b = 1, 2, 3", "number of names"),
        ("x = (", "line 1"),
        ("x = f'{1}'", "not a computation"),
    ],
)
def test_anything_else_is_refused_with_a_reason(source: str, why: str) -> None:
    answer = read_answer(source)
    assert isinstance(answer, Refused)
    assert answer.reason.startswith(READ_AS_VALUES)
    assert why in answer.reason


def test_a_huge_answer_is_refused() -> None:
    assert isinstance(read_answer("x = '" + "a" * 200_000 + "'"), Refused)


def test_command_cells_are_commands() -> None:
    assert read_answer("%%docker --timeout 5\ndocker ps") == Commands(
        "docker", "--timeout 5", "docker ps"
    )
    assert read_answer("%%kubectl\nkubectl get pods") == Commands("kubectl", "", "kubectl get pods")


def test_file_cells_are_files() -> None:
    assert read_answer("%%dockerfile web/Dockerfile\nFROM nginx") == File(
        "dockerfile", "web/Dockerfile", "FROM nginx"
    )
    assert read_answer("%%dockerfile\nFROM nginx") == File("dockerfile", "Dockerfile", "FROM nginx")
    assert read_answer("%%writefile -a 'my file.txt'\nhi") == File(
        "writefile", "my file.txt", "hi", True
    )


@pytest.mark.parametrize("source", ["%%bash\nrm -rf /", "%%python\nimport os", "%%capture\nx=1"])
def test_other_cell_magics_are_refused(source: str) -> None:
    answer = read_answer(source)
    assert isinstance(answer, Refused) and "not read by the grader" in answer.reason


def test_writefile_needs_one_name() -> None:
    assert isinstance(read_answer("%%writefile\nx"), Refused)
    assert isinstance(read_answer("%%writefile a b\nx"), Refused)
