"""The submission's child: result over a pipe, descendants killed, time budget, audit hook."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from grader.grading.audit import Policy, install
from grader.grading.isolation import GradingCrashed, GradingTimeout, run_isolated


def gone(pid: int) -> bool:
    """The process ends (absent, or a zombie nobody reaped yet) within a few seconds."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    with os.fdopen(handle) as pidfd:
        select.select([pidfd], [], [], 10)  # readable once the process has exited
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def test_the_result_comes_back_and_no_process_outlives_the_child() -> None:
    def job() -> dict:
        helper = subprocess.Popen(["sleep", "300"], start_new_session=True)
        return {"helper": helper.pid}

    result = run_isolated(job, timeout=30, network=False)
    assert gone(result["helper"])


def test_a_child_past_its_time_is_killed_with_its_descendants(tmp_path: Path) -> None:
    record = tmp_path / "pid"

    def job() -> dict:
        helper = subprocess.Popen(["sleep", "300"], start_new_session=True)
        record.write_text(str(helper.pid))
        helper.wait()
        return {}

    with pytest.raises(GradingTimeout, match="longer than 1 s"):
        run_isolated(job, timeout=1, network=False)
    assert gone(int(record.read_text()))


def test_an_error_in_the_child_is_reported() -> None:
    def job() -> dict:
        raise ValueError("broken notebook")

    with pytest.raises(GradingCrashed, match="ValueError: broken notebook"):
        run_isolated(job, timeout=30, network=False)


def test_the_audit_hook_refuses_course_files_and_programs(tmp_path: Path) -> None:
    work, course = tmp_path / "work", tmp_path / "course"
    work.mkdir()
    (course / "notebooks").mkdir(parents=True)
    (course / "gradebook.db").write_text("grades")
    policy = Policy.build(
        writable=[work],
        protected=[course / "notebooks", course / "gradebook.db"],
        programs=[(sys.executable, "-m", "grader.engine.sandbox.server")],
    )

    def attempt(action) -> str:
        try:
            action()
        except PermissionError as error:
            return str(error)
        return "allowed"

    def job() -> dict:
        install(policy)
        import sqlite3

        return {
            "write work": attempt(lambda: (work / "a.txt").write_text("x")),
            "read gradebook": attempt(lambda: (course / "gradebook.db").read_text()),
            "write outside": attempt(lambda: (tmp_path / "b.txt").write_text("x")),
            "sqlite outside": attempt(lambda: sqlite3.connect(str(tmp_path / "c.db"))),
            "list source": attempt(lambda: (course / "notebooks" / "x.ipynb").open()),
            "program": attempt(lambda: subprocess.run(["true"])),
            "system": attempt(lambda: __import__("os").system("true")),
        }

    result = run_isolated(job, timeout=30, network=False)
    assert result.pop("write work") == "allowed"
    assert all(message.startswith("grading: ") for message in result.values()), result


def test_a_flood_of_output_is_cut() -> None:
    from grader.grading.outputs import MAX_TEXT, TRUNCATED, CellOutputs

    outputs = CellOutputs()
    for _ in range(5):
        outputs.stream("stdout", "x" * (MAX_TEXT // 2))
    assert outputs.items[0]["text"].endswith(TRUNCATED)
    assert len(outputs.items[0]["text"]) == MAX_TEXT + len(TRUNCATED)
