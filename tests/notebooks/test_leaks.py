"""Solutions and hidden tests never reach students: not in the release, not in feedback,
and a student's passing check never claims more than the public checks it ran."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from leakscan import MARKER, secret_lines
from notebook_harness import (
    ASSIGNMENTS,
    answer_ids,
    errors,
    execute,
    fill_answers,
    nbgrader_meta,
    shutdown_sandbox,
)

pytestmark = pytest.mark.slow

STUDENT_METADATA = {
    "nbgrader",
    "tags",
    "deletable",
    "editable",
    "trusted",
    "collapsed",
    "jp-MarkdownHeadingCollapsed",
    "scrolled",
    "slideshow",
}
OVERCLAIM = re.compile(r"all (the )?(tests|checks) passed", re.I)


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("folder", ASSIGNMENTS)
def test_release_holds_no_secret(folder: Path, graded) -> None:
    course = graded(folder, "sandbox")
    material = "\n".join(
        read_text(path) for path in folder.rglob("*") if path.is_file() and path.suffix != ".ipynb"
    )
    secrets = secret_lines(course.source, material)
    release_dir = course.root / "release" / folder.name
    leaks = []
    for path in sorted(p for p in release_dir.rglob("*") if p.is_file()):
        text = (
            read_text(path) if path.suffix in {".ipynb", ".py", ".md", ".txt", ".yaml", ""} else ""
        )
        if path.suffix == ".ipynb":
            text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
        leaks += [f"{path.name}: {kind}: {line}" for line, kind in secrets.items() if line in text]
        leaks += [f"{path.name}: marker {m.group(0)}" for m in MARKER.finditer(text)]
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize("folder", ASSIGNMENTS)
def test_release_metadata_is_student_safe(folder: Path, graded) -> None:
    course = graded(folder, "sandbox")
    problems = []
    for index, cell in enumerate(course.release.cells):
        extra = set(cell.metadata) - STUDENT_METADATA
        if extra:
            problems.append(f"cell {index}: instructor-only metadata {sorted(extra)}")
        if nbgrader_meta(cell).get("solution") is False and "solution" in cell.metadata:
            problems.append(f"cell {index}: solution metadata")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("folder", ASSIGNMENTS)
def test_feedback_holds_no_hidden_test(folder: Path, graded) -> None:
    course = graded(folder, "sandbox")
    result = subprocess.run(
        [sys.executable, "-m", "grader.course.cli", "--root", str(course.root), "feedback"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    hidden = [line for line, kind in secret_lines(course.source).items() if kind != "SOLUTION"]
    pages = sorted((course.root / "feedback").glob(f"*/{folder.name}/{folder.name}.html"))
    assert len(pages) == 4
    import html

    for page in pages:
        text = html.unescape(re.sub(r"<[^>]+>", "", read_text(page)))
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{page.relative_to(course.root)} shows hidden tests: {leaked}"
        assert "HIDDEN TESTS" not in text


@pytest.mark.parametrize("folder", ASSIGNMENTS)
def test_a_solved_release_claims_only_public_checks(folder: Path, graded, tmp_path: Path) -> None:
    course = graded(folder, "sandbox")
    work = tmp_path / folder.name
    work.mkdir()
    solved = fill_answers(course.release, course.source, set(answer_ids(course.source)))
    nbformat.write(solved, work / f"{folder.name}.ipynb")
    for extra in (course.root / "release" / folder.name).iterdir():
        if extra.is_dir():
            shutil.copytree(extra, work / extra.name)
        elif extra.suffix != ".ipynb":
            (work / extra.name).write_bytes(extra.read_bytes())
    state = tmp_path / "state"
    state.mkdir()
    try:
        executed = execute(work / f"{folder.name}.ipynb", "sandbox", state)
    finally:
        shutdown_sandbox(state)
    assert errors(executed) == []
    has_hidden = any("BEGIN HIDDEN TESTS" in c.source for c in course.source.cells)
    said = json.dumps([c.get("outputs", []) for c in executed.cells])
    if has_hidden:
        assert not OVERCLAIM.search(said), OVERCLAIM.search(said).group(0)
    for index, cell in enumerate(executed.cells):
        if "check.summary(" in cell.source:
            shown = json.dumps(cell.get("outputs", []), ensure_ascii=False)
            assert "public check" in shown, f"cell {index} does not say its checks are public"
