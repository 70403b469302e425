"""The content harness: every assignment in notebooks/ plus the fixtures that prove it.

An assignment is a folder of the nbgrader source tree holding one notebook of the same name.
``graded`` builds a throwaway course per (assignment, engine) from the assignment's release
(built once per test run for both engines, :mod:`releases`), hands in students (all four on
the sandbox, ``solved`` and ``blank`` on the real engine: :data:`HAND_INS`) and autogrades them
once per test session:

- ``source``: the instructor's notebook as is (must score full marks),
- ``solved``: the release with every answer cell taken from the source (full marks),
- ``blank``: the release untouched (zero),
- ``part``: the release with the first half of the answer cells answered (in between).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from netns import ISOLATE, isolation_available
from releases import Releases, assignment_folders

REPO = Path(__file__).resolve().parents[2]
BIN = str(Path(sys.executable).parent)


def drives_docker(folder: Path) -> bool:
    """True when a code cell of the assignment mentions Docker (a ``%%docker`` cell, a check).

    Only these touch the engine: an assignment without one (the Kubernetes notebooks, plain
    Python) runs the same on the real engine as on the sandbox, so its real-engine runs would
    repeat its sandbox runs.
    """
    notebook = nbformat.read(folder / f"{folder.name}.ipynb", as_version=4)
    return any(
        "docker" in cell.source.lower() for cell in notebook.cells if cell.cell_type == "code"
    )


ASSIGNMENTS = [pytest.param(folder, id=folder.name) for folder in assignment_folders()]
DOCKER_ASSIGNMENTS = [
    pytest.param(folder, id=folder.name) for folder in assignment_folders() if drives_docker(folder)
]


def nbgrader_meta(cell: nbformat.NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def hand_marked(notebook: nbformat.NotebookNode) -> set[str]:
    """Grade ids of the answers an instructor marks by hand (a write-up): graded answer cells."""
    return {
        nbgrader_meta(c)["grade_id"]
        for c in notebook.cells
        if nbgrader_meta(c).get("solution") and nbgrader_meta(c).get("grade")
    }


def answer_ids(notebook: nbformat.NotebookNode) -> list[str]:
    """Grade ids of the answer cells (nbgrader ``solution``), in notebook order."""
    return [
        nbgrader_meta(c)["grade_id"] for c in notebook.cells if nbgrader_meta(c).get("solution")
    ]


def fill_answers(
    released: nbformat.NotebookNode, source: nbformat.NotebookNode, grade_ids: set[str]
) -> nbformat.NotebookNode:
    """A copy of ``released`` with the source's answer in the cells named by ``grade_ids``."""
    answers = {nbgrader_meta(c).get("grade_id"): c.source for c in source.cells}
    filled = nbformat.from_dict(released)
    for cell in filled.cells:
        if nbgrader_meta(cell).get("grade_id") in grade_ids:
            cell.source = answers[nbgrader_meta(cell)["grade_id"]]
    return filled


def engine_env(engine: str, state: Path) -> dict[str, str]:
    """The environment a notebook or grader runs in for ``engine``."""
    env = {**os.environ, "PATH": os.pathsep.join([BIN, os.environ.get("PATH", "")])}
    env["COURSE_ENGINE"] = engine
    env["COURSE_SANDBOX_DIR"] = str(state)
    return env


def execute(notebook_path: Path, engine: str, state: Path, timeout: int = 300):
    """Run a notebook top to bottom in its folder; return the executed notebook.

    On the sandbox the kernel gets a network namespace of its own where the machine allows:
    the notebooks publish fixed host ports (8080), which a real-engine test on the other
    worker may hold at the same time.
    """
    executed = notebook_path.with_name(f"{notebook_path.stem}.executed.ipynb")
    command = [
        sys.executable,
        "-m",
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "--allow-errors",
        f"--ExecutePreprocessor.timeout={timeout}",
        "--ExecutePreprocessor.kernel_name=python3",
        "--output",
        executed.name,
        notebook_path.name,
    ]
    if engine == "sandbox" and isolation_available():
        command = [*ISOLATE, "nbconvert", *command]
    done = subprocess.run(
        command,
        cwd=notebook_path.parent,
        env=engine_env(engine, state),
        capture_output=True,
        text=True,
        timeout=timeout * 4,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return nbformat.read(executed, as_version=4)


def errors(notebook: nbformat.NotebookNode) -> list[str]:
    """``cell N: Ename: evalue`` for every error output."""
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"cell {index}: {output['ename']}: {output['evalue']}")
    return found


def clean_engine(engine: str, state: Path) -> None:
    """Leave nothing running: stop the sandbox's servers, or the daemon's course containers.

    On the daemon only containers labelled by the course go (they hold host ports); images
    stay, since other tests in the session may use images the course labelled.
    """
    if engine == "docker":
        from grader import LABEL
        from grader.engine import get_engine

        daemon = get_engine("docker")
        from grader.engine.errors import NotFound

        for container in daemon.containers(all=True, filters={"label": [LABEL]}):
            try:
                daemon.remove_container(container["Id"], force=True)
            except NotFound:
                continue  # a --rm container went away by itself
    else:
        shutdown_sandbox(state)


def shutdown_sandbox(state: Path) -> None:
    try:
        from grader.engine.sandbox import SandboxEngine
    except ImportError:
        return
    shutdown = getattr(SandboxEngine, "shutdown_all", None)
    if shutdown is not None:
        shutdown(state)


@dataclass
class GradedCourse:
    """A released and autograded throwaway course for one assignment."""

    root: Path
    assignment: str
    grade_log: str
    source: nbformat.NotebookNode
    release: nbformat.NotebookNode
    partial_ids: set[str] = field(default_factory=set)
    students: tuple[str, ...] = ()

    def score(self, student: str) -> tuple[float, float]:
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}", "docker-k8s") as gradebook:
            submission = gradebook.find_submission(self.assignment, student)
            return submission.score, submission.max_score

    def cell_scores(self, student: str) -> dict[str, tuple[float, float]]:
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}", "docker-k8s") as gradebook:
            notebook = gradebook.find_submission_notebook(self.assignment, self.assignment, student)
            return {g.name: (g.score, g.max_score) for g in notebook.grades}

    def mark_by_hand(self, student: str, grade_ids: set[str]) -> dict[str, bool]:
        """Give the hand-marked answers ``grade_ids`` full marks, as the instructor does for
        the answer key; return whether autograding had left each one to mark by hand."""
        from nbgrader.api import Gradebook

        waiting = {}
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}", "docker-k8s") as gradebook:
            notebook = gradebook.find_submission_notebook(self.assignment, self.assignment, student)
            for grade in notebook.grades:
                if grade.name in grade_ids:
                    waiting[grade.name] = bool(grade.needs_manual_grade)
                    grade.manual_score = grade.max_score
            gradebook.db.commit()
        return waiting


HAND_INS = {
    "sandbox": ("source", "solved", "blank", "part"),
    "docker": ("solved", "blank"),
}
"""Who hands in, per engine. ``source`` is the instructor's notebook, ``solved`` the release
with the same answers filled in, ``blank`` the release untouched, ``part`` the release with
the first half of the answers. On the real engine (one grading process, one daemon for the
whole run: ~60 % of CI's daemon group was these hand-ins) the checks meet real containers,
images and registries with the answers a student hands in (``solved``) and with none
(``blank``); that the instructor's notebook grades as its release does, and which cells a
half-done hand-in loses, do not depend on the engine and are graded on the sandbox."""


def build_graded_course(
    folder: Path, engine: str, workdir: Path, releases: Releases
) -> GradedCourse:
    """Copy ``folder``'s release into a course under ``workdir``, hand in its
    :data:`HAND_INS`, grade."""
    name = folder.name
    root = workdir / "course"
    releases.course(folder, root)
    env = engine_env(engine, workdir / "unused-state")
    course = [sys.executable, "-m", "grader.course.cli", "--root", str(root)]
    source = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    release = nbformat.read(root / "release" / name / f"{name}.ipynb", as_version=4)
    answers = answer_ids(source)
    partial = set(answers[: max(1, len(answers) // 2)])
    notebooks = {
        "source": lambda: source,
        "solved": lambda: fill_answers(release, source, set(answers)),
        "blank": lambda: release,
        "part": lambda: fill_answers(release, source, partial),
    }
    students = HAND_INS[engine]
    for student in students:
        notebook = notebooks[student]()
        target = root / "submitted" / student / name
        shutil.copytree(root / "release" / name, target)
        nbformat.write(notebook, target / f"{name}.ipynb")
    try:
        graded = subprocess.run(
            [*course, "autograde", name, "--engine", engine],
            env=env,
            capture_output=True,
            text=True,
        )
    finally:
        clean_engine(engine, workdir / "unused-state")
    return GradedCourse(
        root, name, graded.stdout + graded.stderr, source, release, partial, students
    )
