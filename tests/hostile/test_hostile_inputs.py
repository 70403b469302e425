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


POOL_EXHAUSTED = (
    "Error response from daemon: could not find an available, non-overlapping IPv4 address "
    "pool among the defaults to assign to the network"
)


@pytest.mark.slow
def test_network_pool_runs_out_as_dockerd_says(hostile) -> None:
    """dockerd's default pools hold 30 user networks (172.18-31/16, 192.168.x/20)."""
    made = hostile.script("\n".join(f"docker network create pool{i}" for i in range(30)))
    assert made.code == 0, made.output
    outcome = hostile.docker("network", "create", "one-too-many")
    assert outcome.code == 1
    assert outcome.stderr.strip() == POOL_EXHAUSTED
    subnets = hostile.docker("network", "inspect", "pool29", "--format", "{{json .IPAM.Config}}")
    assert "192.168.240.0/20" in subnets.stdout
    hostile.still_answers()


@pytest.mark.slow
@pytest.mark.parametrize("depth", [400, 1000])
def test_cell_with_deeply_nested_substitutions(hostile, depth) -> None:
    """bash runs ``$($($(... echo x)))``: the innermost prints x, the next runs ``x``."""
    cell = "docker run --rm busybox echo " + "$(" * depth + "echo x" + ")" * depth
    outcome = hostile.script(cell)
    assert "x: command not found" in outcome.stderr
    hostile.still_answers()


@pytest.mark.slow
def test_a_spinning_container_locks_nobody_out(hostile) -> None:
    """A foreground container that never ends holds no lock on the sandbox's state."""
    import subprocess
    import sys

    spinning = subprocess.Popen(
        [sys.executable, "-m", "grader", "docker", "run", "--rm", "--name", "spin", "busybox"]
        + ["sh", "-c", "while true; do i=1; done"],
        cwd=hostile.work,
        env=hostile.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            listed = hostile.docker("ps")
            if "spin" in listed.stdout:
                break
        assert "spin" in listed.stdout
        assert hostile.docker("run", "-d", "--name", "other", "busybox", "sleep", "60").code == 0
        assert hostile.docker("stop", "-t", "0", "spin").code == 0
    finally:
        spinning.kill()
        spinning.wait()
