"""Hostile command lines: each ends in bounded time and memory, with the real tool's answer.

Every case runs in a capped subprocess (``conftest.py``). It must not hang, not trace
back, not print "unexpected error"; where the real Docker CLI, dockerd or kubectl answers
the same line, the course answers the same (``tests/data/hostile/clients.json``); the
sandbox still answers ``docker ps`` afterwards.
"""

from __future__ import annotations

import pytest
from hostile_cases import CASES, Case, normalise


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_case(case: Case, hostile, clients) -> None:
    for name, text in case.files.items():
        (hostile.work / name).write_text(text)
    for line in case.setup:
        hostile.run(*line)
    outcome = hostile.run(case.verb, *case.args)
    if case.truth:
        truth = clients[case.id]
        if case.compare == "stdout":
            assert outcome.stdout == truth["stdout"]
        elif case.compare == "first-line":
            assert normalise(_first_line(outcome.stderr)) == normalise(_first_line(truth["stderr"]))
        if case.truth == "daemon" or truth["code"] not in (0, 1) or case.compare == "exit":
            assert outcome.code == truth["code"], outcome.output[-2000:]
    else:
        assert case.expect in outcome.output, outcome.output[-2000:]
    hostile.still_answers()
