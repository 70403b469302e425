"""Failures teach without leaking: message parts, and a traceback free of the test source."""

import nbformat
import pytest
from nbclient import NotebookClient

from grader.checks import CheckFailed, fail


def test_message_has_problem_expected_found_hint():
    error = fail("port 8080 is not published", expected="a", found="b\nc", hint="d")
    assert isinstance(error, AssertionError)
    assert str(error).splitlines() == [
        "port 8080 is not published",
        "  expected: a",
        "  found:    b",
        "            c",
        "  hint:     d",
    ]


def test_ipython_traceback_is_only_the_message():
    error = fail("nothing answers", hint="use -d")
    lines = error._render_traceback_()
    assert "nothing answers" in lines[0]
    assert lines[1:] == ["  hint:     use -d"]


@pytest.mark.slow
def test_failing_hidden_test_does_not_show_its_source(sandbox_dir, tmp_path):
    secret = "docker run -d -p 8080:80 --name website nginx"
    cell = (
        "### BEGIN HIDDEN TESTS\n"
        f"# the solution is: {secret}\n"
        'check.ran("container run", flags={"publish": ["8080:80"], "detach": True})\n'
        "### END HIDDEN TESTS"
    )
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("from grader import checks as check"),
            nbformat.v4.new_code_cell(cell),
        ]
    )
    client = NotebookClient(notebook, kernel_name="python3", allow_errors=True, timeout=60)
    client.execute(cwd=str(tmp_path))
    [output] = notebook.cells[1].outputs
    assert output["output_type"] == "error"
    assert output["ename"] == CheckFailed.__name__
    shown = output["evalue"] + "\n".join(output["traceback"])
    assert "no docker container run command found" in shown
    for leak in ("8080:80", "BEGIN HIDDEN", "solution", "check.ran", "publish"):
        assert leak not in shown
