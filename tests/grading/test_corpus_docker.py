"""Fair grading of notebooks 01-05 and 08 (issues 11, 13), through the trusted grader.

Every right answer of the corpus (:mod:`corpus_docker`, graded by :mod:`hand_ins`) earns all
of its exercise's points, every wrong one none, and on every entry the visible test cell
agrees with the hidden one: a student who sees every visible ✔ has the points. Hand-ins are
batched: the k-th right hand-in answers every exercise of a notebook with its k-th right
entry (cycling), and the same for the wrong ones, so a notebook costs a few replays of a few
seconds each. Each test grades a hand-in of its own, so the tests spread over the xdist workers.
"""

from __future__ import annotations

import pytest
from corpus_docker import CORPUS, Answers
from hand_ins import Graded, exercises, hand_in, source


def hand_ins(answers: dict[str, Answers], kind: str) -> int:
    return max(len(getattr(item, kind)) for item in answers.values())


def entry_of(item: Answers, kind: str, k: int) -> dict[str, str]:
    entries = getattr(item, kind)
    return dict(entries[k % len(entries)])


CASES = [
    pytest.param(notebook, kind, k, id=f"{notebook}-{kind}-{k}")
    for notebook, answers in CORPUS.items()
    for kind in ("right", "wrong")
    for k in range(hand_ins(answers, kind))
]


def grade(notebook: str, kind: str, k: int) -> Graded:
    """The k-th hand-in of ``kind`` (every exercise answered with its k-th entry), graded."""
    filled: dict[str, str] = {}
    for item in CORPUS[notebook].values():
        filled.update(entry_of(item, kind, k))
    return hand_in(notebook, filled)


def test_the_corpus_covers_every_graded_exercise() -> None:
    for notebook, answers in CORPUS.items():
        assert set(answers) == set(exercises(source(notebook))), notebook
        for first, item in answers.items():
            assert len(item.right) >= 2 and len(item.wrong) >= 1, (notebook, first)


@pytest.mark.slow
@pytest.mark.parametrize(("notebook", "kind", "k"), CASES)
def test_right_answers_earn_everything_wrong_ones_nothing(notebook, kind, k) -> None:
    result = grade(notebook, kind, k)
    problems = []
    for first, exercise in exercises(source(notebook)).items():
        entry = entry_of(CORPUS[notebook][first], kind, k)
        scores = [result.scores[test] for test in exercise.tests]
        earned = [score == maximum for score, maximum in scores]
        if kind == "right" and not all(earned):
            problems.append(
                f"{first}: right answer marked down {entry}\n{result.verdict(exercise)}"
            )
        if kind == "wrong" and any(score > 0 for score, _ in scores):
            problems.append(
                f"{first}: wrong answer given points {entry}\n{result.verdict(exercise)}"
            )
        if len(set(earned)) > 1:
            problems.append(f"{first}: visible and hidden disagree on {entry}")
    assert not problems, "\n\n".join(problems)
