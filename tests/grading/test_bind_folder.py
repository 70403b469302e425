"""While the trusted grader runs a submission, bind mounts stay inside its folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.engine.safety import GRADING_FOLDER, bind_problem


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "submission"
    (work / "site").mkdir(parents=True)
    monkeypatch.setenv(GRADING_FOLDER, str(work))
    return work


def test_a_folder_of_the_submission_may_be_bound(folder: Path) -> None:
    assert bind_problem(str(folder / "site")) is None
    assert bind_problem("named-volume") is None


def test_the_course_folder_may_not_be_bound(folder: Path, tmp_path: Path) -> None:
    assert "refused while grading" in (bind_problem(str(tmp_path / "course")) or "")
    (folder / "escape").symlink_to(tmp_path)
    assert "refused while grading" in (bind_problem(str(folder / "escape")) or "")


def test_without_the_grader_other_folders_are_fine(tmp_path: Path) -> None:
    assert bind_problem(str(tmp_path)) is None
