"""What a graded Kubernetes hand-in shows the student: fair, short, and never a secret.

For every exercise the visible checks agree with the grade: a student who sees each visible
cell end with its public-checks summary has every point of the exercise, and one who does
not has lost some. Failures are the checks' own verdicts (``CheckFailed``, no traceback, no
bare ``AssertionError``), every cell prints a few lines at most, and no Secret value appears.
"""

from __future__ import annotations

from k8s_corpus import SUMMARY, GradedCorpus, exercises, meta

MAX_LINES = 25


def assert_fair_feedback(corpus: GradedCorpus, student: str, *, secrets: tuple[str, ...]) -> None:
    cells = corpus.cell_scores(student)
    outputs = corpus.outputs(student)
    sources = {meta(c).get("grade_id"): c.source for c in corpus.source.cells}
    for number, ids in exercises(corpus.source).items():
        visible = [g for g in ids if "check.summary(" in sources[g]]
        seen_ok = all(SUMMARY in outputs[g] for g in visible)
        graded_ok = all(cells[g][0] == cells[g][1] for g in ids)
        assert seen_ok == graded_ok, (student, number, {g: outputs[g] for g in ids}, cells)
    for grade_id, text in outputs.items():
        where = (student, grade_id, text)
        assert "Traceback" not in text and "AssertionError" not in text, where
        assert all(
            line.startswith("CheckFailed: ") for line in text.splitlines() if "Error: " in line[:40]
        ), where
        assert len(text.splitlines()) <= MAX_LINES, where
        assert not any(secret in text for secret in secrets), where
