"""Registry checks with ``pushed_in``: a tag only counts when the student pushed it.

A registry outlives a notebook run, so a tag an earlier run pushed must not pass the check
of a student who pushed nothing. The commands go through the ``docker`` shim's entry point,
which records them in the course history exactly as a terminal does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader import checks as check
from grader.dockercli.main import main

DATA = Path(__file__).parents[2] / "data" / "build"
REF = "127.0.0.1:5000/website:1"


@pytest.fixture
def pushed_before(sandbox_dir: Path) -> Path:
    """``website:1`` built, tagged for the registry and pushed before the exercise starts."""
    assert main(["build", "-q", "-t", "website:1", str(DATA / "website")]) == 0
    assert main(["tag", "website:1", REF]) == 0
    assert main(["push", REF]) == 0
    check.start("push")
    return sandbox_dir


def test_a_tag_left_by_an_earlier_push_does_not_count(pushed_before: Path) -> None:
    assert check.registry_tag(REF) == ["1"]
    with pytest.raises(check.CheckFailed, match="you have not pushed it in this exercise"):
        check.registry_tag(REF, pushed_in="push")
    with pytest.raises(check.CheckFailed, match="you have not pushed it in this exercise"):
        check.round_trip(REF, pushed_in="push")


def test_the_students_own_push_counts(pushed_before: Path) -> None:
    assert main(["image", "push", REF]) == 0
    assert check.registry_tag(REF, same_as="website:1", pushed_in="push") == ["1"]
    assert check.round_trip(REF, pushed_in="push").startswith("sha256:")


def test_push_all_tags_counts_for_every_tag(pushed_before: Path) -> None:
    assert main(["tag", "website:1", "127.0.0.1:5000/website:latest"]) == 0
    assert main(["push", "--all-tags", "127.0.0.1:5000/website"]) == 0
    assert check.registry_tag(REF, pushed_in="push") == ["1", "latest"]
    check.registry_tag("127.0.0.1:5000/website", pushed_in="push")


def test_push_all_tags_pushes_a_repository_without_latest(pushed_before: Path) -> None:
    assert main(["tag", "website:1", "127.0.0.1:5000/only:2"]) == 0
    assert main(["push", "--all-tags", "127.0.0.1:5000/only"]) == 0
    assert check.registry_tag("127.0.0.1:5000/only:2", pushed_in="push") == ["2"]


def test_a_failed_or_other_push_does_not_count(pushed_before: Path) -> None:
    assert main(["tag", "website:1", "127.0.0.1:5000/other:1"]) == 0
    assert main(["push", "127.0.0.1:5000/other:1"]) == 0
    assert main(["rmi", REF]) == 0
    assert main(["push", REF]) != 0
    with pytest.raises(check.CheckFailed, match="you have not pushed it in this exercise"):
        check.registry_tag(REF, pushed_in="push")
