"""Notebook 06's answer corpus: what a fair instructor accepts earns the points, nothing else.

Every graded exercise gets several correct alternatives (other spellings of a recall answer,
other kubectl forms) and several plausible wrong answers (a wrong recall answer or one that
only contains the right one, a wrong replica count, commands that only print, a deletion
that misses pods), graded through nbgrader (the trusted grader). Each hand-in carries one
entry per exercise, so one grading run covers the corpus.
"""

from __future__ import annotations

import ast

import pytest
from k8s_corpus import REPO, GradedCorpus, grade_corpus, meta
from k8s_feedback import assert_fair_feedback
from releases import Releases

from grader.checks.answers import digest

pytestmark = pytest.mark.xdist_group("corpus-06")
"""The graded corpus is built once: its tests share one xdist worker."""

FOLDER = REPO / "notebooks" / "06-kubernetes-architecture"

KILL = "%%kubectl\n{}\nkubectl get pods -o wide"
RIGHT = {
    "right-a": {
        "ex1-picks-node": 'picks_node = "Kube-Scheduler "',
        "ex2-kill": KILL.format("kubectl delete pods lonely\nkubectl delete po --selector=app=web"),
        "ex2-pod-ip": 'ip_after_kill = "New"',
        "ex3-scale": "%%kubectl\nkubectl scale deploy/web --replicas 5",
        "ex4-quorum": 'etcd_members = "3"',
        "ex5-snapshot": 'snapshot_restores = "B"',
    },
    "right-b": {
        "ex1-picks-node": 'picks_node = "the scheduler"',
        "ex2-kill": KILL.format("kubectl delete pod --all"),
        "ex2-pod-ip": 'ip_after_kill = "a new IP"',
        "ex3-scale": "%%kubectl\nkubectl scale --replicas=5 deployment web",
        "ex4-quorum": "etcd_members = 3",
        "ex5-snapshot": 'snapshot_restores = " b "',
    },
    "right-c": {
        "ex1-picks-node": 'picks_node = "scheduler"',
        "ex2-kill": KILL.format("kubectl delete pod/lonely\nkubectl delete pod -l app=web"),
        "ex2-pod-ip": 'ip_after_kill = "different"',
        "ex3-scale": "%%kubectl\nkubectl scale deployment/web --replicas=5",
        "ex4-quorum": 'etcd_members = "three"',
        "ex5-snapshot": 'snapshot_restores = "b."',
    },
}
WRONG = {
    "wrong-a": {
        "ex1-picks-node": 'picks_node = "not the scheduler, it is etcd"',
        "ex2-kill": KILL.format("kubectl delete pod lonely"),
        "ex2-pod-ip": 'ip_after_kill = "same"',
        "ex3-scale": "%%kubectl\nkubectl scale deployment web --replicas=3",
        "ex4-quorum": "etcd_members = 2",
        "ex5-snapshot": 'snapshot_restores = "a"',
    },
    "wrong-b": {
        "ex1-picks-node": 'picks_node = "etcd"',
        "ex2-kill": KILL.format("kubectl get pods"),
        "ex2-pod-ip": 'ip_after_kill = "the same"',
        "ex3-scale": "%%kubectl\nkubectl get deployment web",
        "ex4-quorum": "etcd_members = 4",
        "ex5-snapshot": 'snapshot_restores = "b and c"',
    },
    "wrong-c": {
        "ex1-picks-node": 'picks_node = "kube-scheduler etcd"',
        "ex2-kill": KILL.format("kubectl delete pod -l app=web"),
        "ex2-pod-ip": "ip_after_kill = 1",
        "ex3-scale": "%%kubectl\nkubectl scale deployment web --replicas=4",
        "ex4-quorum": "etcd_members = 5",
        "ex5-snapshot": 'snapshot_restores = ""',
    },
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, releases: Releases) -> GradedCorpus:
    return grade_corpus(FOLDER, {**RIGHT, **WRONG}, tmp_path_factory.mktemp("corpus-06"), releases)


@pytest.mark.slow
def test_every_correct_form_earns_every_point(corpus: GradedCorpus) -> None:
    corpus.assert_full_marks(list(RIGHT))


@pytest.mark.slow
def test_no_wrong_answer_earns_a_point(corpus: GradedCorpus) -> None:
    corpus.assert_no_marks({student: set("12345") for student in WRONG})


@pytest.mark.slow
def test_visible_checks_agree_with_the_grade_and_feedback_teaches(corpus: GradedCorpus) -> None:
    for student in [*RIGHT, *WRONG]:
        assert_fair_feedback(corpus, student, secrets=())


def recall_calls(source: str) -> list[ast.Call]:
    tree = ast.parse(source.replace("%%", "# %%"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "recall"
    ]


def test_each_visible_recall_accepts_exactly_what_its_hidden_test_accepts() -> None:
    import nbformat

    source = nbformat.read(FOLDER / f"{FOLDER.name}.ipynb", as_version=4)
    questions = 0
    for cell in source.cells:
        if not meta(cell).get("grade"):
            continue
        calls = recall_calls(cell.source)
        if not calls:
            continue
        keywords = [{k.arg: k.value for k in call.keywords} for call in calls]
        visible = [k for k in keywords if "digests" in k]
        hidden = [c for c in calls if c.args[1:]]
        assert len(visible) == 1 and len(hidden) == 1, cell.source
        name = ast.literal_eval(visible[0]["name"])
        accepted = ast.literal_eval(hidden[0].args[1])
        assert set(ast.literal_eval(visible[0]["digests"])) == {
            digest(name, answer) for answer in accepted
        }, name
        questions += 1
    assert questions == 4


def test_the_key_points_come_after_the_exercises() -> None:
    import nbformat

    cells = nbformat.read(FOLDER / f"{FOLDER.name}.ipynb", as_version=4).cells
    key = next(i for i, c in enumerate(cells) if c.source.startswith("## Key points"))
    assert key > max(i for i, c in enumerate(cells) if meta(c).get("grade"))
    assert "scheduler picks" not in cells[key].source and "new ip" not in cells[key].source


def test_the_corpus_covers_every_answer_cell() -> None:
    import nbformat

    source = nbformat.read(FOLDER / f"{FOLDER.name}.ipynb", as_version=4)
    answers = {meta(c)["grade_id"] for c in source.cells if meta(c).get("solution")}
    for entries in [*RIGHT.values(), *WRONG.values()]:
        assert set(entries) == answers
