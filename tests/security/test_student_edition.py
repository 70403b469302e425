"""The student edition of the real course (``course publish``) holds no solution, no hidden test."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from campaign import REPO
from leakscan import MARKER, course_secrets

pytestmark = pytest.mark.slow

TEXT = {".ipynb", ".py", ".md", ".txt", ".yaml", ".yml", ".json", ".toml", ".html", ".js", ""}


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real course published from a copy of its root."""
    scratch = tmp_path_factory.mktemp("edition")
    root = scratch / "course"
    root.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    target = scratch / "students"
    command = [sys.executable, "-m", "grader.course.cli", "--root", str(root), "publish"]
    result = subprocess.run([*command, str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return target


def sources() -> dict[str, nbformat.NotebookNode]:
    return {
        path.parent.name: nbformat.read(path, as_version=4)
        for path in sorted(REPO.glob("notebooks/*/*.ipynb"))
    }


def readable(path: Path) -> str:
    if path.suffix == ".ipynb":
        return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    return path.read_text(encoding="utf-8", errors="replace")


def test_the_edition_has_every_assignment_and_no_source_folder(edition: Path) -> None:
    assert not (edition / "notebooks").exists()
    published = sorted(p.parent.name for p in edition.glob("release/*/*.ipynb"))
    assert published == sorted(sources())


def test_no_file_of_the_edition_shows_a_secret_line(edition: Path) -> None:
    """Release, Binder files, README: no secret text. The package: no hidden-test line.

    The package is course code written in the open: a solution line that is also a line of
    it (``from grader.engine import get_engine``) is how the course's Python reads, not a
    leak; a hidden test's line there would be (compared line by line, so the opening
    ``check.recall(`` of a call does not count).
    """
    material = [p for p in REPO.glob("notebooks/*/**/*") if p.is_file() and p.suffix != ".ipynb"]
    secrets = course_secrets(sources(), "\n".join(readable(p) for p in material))
    leaks = []
    for path in sorted(p for p in edition.rglob("*") if p.is_file() and p.suffix in TEXT):
        text = readable(path)
        if path.relative_to(edition).parts[0] == "grader":
            lines = {line.strip() for line in text.splitlines()}
            found = [
                (line, where)
                for line, where in secrets.items()
                if line in lines and not where.endswith("SOLUTION")
            ]
        else:
            found = [(line, where) for line, where in secrets.items() if line in text]
        leaks += [f"{path.relative_to(edition)}: {where}: {line}" for line, where in found]
    assert not leaks, "\n".join(leaks)


def test_no_published_notebook_holds_a_region_marker(edition: Path) -> None:
    found = [
        f"{path.relative_to(edition)}: {match.group(0)}"
        for path in sorted(edition.rglob("*.ipynb"))
        for match in MARKER.finditer(readable(path))
    ]
    assert not found, "\n".join(found)


def run_post_build(tree: Path, tmp_path: Path) -> list[str]:
    """Run ``tree``'s ``binder/postBuild`` with ``python`` and ``course`` stubs; their calls."""
    stubs, calls = tmp_path / "bin", tmp_path / "calls"
    stubs.mkdir(parents=True)
    for name, answer in (("python", 'if [ "$1" = -c ]; then echo /env; fi'), ("course", "")):
        stub = stubs / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{calls}"\n{answer}\n')
        stub.chmod(0o755)
    env = {"PATH": f"{stubs}:/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        ["bash", str(tree / "binder" / "postBuild")], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return [line for line in calls.read_text().splitlines() if line.startswith("course")]


def test_binder_serves_the_published_release_as_it_is(edition: Path, tmp_path: Path) -> None:
    assert run_post_build(edition, tmp_path / "edition") == [
        "course prepare-lab --prefix /env --no-release"
    ]
    assert run_post_build(REPO, tmp_path / "course") == ["course prepare-lab --prefix /env"]


def lab_commands(tree: Path) -> str:
    """What ``make lab`` would run in ``tree`` (``make -n``: printed, not run)."""
    result = subprocess.run(["make", "-n", "lab"], cwd=tree, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_lab_serves_the_release_and_keeps_a_published_one(edition: Path) -> None:
    published = lab_commands(edition)
    assert "course prepare-lab --prefix .venv --no-release" in published
    assert f'--ServerApp.root_dir="{edition}/release"' in published
    assert "--no-release" not in lab_commands(REPO)
