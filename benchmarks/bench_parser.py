"""How long does the grammar take to parse one docker command line?

Parses four typical lines (``run`` with several flags, ``ps -aq``, ``images --format``,
``logs -f --tail``) REPEAT times each and prints the time per line: the median of five
rounds, wall-clock and CPU. The goal is well under 1 ms per line, so that a check or a
``%%docker`` cell never waits on the parser. Usage:
``.venv/bin/python benchmarks/bench_parser.py [REPEAT]``.
"""

from __future__ import annotations

import statistics
import sys
import time

from grader.commands import parse_argv

LINES = [
    ["run", "-dp", "8080:80", "--name", "web", "-v", "/s:/d:ro", "nginx:1.27"],
    ["ps", "-aq"],
    ["images", "--format", "{{.ID}}"],
    ["logs", "-f", "--tail", "5", "web"],
]
GOAL = 0.001
"""Seconds per line."""


def one_round(repeat: int) -> tuple[float, float]:
    """Seconds per parsed line over ``repeat`` passes: (wall-clock, CPU)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        for argv in LINES:
            parse_argv(argv)
    count = repeat * len(LINES)
    return (time.perf_counter() - wall) / count, (time.process_time() - cpu) / count


def main(argv: list[str]) -> int:
    """Print the median time per line; exit 1 when the CPU time misses :data:`GOAL`."""
    repeat = int(argv[0]) if argv else 500
    rounds = [one_round(repeat) for _ in range(5)]
    wall = statistics.median(r[0] for r in rounds)
    cpu = statistics.median(r[1] for r in rounds)
    print(f"parse_argv: {wall * 1e6:.0f} us wall, {cpu * 1e6:.0f} us CPU per line")
    print(f"goal: under {GOAL * 1e6:.0f} us per line: {'met' if cpu < GOAL else 'MISSED'}")
    return 0 if cpu < GOAL else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
