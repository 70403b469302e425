"""Grade an answer corpus through the trusted grader: which exercise earned what.

An exercise is one group of answer cells and the grade cells that follow them in the source
notebook (its visible ``...-check`` cell and its hidden cell). A *hand-in* fills some
exercises with an entry of the corpus (grade id -> cell text; answer cells an entry leaves
out keep the source's solution) and is graded the way ``nbgrader autograde`` grades it:
``grader.grading.submission.grade`` (the path ``TrustedExecute`` takes) in a forked child,
then nbgrader's own ``determine_grade`` on the outputs written back into the hand-in.

As in ``course autograde``, the forks come from a grading process of their own: one per test
process, started fresh (``spawn``) on the first hand-in with the grader's modules imported
once (:func:`grader.grading.nbgrader.preload`), kept for the hand-ins that follow. Not from
the test process itself: a pytest-xdist worker has threads of its own (execnet's, and any an
earlier test left running), and a child forked while one of them held a lock (a stream's,
SQLite's) waited on it until the notebook timeout (seen once in CI). Not a fresh interpreter
per hand-in either: importing the grader costs ~2.4 s of CPU each time.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.utils import determine_grade

from grader.grading.isolation import namespaces_available
from grader.grading.merge import write_outputs
from grader.grading.nbgrader import preload
from grader.grading.submission import Job, grade

REPO = Path(__file__).resolve().parents[2]
Entry = Mapping[str, str]
"""Answer cell grade id -> the text a student wrote there."""


def meta(cell: nbformat.NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


@dataclass(frozen=True)
class Exercise:
    """The answer cells of one exercise and the grade cells that judge them."""

    answers: tuple[str, ...]
    tests: tuple[str, ...]


@dataclass
class Graded:
    """One graded hand-in: grade id -> (score, max score), and what each test cell printed."""

    scores: dict[str, tuple[float, float]] = field(default_factory=dict)
    printed: dict[str, str] = field(default_factory=dict)

    def verdict(self, exercise: Exercise) -> str:
        """What the exercise's cells say, for an assertion message."""
        return "\n".join(
            f"--- {test} {self.scores[test]}\n{self.printed[test]}" for test in exercise.tests
        )


def source(notebook: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "notebooks" / notebook / f"{notebook}.ipynb", as_version=4)


def exercises(notebook: nbformat.NotebookNode) -> dict[str, Exercise]:
    """First answer grade id -> its exercise, in notebook order."""
    found: dict[str, Exercise] = {}
    answers: list[str] = []
    tests: list[str] = []
    for cell in notebook.cells:
        info = meta(cell)
        if info.get("solution"):
            if tests:
                found[answers[0]] = Exercise(tuple(answers), tuple(tests))
                answers, tests = [], []
            answers.append(info["grade_id"])
        elif info.get("grade") and answers:
            tests.append(info["grade_id"])
    if answers and tests:
        found[answers[0]] = Exercise(tuple(answers), tuple(tests))
    return found


def _printed(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif output.get("output_type") == "error":
            parts.append("\n".join(output.get("traceback", [])) or output.get("evalue", ""))
    return "".join(parts)


_GRADING: list[ProcessPoolExecutor] = []
"""This test process's grading process, once started."""


def _grading_process() -> ProcessPoolExecutor:
    if not _GRADING:
        _GRADING.append(
            ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=preload
            )
        )
    return _GRADING[0]


def hand_in(notebook: str, answers: Entry) -> Graded:
    """Grade the source notebook with ``answers`` in its answer cells, as the grader does."""
    done = _grading_process().submit(_grade_here, notebook, dict(answers))
    return done.result(timeout=Job.notebook_timeout + 120)


def _grade_here(notebook: str, answers: Entry) -> Graded:
    original = source(notebook)
    submission = nbformat.from_dict(original)
    for cell in submission.cells:
        grade_id = meta(cell).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    job = Job(
        source=original,
        submission=submission,
        material=REPO / "notebooks" / notebook,
        engine="sandbox",
        cell_timeout=60,
        isolate=namespaces_available(),
    )
    write_outputs(submission, original, grade(job))
    graded = Graded()
    for cell in submission.cells:
        info = meta(cell)
        if info.get("grade"):
            score, maximum = determine_grade(cell)
            graded.scores[info["grade_id"]] = (score or 0.0, maximum or 0.0)
            graded.printed[info["grade_id"]] = _printed(cell)
    return graded
