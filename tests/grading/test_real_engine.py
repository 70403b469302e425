"""On the real daemon: the answer is replayed there, and only its objects are cleaned up."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grader import LABEL
from grader.grading.submission import Job, grade

pytestmark = [pytest.mark.real_engine, pytest.mark.slow]


def answer(grade_id: str, source: str):
    meta = {"grade_id": grade_id, "solution": True, "grade": False, "locked": False}
    return new_code_cell(source, metadata={"nbgrader": {**meta, "schema_version": 3}})


def test_a_submission_runs_on_the_daemon_and_leaves_nothing(real_engine, tmp_path: Path) -> None:
    suffix = uuid.uuid4().hex[:8]
    kept, made = f"gc-kept-{suffix}", f"gc-made-{suffix}"
    real_engine.create_container("busybox", name=kept, labels=dict([LABEL.split("=")]))
    try:
        source = new_notebook(
            cells=[
                new_code_cell("%load_ext grader.magics\nfrom grader import checks as check"),
                answer("run", f"%%docker\ndocker run -d --name {made} busybox sleep 300"),
                new_code_cell(f'check.container("{made}", running=True)'),
            ]
        )
        job = Job(source=source, submission=source, material=tmp_path, engine="docker")
        runs = grade(job)
        assert "exists, is running" in runs[-1].outputs[0]["text"]
        names = {c["Names"][0] for c in real_engine.containers(all=True)}
        assert f"/{kept}" in names and f"/{made}" not in names
    finally:
        real_engine.remove_container(kept, force=True)
