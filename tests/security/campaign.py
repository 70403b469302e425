"""One grading campaign: a course, honest and hostile hand-ins, grading, feedback, evidence.

A campaign builds a throwaway course from the repository's ``nbgrader_config.py`` and two
real assignments, releases it with ``course release``, hands in honest students (the
release with the source's answers), blank students and one student per attack, then grades
everything in one go through a *route*:

- ``course``: ``course autograde --workers 2`` (the instructor's command),
- ``nbgrader``: plain ``nbgrader autograde ASSIGNMENT`` in the course root (what an
  instructor who skips the ``course`` wrapper runs).

and runs ``course feedback``. It records what the tests judge: scores, the hashes of every
file outside the graded folders before and after, and processes the grading left behind
(:mod:`leftovers`).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from leftovers import kill, leftovers, processes, reap_orphans, subreaper
from security_attacks import ATTACKS, DOCKER, LITERALS, Target, meta

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "grader"
BIN = str(Path(sys.executable).parent)
ASSIGNMENTS = (DOCKER, LITERALS)
HONEST = {"honest-a": DOCKER, "honest-b": DOCKER, "honest-c": LITERALS}
BLANK = {"blank-docker": DOCKER, "blank-literals": LITERALS}
GRADED_FOLDERS = ("autograded", "feedback")
"""Folders of the course root that grading and feedback write (checked per student)."""
GRADE_TIMEOUT = 1800


def solved(release: nbformat.NotebookNode, source: nbformat.NotebookNode):
    """The release with every answer cell holding the source's answer."""
    answers = {meta(c).get("grade_id"): c.source for c in source.cells}
    notebook = nbformat.from_dict(release)
    for cell in notebook.cells:
        if meta(cell).get("solution"):
            cell.source = answers[meta(cell)["grade_id"]]
    return notebook


def fingerprint(*folders: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """``path -> sha256`` of every file under ``folders`` (``__pycache__`` and ``skip`` aside)."""
    hashes = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if "__pycache__" in path.parts or (relative.parts and relative.parts[0] in skip):
                continue
            if path.is_file():
                hashes[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


@dataclass
class Campaign:
    """A graded course and the evidence collected around its grading."""

    route: str
    root: Path
    token: str
    scratch: Path
    students: dict[str, str]
    """Student id -> assignment."""
    submissions: dict[str, nbformat.NotebookNode]
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    survivors: dict[int, str] = field(default_factory=dict)
    grade_log: str = ""
    feedback_log: str = ""
    feedback_code: int = -1

    def score(self, student: str) -> tuple[float, float]:
        """``(score, max_score)`` in the gradebook; an ungraded hand-in scores 0."""
        from nbgrader.api import Gradebook, MissingEntry

        assignment = self.students[student]
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}", "docker-k8s") as gradebook:
            try:
                submission = gradebook.find_submission(assignment, student)
            except MissingEntry:
                return 0.0, float(gradebook.find_assignment(assignment).max_score)
            return float(submission.score), float(submission.max_score)

    def manual_scores(self) -> list[tuple]:
        """Grades that carry a manual score (nobody graded by hand in a campaign)."""
        with sqlite3.connect(self.root / "gradebook.db") as db:
            return db.execute(
                "SELECT a.student_id, g.id, g.manual_score FROM grade g "
                "JOIN submitted_notebook n ON g.notebook_id = n.id "
                "JOIN submitted_assignment a ON n.assignment_id = a.id "
                "WHERE g.manual_score IS NOT NULL"
            ).fetchall()

    def feedback_page(self, student: str) -> Path:
        assignment = self.students[student]
        return self.root / "feedback" / student / assignment / f"{assignment}.html"

    def changed_outside_graded_folders(self) -> list[str]:
        """Files of the course root and grader package that grading added, changed, removed."""
        paths = set(self.before) | set(self.after)
        return sorted(p for p in paths if self.before.get(p) != self.after.get(p))

    def kill_survivors(self) -> None:
        """Stop what this campaign's grading left running (by pid, nothing else)."""
        kill([*self.survivors, *leftovers(set(self.survivors), self.token, str(self.scratch))])

    def remove_planted_in_package(self) -> None:
        """Delete files an attack planted in the grader package (they carry the token)."""
        for path in PACKAGE.rglob(f"*{self.token}*"):
            path.unlink()


def course_command(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "grader.course.cli", "--root", str(root), *args]


def campaign_env(scratch: Path) -> dict[str, str]:
    """The environment grading runs in: its own TMPDIR and sandbox folder, the venv on PATH."""
    tmp = scratch / "tmp"
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "PATH": os.pathsep.join([BIN, os.environ.get("PATH", "")])}
    env.update(
        TMPDIR=str(tmp),
        COURSE_ENGINE="sandbox",
        COURSE_SANDBOX_DIR=str(scratch / "state"),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    return env


def prepare(route: str, scratch: Path) -> Campaign:
    """Build and release the course and hand in every student (nothing graded yet)."""
    root = scratch / "course"
    root.mkdir(parents=True)
    (root / "nbgrader_config.py").write_bytes((REPO / "nbgrader_config.py").read_bytes())
    for assignment in ASSIGNMENTS:
        folder = root / "notebooks" / assignment
        folder.mkdir(parents=True)
        name = f"{assignment}.ipynb"
        (folder / name).write_bytes((REPO / "notebooks" / assignment / name).read_bytes())
    env = campaign_env(scratch)
    subprocess.run(course_command(root, "release"), env=env, check=True, capture_output=True)
    token = f"attack-{uuid.uuid4().hex[:12]}"
    sources, releases = {}, {}
    for assignment in ASSIGNMENTS:
        name = f"{assignment}.ipynb"
        sources[assignment] = nbformat.read(root / "notebooks" / assignment / name, as_version=4)
        releases[assignment] = nbformat.read(root / "release" / assignment / name, as_version=4)
    students = {**HONEST, **BLANK, **{s: a for s, (a, _) in ATTACKS.items()}}
    submissions = {}
    for student, assignment in students.items():
        if student in HONEST:
            notebook = solved(releases[assignment], sources[assignment])
        elif student in BLANK:
            notebook = releases[assignment]
        else:
            target = Target(releases[assignment], root, token, tuple(HONEST))
            notebook = ATTACKS[student][1](target)
        submissions[student] = notebook
        folder = root / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{assignment}.ipynb")
    return Campaign(route, root, token, scratch, students, submissions)


def grade(campaign: Campaign) -> None:
    """Grade every hand-in through the campaign's route, then write feedback; collect evidence."""
    root, env = campaign.root, campaign_env(campaign.scratch)
    campaign.before = fingerprint(root, PACKAGE, skip=(*GRADED_FOLDERS, "gradebook.db"))
    if campaign.route == "course":
        commands = [course_command(root, "autograde", "--workers", "2")]
    else:
        (campaign.scratch / "state").mkdir(exist_ok=True)
        env["COURSE_GRADING"] = "1"
        commands = [
            [sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"]
            for assignment in ASSIGNMENTS
        ]
    commands.append(course_command(root, "feedback"))
    before = {p.pid for p in processes()}
    logs = []
    with subreaper():
        for command in commands:
            result = subprocess.run(
                command, cwd=root, env=env, capture_output=True, text=True, timeout=GRADE_TIMEOUT
            )
            logs.append(f"$ {' '.join(command[2:])}\n{result.stdout}{result.stderr}")
        reap_orphans(before)
        campaign.survivors = leftovers(before, campaign.token, str(campaign.scratch))
    campaign.grade_log = "\n".join(logs[:-1])
    campaign.feedback_code = result.returncode
    campaign.feedback_log = logs[-1]
    campaign.after = fingerprint(root, PACKAGE, skip=(*GRADED_FOLDERS, "gradebook.db"))
