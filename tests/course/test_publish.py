"""``course publish``: the student edition holds the release and the package, never the source."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from grader.course.cli import cli

pytestmark = pytest.mark.slow


def publish(course: Path, target: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(course), "publish", str(target), *args])


def test_the_edition_holds_the_release_and_the_package_without_notebooks(
    course: Path, tmp_path: Path
) -> None:
    edition = tmp_path / "student-edition"
    result = publish(course, edition)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in edition.iterdir()) == [
        "LICENSE",
        "Makefile",
        "README.md",
        "binder",
        "docs",
        "grader",
        "nbgrader_config.py",
        "pyproject.toml",
        "release",
    ]
    assert sorted(p.name for p in (edition / "docs").iterdir()) == ["glossary.md", "setup.md"]
    assert (edition / "release" / "ps0" / "ps0.ipynb").is_file()
    assert (edition / "grader" / "checks" / "__init__.py").is_file()
    assert (edition / "binder" / "postBuild").is_file()
    assert not list(edition.rglob("__pycache__"))
    assert not list(edition.rglob("gradebook.db"))
    released = nbformat.read(edition / "release" / "ps0" / "ps0.ipynb", as_version=4)
    assert "### BEGIN" not in "\n".join(c.source for c in released.cells)


def test_republishing_into_a_clone_keeps_git_and_replaces_the_edition(
    course: Path, tmp_path: Path
) -> None:
    clone = tmp_path / "students"
    (clone / ".git").mkdir(parents=True)
    (clone / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (clone / "release" / "old-assignment").mkdir(parents=True)
    assert publish(course, clone).exit_code == 0
    assert (clone / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert sorted(p.name for p in (clone / "release").iterdir()) == ["ps0", "ps1"]


@pytest.mark.parametrize("where", ["root", "inside", "holds-notebooks"])
def test_publishing_where_the_source_would_follow_is_refused(
    course: Path, tmp_path: Path, where: str
) -> None:
    target = {
        "root": course,
        "inside": course / "student-edition",
        "holds-notebooks": tmp_path / "students",
    }[where]
    (tmp_path / "students" / "notebooks").mkdir(parents=True)
    result = publish(course, target, "--no-release")
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert not (course / "student-edition").exists()


def test_a_release_still_holding_a_marker_is_not_published(course: Path, tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["--root", str(course), "release"]).exit_code == 0
    path = course / "release" / "ps0" / "ps0.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[1].source += "\n### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS"
    nbformat.write(notebook, path)
    result = publish(course, tmp_path / "edition", "--no-release")
    assert result.exit_code == 1
    assert "still holds 'BEGIN HIDDEN TESTS'" in result.output
    assert not (tmp_path / "edition").exists()


def test_every_link_of_the_editions_pages_resolves_inside_it(course: Path, tmp_path: Path) -> None:
    """The student README and pages link only to files the edition has."""
    edition = tmp_path / "student-edition"
    assert publish(course, edition).exit_code == 0
    pages = [edition / "README.md", *(edition / "docs").glob("*.md")]
    for page in pages:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text()):
            if "://" not in target:
                assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
