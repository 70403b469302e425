"""Autograding cost: the course's trusted grader vs bare nbgrader, and a class of N students.

1. One student's whole course (every assignment in notebooks/, the instructor's solutions
   handed in) graded by ``course autograde --workers 1`` (the trusted grader: no kernel, a
   forked child per submission), against bare ``nbgrader autograde`` with nbgrader's own
   kernel ``Execute`` on the same notebooks whose test cells are replaced by ``assert True``.
   The ratio is the cost of the course's checks and grading harness.
2. N simulated students (a third full marks, a third blank, a third half-answered) for the
   whole course, graded by ``course autograde`` (three grading processes per core unless
   ``--workers`` says otherwise): measured, not extrapolated.
   It prints students graded per minute and the CPU seconds per notebook (the grading
   processes, their submissions' children and the sandbox helpers those started).

Each phase prints where its time went: per assignment, the trusted replay (fork, child,
result) and the rest (reading, writing, the gradebook); the CPU seconds grading used; and
the machine's load average, sampled during the run (the machine is shared: a high load
inflates every wall-clock figure). ``--class-only`` skips phase 1.

Usage: .venv/bin/python benchmarks/bench_autograde.py [--students 50] [--workers 6]
       [--class-only] [--assignments 01-docker-intro ...] [--json artifacts/bench_autograde.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grader.course.autograde import WORKERS_PER_CORE  # noqa: E402
from grader.course.autograde import main as autograde  # noqa: E402
from grader.course.release import main as release  # noqa: E402
from grader.course.settings import ensure_tools_on_path  # noqa: E402


class Span:
    """Wall-clock and CPU seconds of a block (this process and its children), with loads."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0
        self.loads: list[float] = []


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the pool's)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


@contextmanager
def measured() -> Iterator[Span]:
    """Time the block; sample the 1-minute load average every 5 s while it runs."""
    span = Span()
    done = threading.Event()

    def sample() -> None:
        while True:
            span.loads.append(os.getloadavg()[0])
            if done.wait(5):
                return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    wall, cpu = time.monotonic(), _cpu()
    try:
        yield span
    finally:
        span.wall, span.cpu = time.monotonic() - wall, _cpu() - cpu
        done.set()
        sampler.join()
        span.loads.append(os.getloadavg()[0])


def load_range(span: Span) -> str:
    return f"{min(span.loads):.1f}-{max(span.loads):.1f}"


def breakdown(outcomes) -> dict[str, dict[str, float]]:
    """Per assignment: submissions, seconds in all, of them the replay's and the rest's."""
    table: dict[str, dict[str, float]] = {}
    for outcome in outcomes:
        row = table.setdefault(
            outcome.assignment, {"submissions": 0, "total_s": 0.0, "replay_s": 0.0}
        )
        row["submissions"] += 1
        row["total_s"] += outcome.seconds
        row["replay_s"] += outcome.replay_seconds
    for row in table.values():
        row["rest_s"] = row["total_s"] - row["replay_s"]
        for key in ("total_s", "replay_s", "rest_s"):
            row[key] = round(row[key], 2)
    return table


def print_breakdown(title: str, table: dict[str, dict[str, float]]) -> None:
    print(f"{title}: seconds summed over submissions (replay = fork + child + result)")
    print(f"  {'assignment':<28} {'n':>4} {'total':>8} {'replay':>8} {'rest':>9}")
    for name, row in sorted(table.items()):
        print(
            f"  {name:<28} {row['submissions']:>4} {row['total_s']:>8.2f} "
            f"{row['replay_s']:>8.2f} {row['rest_s']:>9.2f}"
        )
    total = {k: sum(r[k] for r in table.values()) for k in ("total_s", "replay_s", "rest_s")}
    print(
        f"  {'all':<28} {sum(r['submissions'] for r in table.values()):>4} "
        f"{total['total_s']:>8.2f} {total['replay_s']:>8.2f} {total['rest_s']:>9.2f}"
    )


def assignments_in(source: Path) -> list[str]:
    return sorted(p.name for p in source.glob("*/") if (p / f"{p.name}.ipynb").is_file())


def meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


BARE_EXECUTE = """
# The benchmark's baseline: nbgrader's own kernel Execute instead of TrustedExecute.
from nbgrader.preprocessors import Execute

c.Autograde.autograde_preprocessors = [Execute, *c.Autograde.autograde_preprocessors[1:]]
"""


def make_course(root: Path, names: list[str], trivial_tests: bool) -> None:
    root.mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", root)
    if trivial_tests:
        with (root / "nbgrader_config.py").open("a") as config:
            config.write(BARE_EXECUTE)
    for name in names:
        shutil.copytree(REPO / "notebooks" / name, root / "notebooks" / name)
        if trivial_tests:
            path = root / "notebooks" / name / f"{name}.ipynb"
            notebook = nbformat.read(path, as_version=4)
            for cell in notebook.cells:
                if meta(cell).get("grade") and cell.cell_type == "code":
                    cell.source = "assert True"
            nbformat.write(notebook, path)


def hand_in(root: Path, student: str, name: str, notebook) -> None:
    target = root / "submitted" / student / name
    shutil.copytree(root / "release" / name, target)
    nbformat.write(notebook, target / f"{name}.ipynb")


def filled(root: Path, name: str, fraction: float):
    source = nbformat.read(root / "notebooks" / name / f"{name}.ipynb", as_version=4)
    released = nbformat.read(root / "release" / name / f"{name}.ipynb", as_version=4)
    answers = [meta(c)["grade_id"] for c in source.cells if meta(c).get("solution")]
    keep = set(answers[: int(len(answers) * fraction)])
    by_id = {meta(c).get("grade_id"): c.source for c in source.cells}
    for cell in released.cells:
        if meta(cell).get("grade_id") in keep:
            cell.source = by_id[meta(cell)["grade_id"]]
    return released


def time_course_one_student(work: Path, names: list[str]):
    root = work / "checks"
    make_course(root, names, trivial_tests=False)
    release(root=root, assignments=names)
    for name in names:
        hand_in(root, "s0", name, filled(root, name, 1.0))
    with measured() as span:
        outcomes = autograde(root=root, workers=1)
    assert all(o.ok for o in outcomes), [o.log for o in outcomes if not o.ok]
    return span, outcomes


def time_bare_one_student(work: Path, names: list[str]) -> Span:
    root = work / "bare"
    make_course(root, names, trivial_tests=True)
    release(root=root, assignments=names)
    for name in names:
        hand_in(root, "s0", name, filled(root, name, 1.0))
    state = work / "bare-state"
    state.mkdir()
    env = {**os.environ, "COURSE_ENGINE": "sandbox", "COURSE_SANDBOX_DIR": str(state)}
    with measured() as span:
        for name in names:
            subprocess.run(
                [sys.executable, "-m", "nbgrader", "autograde", name, "--student", "s0", "--force"],
                cwd=root,
                env=env,
                check=True,
                capture_output=True,
            )
    return span


def time_class(work: Path, names: list[str], students: int, workers: int):
    root = work / "class"
    make_course(root, names, trivial_tests=False)
    release(root=root, assignments=names)
    for index in range(students):
        fraction = (1.0, 0.0, 0.5)[index % 3]
        for name in names:
            hand_in(root, f"s{index:03d}", name, filled(root, name, fraction))
    with measured() as span:
        outcomes = autograde(root=root, workers=workers)
    failed = [o for o in outcomes if not o.ok]
    assert not failed, failed[0].log
    return span, outcomes


def one_student(work: Path, names: list[str]) -> dict:
    """Phase 1: one student's course, bare nbgrader (kernel) against ``course autograde``."""
    bare = time_bare_one_student(work, names)
    print(f"one student, bare nbgrader (kernel): {bare.wall:.1f} s, load {load_range(bare)}")
    checks, one = time_course_one_student(work, names)
    print(f"one student, course autograde: {checks.wall:.1f} s, load {load_range(checks)}")
    print_breakdown("one student, course autograde", breakdown(one))
    return {
        "one_student_bare_nbgrader_s": round(bare.wall, 2),
        "one_student_course_checks_s": round(checks.wall, 2),
        "ratio": round(checks.wall / bare.wall, 3),
        "one_student_breakdown": breakdown(one),
        "load_average": {"bare": load_range(bare), "one_student": load_range(checks)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--workers", type=int, help="default: course autograde's (three per core)")
    parser.add_argument("--class-only", action="store_true", help="skip the one-student phase")
    parser.add_argument("--assignments", nargs="*")
    parser.add_argument("--json", type=Path, default=REPO / "artifacts" / "bench_autograde.json")
    options = parser.parse_args()
    ensure_tools_on_path()
    names = options.assignments or assignments_in(REPO / "notebooks")
    if not names:
        print("no assignment in notebooks/", file=sys.stderr)
        return 1
    workers = options.workers or WORKERS_PER_CORE * (os.cpu_count() or 1)
    result: dict = {"assignments": names, "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as scratch:
        work = Path(scratch)
        if not options.class_only:
            result.update(one_student(work, names))
        klass, outcomes = time_class(work, names, options.students, workers)
    table = breakdown(outcomes)
    print_breakdown(f"class of {options.students}, {workers} workers", table)
    submissions = options.students * len(names)
    per_minute = options.students / (klass.wall / 60)
    cpu_per_notebook = klass.cpu / submissions
    print(
        f"class of {options.students} x {len(names)} notebooks, {workers} workers: "
        f"{klass.wall:.1f} s wall, "
        f"{per_minute:.1f} students/min, {klass.cpu:.1f} CPU-s = {cpu_per_notebook:.3f} CPU-s "
        f"per notebook, load {load_range(klass)}"
    )
    result.update(
        {
            "students": options.students,
            "workers": workers,
            "class_s": round(klass.wall, 1),
            "class_cpu_s": round(klass.cpu, 1),
            "students_per_minute": round(per_minute, 1),
            "cpu_s_per_notebook": round(cpu_per_notebook, 3),
            "class_breakdown": table,
            "submissions": submissions,
            # What the CPU time alone allows when every core is the grader's (no other load):
            "cpu_bound_200_students_s": round(
                cpu_per_notebook * 200 * len(names) / (os.cpu_count() or 1), 1
            ),
            "load_average": {**result.get("load_average", {}), "class": load_range(klass)},
        }
    )
    print(json.dumps(result, indent=2))
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
