"""The answer corpus of the Kubernetes notebooks (06, 07, 09), graded through nbgrader.

A corpus is a set of hand-ins built from the student release: each one starts from the
source's answers and replaces some answer cells (by grade id) with an alternative a fair
instructor must accept, or with a plausible wrong answer. Several entries share one hand-in
when they touch different exercises, so one ``course autograde`` run (the trusted grader's
TrustedExecute path, as ``nbgrader autograde``) grades the whole corpus.

:func:`exercises` maps each exercise (the ``### Exercise N`` heading above its cells) to its
graded cells, so a test can say "this hand-in has full marks on exercise 3, zero on 4".
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from releases import Releases

REPO = Path(__file__).resolve().parents[2]
BIN = str(Path(sys.executable).parent)
EXERCISE = re.compile(r"^#+ Exercise (\d+)", re.MULTILINE)
SUMMARY = "public check"
"""Printed by ``check.summary`` when every visible check of a cell passed."""


def meta(cell: nbformat.NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def exercises(notebook: nbformat.NotebookNode) -> dict[str, list[str]]:
    """``"3" -> [grade ids of exercise 3's graded cells]``, in notebook order."""
    found: dict[str, list[str]] = {}
    current = ""
    for cell in notebook.cells:
        heading = EXERCISE.search(cell.source) if cell.cell_type == "markdown" else None
        if heading:
            current = heading.group(1)
        if meta(cell).get("grade") and current:
            found.setdefault(current, []).append(meta(cell)["grade_id"])
    return found


@dataclass
class GradedCorpus:
    """A released course whose hand-ins were autograded once."""

    root: Path
    assignment: str
    source: nbformat.NotebookNode
    log: str

    def cell_scores(self, student: str) -> dict[str, tuple[float, float]]:
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}", "docker-k8s") as gradebook:
            notebook = gradebook.find_submission_notebook(self.assignment, self.assignment, student)
            return {g.name: (g.score, g.max_score) for g in notebook.grades}

    def outputs(self, student: str) -> dict[str, str]:
        """Grade id -> everything the autograded cell printed (text and errors)."""
        path = self.root / "autograded" / student / self.assignment / f"{self.assignment}.ipynb"
        notebook = nbformat.read(path, as_version=4)
        found = {}
        for cell in notebook.cells:
            if not meta(cell).get("grade"):
                continue
            parts = []
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream":
                    parts.append(output.get("text", ""))
                elif output.get("output_type") == "error":
                    parts.append(f"{output['ename']}: " + "\n".join(output["traceback"]))
                else:
                    parts.append(str(output.get("data", {}).get("text/plain", "")))
            found[meta(cell)["grade_id"]] = "".join(parts)
        return found

    def assert_full_marks(self, students: list[str]) -> None:
        """Every exercise of every hand-in of ``students`` has every point."""
        assert "failed" not in self.log, self.log
        for student in students:
            scores = self.exercise_scores(student)
            assert all(got == full for got, full in scores.values()), (student, scores)

    def assert_no_marks(self, targeted: dict[str, set[str]]) -> None:
        """Hand-in -> the exercises its wrong entries fill: each of them has no point."""
        for student, numbers in targeted.items():
            scores = self.exercise_scores(student)
            assert all(scores[n][0] == 0 for n in numbers), (student, scores)

    def exercise_scores(self, student: str) -> dict[str, tuple[float, float]]:
        """Exercise -> (score, maximum) over its graded cells."""
        cells = self.cell_scores(student)
        return {
            number: (sum(cells[g][0] for g in ids), sum(cells[g][1] for g in ids))
            for number, ids in exercises(self.source).items()
        }


def hand_in(
    release: nbformat.NotebookNode, source: nbformat.NotebookNode, answers: dict[str, str]
) -> nbformat.NotebookNode:
    """The release with the source's answers, except the cells ``answers`` replaces."""
    solved = {meta(c).get("grade_id"): c.source for c in source.cells}
    notebook = nbformat.from_dict(release)
    for cell in notebook.cells:
        grade_id = meta(cell).get("grade_id")
        if meta(cell).get("solution"):
            cell.source = answers.get(grade_id, solved[grade_id])
    return notebook


def grade_corpus(
    folder: Path, students: dict[str, dict[str, str]], workdir: Path, releases: Releases
) -> GradedCorpus:
    """Copy ``folder``'s release, hand in one notebook per student (answer overrides), grade."""
    name = folder.name
    root = workdir / "course"
    releases.course(folder, root)
    env = {**os.environ, "PATH": os.pathsep.join([BIN, os.environ.get("PATH", "")])}
    env["COURSE_ENGINE"] = "sandbox"
    env["COURSE_SANDBOX_DIR"] = str(workdir / "unused-state")
    course = [sys.executable, "-m", "grader.course.cli", "--root", str(root)]
    source = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    release = nbformat.read(root / "release" / name / f"{name}.ipynb", as_version=4)
    for student, answers in students.items():
        target = root / "submitted" / student / name
        shutil.copytree(root / "release" / name, target)
        nbformat.write(hand_in(release, source, answers), target / f"{name}.ipynb")
    done = subprocess.run(
        [*course, "autograde", name, "--engine", "sandbox"],
        env=env,
        capture_output=True,
        text=True,
    )
    return GradedCorpus(root, name, source, done.stdout + done.stderr)
