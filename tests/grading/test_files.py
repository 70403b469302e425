"""File answers are written inside the submission's folder, nowhere else."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.grading.files import OutsideFolder, confined, write_text


def test_a_relative_path_stays_inside(tmp_path: Path) -> None:
    assert confined(tmp_path, "web/Dockerfile") == tmp_path.resolve() / "web" / "Dockerfile"
    assert confined(tmp_path, "a/../b.txt") == tmp_path.resolve() / "b.txt"


@pytest.mark.parametrize("path", ["/etc/passwd", "~/.bashrc", "../outside", "a/../../x", ".", ""])
def test_paths_leaving_the_folder_are_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(OutsideFolder):
        confined(tmp_path / "work", path)


def test_a_symbolic_link_out_is_refused(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "link").symlink_to(tmp_path)
    with pytest.raises(OutsideFolder):
        confined(work, "link/gradebook.db")


def test_writefile_messages_as_ipython(tmp_path: Path) -> None:
    assert write_text(tmp_path, "a/x.txt", "one") == "Writing a/x.txt"
    assert write_text(tmp_path, "a/x.txt", "two") == "Overwriting a/x.txt"
    assert write_text(tmp_path, "a/x.txt", "three", append=True) == "Appending to a/x.txt"
    assert (tmp_path / "a" / "x.txt").read_text() == "two\nthree\n"
