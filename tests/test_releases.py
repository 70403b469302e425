"""What the shared releases (tests/releases.py) build together, and how they are keyed."""

from __future__ import annotations

from pathlib import Path

from releases import REPO, assignment_folders, batch, content_key


def test_a_course_assignment_brings_every_assignment_into_its_batch() -> None:
    course = assignment_folders()
    assert REPO / "notebooks" / "10-capstone" in course
    assert REPO / "tests" / "data" / "course" / "notebooks" / "ps1" in course
    assert batch(REPO / "notebooks" / "03-dockerfiles") == course
    assert batch(course[-1]) == course


def test_a_folder_outside_the_course_is_released_alone(tmp_path: Path) -> None:
    copy = tmp_path / "ps1"
    copy.mkdir()
    (copy / "ps1.ipynb").write_text("{}")
    assert batch(copy) == [copy]


def test_the_key_follows_the_folder_content(tmp_path: Path) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "a.ipynb").write_text("{}")
    before = content_key(folder)
    assert content_key(folder) == before
    (folder / "data.txt").write_text("x")
    assert content_key(folder) != before
