"""The replay: instructor cells run, answers applied as data, outputs as nbgrader reads them."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.utils import determine_grade

from grader.grading.merge import write_outputs
from grader.grading.replay import answers_of, replay


def meta(grade_id: str, *, solution: bool = False, points: int = 0) -> dict:
    return {
        "nbgrader": {
            "grade_id": grade_id,
            "solution": solution,
            "grade": bool(points),
            "locked": not solution,
            "schema_version": 3,
            "task": False,
            **({"points": points} if points else {}),
        }
    }


def source_notebook() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# a test assignment"),
        new_code_cell("%load_ext grader.magics\nfrom grader import checks as check", id="setup"),
        new_code_cell(
            "### BEGIN SOLUTION\nx = 41\n### END SOLUTION", metadata=meta("ans-x", solution=True)
        ),
        new_code_cell(
            'assert x + 1 == 42, "x is 41"\nprint("ok")', metadata=meta("test-x", points=1)
        ),
        new_code_cell(
            "%%docker\ndocker run -d --name gc-replay-web nginx:1.27",
            metadata=meta("ans-docker", solution=True),
        ),
        new_code_cell('check.ran("docker run")', metadata=meta("test-docker", points=2)),
        new_code_cell("%%writefile notes.txt\nhello", metadata=meta("ans-file", solution=True)),
        new_code_cell('print(open("notes.txt").read())', metadata=meta("test-file", points=1)),
        new_code_cell("0.5", metadata=meta("test-partial", points=2)),
    ]
    return new_notebook(cells=cells)


def submission(answers: dict[str, str]) -> nbformat.NotebookNode:
    """The source with the student's text in the answer cells (nbgrader keeps hidden tests)."""
    notebook = source_notebook()
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return notebook


def grade(notebook: nbformat.NotebookNode, workdir: Path) -> dict[str, float]:
    """Replay ``notebook``'s answers against the source and score like SaveAutoGrades."""
    source = source_notebook()
    runs = replay(source, answers_of(notebook), workdir=workdir, cell_timeout=30)
    write_outputs(notebook, source, runs)
    return {
        cell.metadata["nbgrader"]["grade_id"]: determine_grade(cell)[0]
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("grade")
    }


@pytest.fixture
def workdir(tmp_path: Path, sandbox_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def test_the_solutions_score_full_marks(workdir: Path) -> None:
    notebook = source_notebook()
    scores = grade(notebook, workdir)
    assert scores == {"test-x": 1, "test-docker": 2, "test-file": 1, "test-partial": 0.5}
    assert (workdir / "notes.txt").read_text() == "hello\n"
    shapes = {
        c.metadata.get("nbgrader", {}).get("grade_id"): c.outputs
        for c in notebook.cells
        if c.cell_type == "code"
    }
    assert shapes["test-x"] == [{"output_type": "stream", "name": "stdout", "text": "ok\n"}]
    assert shapes["ans-file"][0]["text"] == "Writing notes.txt\n"
    assert shapes["test-partial"][0]["output_type"] == "execute_result"
    assert shapes["test-partial"][0]["data"] == {"text/plain": "0.5"}


def test_the_docker_answer_is_replayed_on_the_engine(workdir: Path, sandbox_dir: Path) -> None:
    from grader.engine import get_engine
    from grader.history import entries

    grade(source_notebook(), workdir)
    assert get_engine("sandbox").inspect_container("gc-replay-web")["State"]["Running"]
    assert [e.argv[:2] for e in entries()] == [["docker", "run"]]


def test_code_in_an_answer_is_not_run_and_its_tests_fail(workdir: Path, tmp_path: Path) -> None:
    canary = tmp_path / "ran"
    notebook = submission(
        {
            "ans-x": f"x = 41\nopen({str(canary)!r}, 'w')",
            "ans-docker": "%%bash\ndocker run -d --name gc-replay-web nginx:1.27",
            "ans-file": "%%writefile ../escape.txt\nhello",
        }
    )
    scores = grade(notebook, workdir)
    assert scores == {"test-x": 0, "test-docker": 0, "test-file": 0, "test-partial": 0.5}
    assert not canary.exists() and not (tmp_path / "escape.txt").exists()
    outputs = {
        c.metadata.get("nbgrader", {}).get("grade_id"): c.outputs
        for c in notebook.cells
        if c.cell_type == "code"
    }
    assert "answer cells are read as values, not run: line 2" in outputs["ans-x"][0]["text"]
    assert outputs["ans-x"][0]["name"] == "stderr"
    assert "leaves the assignment's folder" in outputs["ans-file"][0]["text"]
    assert outputs["test-x"][0] == {
        "output_type": "error",
        "ename": "NameError",
        "evalue": "name 'x' is not defined",
        "traceback": ["NameError: name 'x' is not defined"],
    }


def test_a_magic_line_is_never_expanded_as_python(workdir: Path, tmp_path: Path) -> None:
    canary = tmp_path / "expanded"
    line = f"--timeout {{open({str(canary)!r}, 'w') and 5}}"
    scores = grade(submission({"ans-docker": f"%%docker {line}\ndocker ps"}), workdir)
    assert not canary.exists()
    assert scores["test-docker"] == 0


def test_an_answer_cannot_shadow_the_notebook_tools(workdir: Path) -> None:
    notebook = submission({"ans-x": "x = 41\ncheck = 1"})
    scores = grade(notebook, workdir)
    assert scores["test-docker"] == 2  # check still works
    assert scores["test-x"] == 0  # the cell bound nothing


def test_student_cells_outside_answers_are_ignored_and_deleted_tests_restored(
    workdir: Path,
) -> None:
    notebook = submission({})
    notebook.cells = [
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test-x"
    ]
    notebook.cells.insert(2, new_code_cell("x = 41", id="mine"))
    notebook.cells[1].source = "check = None"  # the student edits the set-up cell
    scores = grade(notebook, workdir)
    assert scores["test-x"] == 1  # restored from the source and graded with the answer
    assert scores["test-docker"] == 2  # the set-up that ran is the instructor's
    assert [c for c in notebook.cells if c.get("id") == "mine"][0].outputs == []


def test_a_missing_answer_cell_is_blank(workdir: Path) -> None:
    notebook = submission({})
    notebook.cells = [
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "ans-x"
    ]
    assert grade(notebook, workdir)["test-x"] == 0


def test_a_slow_cell_times_out_and_the_rest_runs(workdir: Path) -> None:
    source = source_notebook()
    source.cells[3].source = "import time\ntime.sleep(30)"
    runs = replay(source, answers_of(source), workdir=workdir, cell_timeout=0.5)
    by_id = {run.grade_id: run.outputs for run in runs}
    assert by_id["test-x"][0]["ename"] == "CellTimeoutError"
    assert by_id["test-file"][0]["text"] == "hello\n\n"
