"""Both engines agree on which build steps come from the cache after a source edit.

The same node app is built on the real Docker Engine and on the sandbox with the two
orderings the course compares; index.js is edited (with a fresh change, so no earlier run's
cache can answer) and each app is rebuilt. With package*.json copied first the npm install
step is a cache hit on both engines; with ``ADD . .`` first it is not.
"""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import pytest

from grader.engine.errors import EngineError

DATA = Path(__file__).parents[2] / "data" / "build"
COURSE_STEP = "LABEL course=docker-k8s"
"""The real backend labels what it builds with one extra final step; not the student's."""


def cache_hits(items) -> dict[str, bool]:
    steps: dict[str, bool] = {}
    current = ""
    for item in items:
        assert "error" not in item, item["error"]
        line = str(item.get("stream", ""))
        if line.startswith("Step "):
            current = line.split(" : ", 1)[1].strip()
            steps[current] = False
        elif line.strip() == "---> Using cache":
            steps[current] = True
    steps.pop(COURSE_STEP, None)
    return steps


def experiment(api, folder: Path, prefix: str) -> dict[str, dict[str, bool]]:
    results = {}
    for variant in ("fast", "slow"):
        list(
            api.build(str(folder), tag=f"{prefix}-{variant}:1", dockerfile=f"Dockerfile.{variant}")
        )
    with (folder / "index.js").open("a") as handle:
        handle.write(f"// edit {uuid.uuid4()}\n")
    for variant in ("fast", "slow"):
        items = api.build(
            str(folder), tag=f"{prefix}-{variant}:2", dockerfile=f"Dockerfile.{variant}"
        )
        results[variant] = cache_hits(items)
    return results


@pytest.mark.real_engine
@pytest.mark.slow
def test_engines_agree_on_cache_hits(real_engine, sandbox_dir: Path, tmp_path: Path) -> None:
    from grader.engine import get_engine

    shutil.copytree(DATA / "app", tmp_path / "real-app")
    shutil.copytree(DATA / "app", tmp_path / "sandbox-app")
    prefix = f"dkf-diff-{uuid.uuid4().hex[:8]}"
    try:
        real = experiment(real_engine, tmp_path / "real-app", prefix)
    finally:
        for variant in ("fast", "slow"):
            for version in ("1", "2"):
                try:
                    real_engine.remove_image(f"{prefix}-{variant}:{version}")
                except EngineError:
                    pass
    sandbox = experiment(get_engine("sandbox"), tmp_path / "sandbox-app", prefix)
    assert real == sandbox
    assert sandbox["fast"]["RUN npm install"] is True
    assert sandbox["slow"]["RUN npm install"] is False


def transcript(items) -> list[str]:
    """The builder's own lines with ids, step totals and program output taken out."""
    lines = []
    for item in items:
        for line in str(item.get("stream", "")).splitlines():
            if line.startswith(("Step ", " ---> ", "Removing intermediate", "Successfully")):
                line = re.sub(r"[0-9a-f]{12}", "ID", line)
                lines.append(re.sub(r"^Step (\d+)/\d+", r"Step \1", line))
    course = [i for i, line in enumerate(lines) if line.endswith(f": {COURSE_STEP}")]
    if course:
        end = next(i for i in range(course[0] + 1, len(lines)) if lines[i].startswith("Succ"))
        del lines[course[0] : end]
    return lines


@pytest.mark.real_engine
@pytest.mark.slow
def test_engines_print_the_same_builder_lines(
    real_engine, sandbox_dir: Path, tmp_path: Path
) -> None:
    from grader.engine import get_engine

    folder = tmp_path / "app"
    shutil.copytree(DATA / "app", folder)
    (folder / "index.js").write_text(f"// {uuid.uuid4()}\n")
    tag = f"dkf-lines-{uuid.uuid4().hex[:8]}:1"
    try:
        real = transcript(
            real_engine.build(str(folder), tag=tag, dockerfile="Dockerfile.fast", nocache=True)
        )
    finally:
        try:
            real_engine.remove_image(tag)
        except EngineError:
            pass
    sandbox_api = get_engine("sandbox")
    sandbox = transcript(
        sandbox_api.build(str(folder), tag=tag, dockerfile="Dockerfile.fast", nocache=True)
    )
    assert real == sandbox
