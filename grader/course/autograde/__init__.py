"""``course autograde``: grade collected submissions with a few grading processes.

Submissions live in ``submitted/<student>/<assignment>/``. Before grading starts, the
assignment is released into the gradebook if it is not there yet and every student is
added, so the grading processes only write their own rows. A pool of grading processes
(three per core by default) is forked from this one; each grades many submissions in-process
with nbgrader's preprocessors in one pass (:mod:`grader.course.autograde.writer`), and
their execute step is the trusted grader (:mod:`grader.grading`): no kernel, no student
code, one forked child per submission on a private engine (the sandbox by default), with
per-cell timeouts from ``nbgrader_config.py`` and a per-submission one from
``CourseSettings``.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from pathlib import Path

from grader.course.autograde.worker import Outcome, grade_one, preload
from grader.course.errors import CourseError
from grader.course.progress import Progress
from grader.course.settings import course_settings, coursedir, ensure_tools_on_path
from grader.grading.isolation import namespaces_available

WORKERS_PER_CORE = 3
"""Grading processes per core by default: a submission spends part of its time waiting
(a server starting, a demo cell's pause, a health check's interval), and more processes
than cores keep the cores busy meanwhile (measured on 2 cores, 50 students x 9 notebooks:
4 workers graded 18.7 students a minute, 6 workers 22.2; 6 students: 2 workers 9.7, 4
workers 16.7)."""


def submissions(root: Path, assignment: str | None, student: str | None) -> list[tuple[str, str]]:
    """The ``(assignment, student)`` pairs found under ``submitted/``, filtered."""
    folder = root / coursedir(root).submitted_directory
    found = []
    for student_dir in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not student_dir.is_dir() or student not in (None, student_dir.name):
            continue
        for assignment_dir in sorted(student_dir.iterdir()):
            if assignment_dir.is_dir() and assignment in (None, assignment_dir.name):
                found.append((assignment_dir.name, student_dir.name))
    return found


def prepare_gradebook(root: Path, pairs: list[tuple[str, str]]) -> None:
    """Create the gradebook rows the workers need (assignments released, students added)."""
    ensure_tools_on_path()
    from nbgrader.api import Gradebook, MissingEntry

    from grader.course.release import main as release

    directory = coursedir(root)
    assignments = sorted({a for a, _ in pairs})
    with Gradebook(directory.db_url, directory.course_id) as gradebook:
        missing = []
        for assignment in assignments:
            try:
                gradebook.find_assignment(assignment)
            except MissingEntry:
                missing.append(assignment)
    if missing:
        release(root=root, assignments=missing)
    with Gradebook(directory.db_url, directory.course_id) as gradebook:
        for student in sorted({s for _, s in pairs}):
            gradebook.update_or_create_student(student)


def scores(root: Path, outcomes: list[Outcome]) -> dict[tuple[str, str], tuple[float, float]]:
    """``(assignment, student) -> (score, max_score)`` from the gradebook, for finished ones."""
    from nbgrader.api import Gradebook, MissingEntry

    directory = coursedir(root)
    result = {}
    with Gradebook(directory.db_url, directory.course_id) as gradebook:
        for outcome in outcomes:
            if not outcome.ok:
                continue
            try:
                submission = gradebook.find_submission(outcome.assignment, outcome.student)
            except MissingEntry:
                continue
            result[(outcome.assignment, outcome.student)] = (
                float(submission.score),
                float(submission.max_score),
            )
    return result


def main(
    *,
    root: Path,
    assignment: str | None = None,
    student: str | None = None,
    workers: int | None = None,
    engine: str | None = None,
    isolate: bool | None = None,
) -> list[Outcome]:
    """Autograde the matching submissions and print a line per submission.

    Args:
        root: the course root.
        assignment: only this assignment (default: every submitted assignment).
        student: only this student (regrade one student).
        workers: grading processes (default: :data:`WORKERS_PER_CORE` per core, at most
            one per submission). On the real engine grading is serial: containers of two
            students would share one daemon.
        engine: ``sandbox`` or ``docker`` (default: ``CourseSettings.grading_engine``).
        isolate: give each sandbox submission a user and network namespace of its own
            (default: when the machine allows it). Never on the real engine, whose
            published ports live in the host's network.

    Returns:
        One :class:`Outcome` per submission.

    Raises:
        CourseError: nothing to grade, or an unknown engine.
    """
    engine = engine or course_settings(root).grading_engine
    if engine not in {"sandbox", "docker"}:
        raise CourseError(f"grading engine must be sandbox or docker, not {engine!r}")
    pairs = submissions(root, assignment, student)
    if not pairs:
        where = coursedir(root).submitted_directory
        raise CourseError(f"no submission in {where}/<student>/<assignment>/ matches")
    prepare_gradebook(root, pairs)
    if engine == "docker":
        workers = 1
    elif workers is None:
        workers = max(1, min(len(pairs), WORKERS_PER_CORE * (os.cpu_count() or 1)))
    if engine == "docker":
        isolate = False
    elif isolate is None:
        isolate = namespaces_available()
    elif isolate and not namespaces_available():
        raise CourseError("network isolation needs user and network namespaces: refused here")
    mode = ", isolated networks" if isolate else ""
    progress = Progress(len(pairs), f"grading on {engine} with {workers} worker(s){mode}")
    outcomes = []
    with _pool(workers) as pool:
        futures = [
            pool.submit(
                grade_one, root=root, assignment=a, student=s, engine=engine, isolate=isolate
            )
            for a, s in pairs
        ]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            verdict = "graded" if outcome.ok else ("timed out" if outcome.timed_out else "failed")
            progress.step(
                f"{outcome.student} {outcome.assignment}: {verdict} ({outcome.seconds:.1f} s)"
            )
    progress.finish()
    return sorted(outcomes, key=lambda o: (o.assignment, o.student))


def _pool(workers: int) -> Executor:
    """Grading processes forked from this one, each with the grading modules imported."""
    preload()
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
