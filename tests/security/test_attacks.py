"""A submission is data: hostile hand-ins gain nothing, harm nobody and leak nothing.

Every attack of :mod:`security_attacks` is handed in beside honest and blank students and
graded in parallel with them, through ``course autograde`` and through plain
``nbgrader autograde``; then ``course feedback`` runs for the whole class.
"""

from __future__ import annotations

import nbformat
import pytest
from campaign import BLANK, HONEST
from leakscan import page_text, secret_lines
from security_attacks import ATTACKS

pytestmark = pytest.mark.slow

ROUTES = ["course", "nbgrader"]
LARGEST_FILE = 5_000_000
"""Bytes: a graded notebook or feedback page bigger than this carries a flood of output."""


@pytest.fixture(params=ROUTES)
def campaign(request, graded_campaign):
    return graded_campaign(request.param)


def blank_of(campaign, student: str) -> str:
    return next(b for b, a in BLANK.items() if a == campaign.students[student])


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_attack_scores_no_more_than_the_blank_release(campaign, attack: str) -> None:
    score, maximum = campaign.score(attack)
    blank, _ = campaign.score(blank_of(campaign, attack))
    assert score <= blank, f"{attack} scored {score}/{maximum}, the blank release {blank}"


@pytest.mark.parametrize("student", sorted(HONEST))
def test_honest_students_graded_alongside_keep_full_marks(campaign, student: str) -> None:
    score, maximum = campaign.score(student)
    assert score == maximum, f"{student}: {score}/{maximum}\n{campaign.grade_log[-3000:]}"


def test_nobody_has_a_manual_score(campaign) -> None:
    assert campaign.manual_scores() == []


def test_every_student_gets_feedback(campaign) -> None:
    missing = [s for s in campaign.students if not campaign.feedback_page(s).is_file()]
    assert not missing, f"no feedback for {missing}:\n{campaign.feedback_log[-3000:]}"


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_feedback_shows_no_secret_of_the_source(campaign, attack: str) -> None:
    assignment = campaign.students[attack]
    source = nbformat.read(
        campaign.root / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4
    )
    typed = "\n".join(c.source for c in campaign.submissions[attack].cells)
    secrets = [line for line in secret_lines(source) if line not in typed]
    page = campaign.feedback_page(attack)
    if not page.is_file():
        pytest.fail(f"no feedback page for {attack}")
    text = page_text(page)
    leaked = [line for line in secrets if line in text]
    assert not leaked, f"{attack}'s feedback shows the source's {leaked}"


def test_nothing_outside_the_graded_folders_changes(campaign) -> None:
    changed = campaign.changed_outside_graded_folders()
    assert not changed, "grading changed:\n" + "\n".join(changed)


def test_a_neighbour_graded_folder_holds_only_its_own_files(campaign) -> None:
    strangers = []
    for student in HONEST:
        assignment = campaign.students[student]
        handed_in = {p.name for p in (campaign.root / "submitted" / student / assignment).iterdir()}
        for folder in ("autograded", "feedback"):
            where = campaign.root / folder / student
            for path in where.rglob("*") if where.is_dir() else []:
                if campaign.token in path.name:
                    strangers.append(str(path))
        graded = campaign.root / "autograded" / student / assignment
        extra = {p.name for p in graded.iterdir()} - handed_in - {"timestamp.txt"}
        strangers += [str(graded / name) for name in extra]
    assert not strangers, "\n".join(strangers)


def test_no_process_survives_grading(campaign) -> None:
    assert not campaign.survivors, "\n".join(
        f"{pid}: {command[:200]}" for pid, command in campaign.survivors.items()
    )


def test_no_graded_file_is_flooded(campaign) -> None:
    flooded = [
        f"{path.relative_to(campaign.root)}: {path.stat().st_size} bytes"
        for folder in ("autograded", "feedback")
        for path in (campaign.root / folder).rglob("*")
        if path.is_file() and path.stat().st_size > LARGEST_FILE
    ]
    assert not flooded, "\n".join(flooded)
