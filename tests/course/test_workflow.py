"""The instructor workflow end to end on the ps0 fixture: release, autograde, feedback, export."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from course_fixture import submit, with_solutions

from grader.course.cli import cli

pytestmark = pytest.mark.slow

COURSE = str(Path(sys.executable).parent / "course")


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    """The installed ``course`` script, with a PATH that lacks the venv (as on a new shell)."""
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [COURSE, "--root", str(root), *args], env=env, capture_output=True, text=True, timeout=300
    )


def grades(root: Path) -> dict[str, float]:
    with (root / "grades.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["assignment"] == "ps0" and row["max_score"] == "3.0" for row in rows)
    return {row["student_id"]: float(row["score"]) for row in rows}


def cell_scores(root: Path, student: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "docker-k8s") as gradebook:
        notebook = gradebook.find_submission_notebook("ps0", "ps0", student)
        return {grade.name: grade.score for grade in notebook.grades}


def test_release_autograde_feedback_export(course: Path) -> None:
    released = run(course, "release", "--all")
    assert released.returncode == 0, released.stderr
    assert "ps0 -> release/ps0/" in released.stderr
    submit(course, "full", nbformat.read(course / "notebooks/ps0/ps0.ipynb", as_version=4))
    submit(course, "blank", nbformat.read(course / "release/ps0/ps0.ipynb", as_version=4))
    submit(course, "part", with_solutions(course, {"split_publish"}))

    graded = run(course, "autograde", "ps0", "--workers", "2")
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert "grading on sandbox with 2 worker(s)" in graded.stderr
    assert "3 items" in graded.stderr
    exported = run(course, "export", "ps0")
    assert exported.returncode == 0, exported.stderr
    assert grades(course) == {"blank": 0.0, "full": 3.0, "part": 2.0}
    assert cell_scores(course, "part") == {"test_split_publish": 2.0, "test_pinned_tag": 0.0}

    assert run(course, "feedback").returncode == 0
    for student in ("full", "blank", "part"):
        html = (course / "feedback" / student / "ps0" / "ps0.html").read_text()
        assert "8080:80" in html  # the public test is shown
        assert "5000" not in html and "HIDDEN TESTS" not in html
    blank_html = (course / "feedback" / "blank" / "ps0" / "ps0.html").read_text()
    assert "NotImplementedError" in blank_html


def test_regrade_one_student(course: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--root", str(course), "release", "ps0"]).exit_code == 0
    submit(course, "ann", with_solutions(course, set()))
    submit(course, "bob", with_solutions(course, {"pinned_tag"}))
    assert runner.invoke(cli, ["--root", str(course), "autograde"]).exit_code == 0
    submit(course, "ann", with_solutions(course, {"split_publish", "pinned_tag"}))
    result = runner.invoke(cli, ["--root", str(course), "autograde", "--student", "ann"])
    assert result.exit_code == 0, result.output
    assert "1 item" in result.output
    assert (
        runner.invoke(cli, ["--root", str(course), "export", "ps0", "-o", "grades.csv"]).exit_code
        == 0
    )
    assert grades(course) == {"ann": 3.0, "bob": 1.0}


def add_source_cell(root: Path, index: int, source: str, assignment: str = "ps0") -> None:
    """Put an instructor's code cell (no nbgrader metadata) into the source notebook."""
    path = root / "notebooks" / assignment / f"{assignment}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(index, nbformat.v4.new_code_cell(source, id="instructor-probe"))
    nbformat.write(notebook, path)


def edit_source_cell(root: Path, grade_id: str, prefix: str, assignment: str = "ps0") -> None:
    """Put ``prefix`` at the start of the source notebook's cell ``grade_id``."""
    path = root / "notebooks" / assignment / f"{assignment}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = prefix + cell.source
    nbformat.write(notebook, path)


def test_each_submission_gets_its_own_sandbox_in_grading_mode(course: Path) -> None:
    probe = (
        "import os\n"
        'print(*(os.environ[k] for k in ("COURSE_GRADING", "COURSE_ENGINE", "COURSE_SANDBOX_DIR")))'
    )
    add_source_cell(course, 4, probe)
    runner = CliRunner()
    assert runner.invoke(cli, ["--root", str(course), "release", "ps0"]).exit_code == 0
    for student in ("ann", "bob"):
        submit(course, student, with_solutions(course, {"split_publish", "pinned_tag"}))
    assert runner.invoke(cli, ["--root", str(course), "autograde"]).exit_code == 0
    seen = []
    for student in ("ann", "bob"):
        graded = nbformat.read(course / "autograded" / student / "ps0" / "ps0.ipynb", 4)
        grading, engine, sandbox = graded.cells[4].outputs[0]["text"].split()
        assert (grading, engine) == ("1", "sandbox")
        seen.append(sandbox)
    assert seen[0] != seen[1]
    assert not any(Path(s).exists() for s in seen)  # removed once graded


def test_a_cell_timeout_grades_the_rest(course: Path) -> None:
    with (course / "nbgrader_config.py").open("a") as config:
        config.write("\nc.Execute.timeout = 3\n")
    edit_source_cell(course, "test_split_publish", "import time\ntime.sleep(60)\n")
    runner = CliRunner()
    assert runner.invoke(cli, ["--root", str(course), "release", "ps0"]).exit_code == 0
    submit(course, "slow", with_solutions(course, {"split_publish", "pinned_tag"}))
    result = runner.invoke(cli, ["--root", str(course), "autograde"])
    assert result.exit_code == 0, result.output
    assert cell_scores(course, "slow") == {"test_split_publish": 0.0, "test_pinned_tag": 1.0}
    graded = nbformat.read(course / "autograded" / "slow" / "ps0" / "ps0.ipynb", 4)
    assert graded.cells[2].outputs[0]["ename"] == "CellTimeoutError"


def test_a_notebook_timeout_stops_the_submission(course: Path) -> None:
    with (course / "nbgrader_config.py").open("a") as config:
        config.write("\nc.Execute.timeout = 120\nc.CourseSettings.notebook_timeout = 20\n")
    runner = CliRunner()
    assert runner.invoke(cli, ["--root", str(course), "release", "ps1"]).exit_code == 0
    stuck = with_solutions(course, {"run_web"}, "ps1")
    stuck.cells[5].source = "%%docker\ndocker run busybox sleep 600"
    submit(course, "stuck", stuck, "ps1")
    submit(course, "fine", with_solutions(course, {"run_web"}, "ps1"), "ps1")
    result = runner.invoke(cli, ["--root", str(course), "autograde", "--workers", "2"])
    assert result.exit_code == 1
    assert "stuck ps1: timed out" in result.output
    assert "fine ps1: graded" in result.output
    assert "grading took longer than 20 s" in result.output


def test_collect_files_hand_ins(course: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--root", str(course), "release"]).exit_code == 0
    inbox = tmp_path / "inbox"
    (inbox / "dan").mkdir(parents=True)
    released = nbformat.read(course / "release/ps0/ps0.ipynb", 4)
    nbformat.write(released, inbox / "cat.ipynb")
    nbformat.write(released, inbox / "dan" / "my copy.ipynb")
    result = runner.invoke(cli, ["--root", str(course), "collect", "ps0", str(inbox)])
    assert result.exit_code == 0, result.output
    assert "collected 2 submission(s) of ps0" in result.output
    for student in ("cat", "dan"):
        assert (course / "submitted" / student / "ps0" / "ps0.ipynb").is_file()


def test_parallel_submissions_do_not_share_ports(course: Path) -> None:
    """Both students publish host port 18473 at the same time, each in its own network."""
    runner = CliRunner()
    assert runner.invoke(cli, ["--root", str(course), "release", "ps1"]).exit_code == 0
    for student in ("ann", "bob"):
        submit(course, student, with_solutions(course, {"run_web"}, "ps1"), "ps1")
    result = runner.invoke(cli, ["--root", str(course), "autograde", "--workers", "2", "--isolate"])
    assert result.exit_code == 0, result.output
    assert "isolated networks" in result.output
    assert runner.invoke(cli, ["--root", str(course), "export"]).exit_code == 0
    with (course / "grades.csv").open() as handle:
        rows = {row["student_id"]: row["score"] for row in csv.DictReader(handle)}
    assert rows == {"ann": "3.0", "bob": "3.0"}


def test_outcomes_say_how_long_the_replay_took(course: Path) -> None:
    from grader.course.autograde import main as autograde
    from grader.course.release import main as release

    release(root=course, assignments=["ps0"])
    submit(course, "ann", with_solutions(course, {"split_publish"}))
    (outcome,) = autograde(root=course, workers=1)
    assert outcome.ok, outcome.log
    assert 0 < outcome.replay_seconds < outcome.seconds
