"""``course feedback``: every student gets feedback; a student's text is shown, never obeyed.

nbgrader's ``ClearHiddenTests`` interprets its marker words in any cell: a student who
typed ``### BEGIN HIDDEN TESTS`` stopped feedback for the class, and one who typed both
markers had their own text cut. Feedback also never quotes the instructor's hidden tests:
a failed hidden test shows its one-line verdict only.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from course_fixture import submit, with_solutions
from leakscan import page_text

from grader.course.cli import cli

pytestmark = pytest.mark.slow

HIDDEN = "isinstance(p, int) for p in"
"""Text of ps0's hidden test."""
PUBLIC = "(HOST_PORT, CONTAINER_PORT) == (8080, 80)"
"""Text of ps0's public test."""


def invoke(course: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(course), *args])


def page(course: Path, student: str) -> str:
    return page_text(course / "feedback" / student / "ps0" / "ps0.html")


@pytest.fixture
def graded(course: Path) -> Path:
    """ps0 released, four students handed in and autograded."""
    assert invoke(course, "release").exit_code == 0
    unbalanced = with_solutions(course, {"split_publish", "pinned_tag"})
    unbalanced.cells[3].source += "\n# ### BEGIN HIDDEN TESTS (a note to myself)"
    submit(course, "marker", unbalanced)
    wrapped = with_solutions(course, {"pinned_tag"})
    wrapped.cells[1].source = (
        "### BEGIN HIDDEN TESTS\nHOST_PORT, CONTAINER_PORT = 8080, 80  # MY OWN LINE\n"
        "### END HIDDEN TESTS"
    )
    submit(course, "wrapped", wrapped)
    floats = with_solutions(course, {"pinned_tag"})
    floats.cells[1].source = "HOST_PORT, CONTAINER_PORT = 8080.0, 80.0"
    submit(course, "floats", floats)
    tamper = with_solutions(course, {"split_publish", "pinned_tag"})
    tamper.cells[2].source = "### BEGIN SOLUTION\nprint('tests? what tests?')"
    submit(course, "tamper", tamper)
    result = invoke(course, "autograde")
    assert result.exit_code == 0, result.output
    return course


def test_marker_text_in_a_student_cell_is_shown_not_obeyed(graded: Path) -> None:
    result = invoke(graded, "feedback")
    assert result.exit_code == 0, result.output
    assert "a note to myself" in page(graded, "marker")
    assert "MY OWN LINE" in page(graded, "wrapped")
    for student in ("marker", "wrapped", "floats", "tamper"):
        text = page(graded, student)
        assert HIDDEN not in text, student


def test_a_tampered_test_cell_shows_the_instructor_text_without_its_hidden_part(
    graded: Path,
) -> None:
    assert invoke(graded, "feedback").exit_code == 0
    text = page(graded, "tamper")
    assert PUBLIC in text
    assert "tests? what tests?" not in text
    assert HIDDEN not in text


def test_hidden_test_outputs_never_quote_the_hidden_test(graded: Path) -> None:
    assert invoke(graded, "feedback").exit_code == 0
    text = page(graded, "floats")
    assert "AssertionError: ports are numbers" in text  # the verdict, passing the public part
    assert HIDDEN not in text
    printed = "public checks passed (hidden tests run when graded)"
    assert text.count(printed) == 1  # in the cell's code; what the cell printed is dropped


def test_one_broken_submission_does_not_stop_the_class(graded: Path) -> None:
    broken = graded / "autograded" / "floats" / "ps0" / "ps0.ipynb"
    broken.write_text("{ not a notebook")
    result = invoke(graded, "feedback")
    assert result.exit_code == 1
    assert "could not write feedback for 1 of 4 submission(s)" in result.output
    assert "--- floats ps0 ---" in result.output
    for student in ("marker", "wrapped", "tamper"):
        assert (graded / "feedback" / student / "ps0" / "ps0.html").is_file(), student
    assert not (graded / "feedback" / "floats" / "ps0" / "ps0.html").exists()


def test_a_released_notebook_gets_feedback_with_public_tests_only(graded: Path) -> None:
    released = nbformat.read(graded / "release" / "ps0" / "ps0.ipynb", as_version=4)
    submit(graded, "blank", released)
    assert invoke(graded, "autograde", "--student", "blank").exit_code == 0
    assert invoke(graded, "feedback", "--student", "blank").exit_code == 0
    text = page(graded, "blank")
    assert PUBLIC in text and HIDDEN not in text
