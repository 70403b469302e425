"""Find command lines where the grammar and Docker 28's CLI disagree, to add to the corpus.

Random command lines built from each course command's own flags and typical values run
through both the real CLI (as record_corpus.py does) and ``grader.commands.parse_argv``;
every disagreement is printed as a corpus line. Add the interesting ones to
``corpus_lines.txt``, fix the grammar, then re-record::

    .venv/bin/python tests/data/commands/fuzz_against_cli.py --seed 7 --count 300
"""

from __future__ import annotations

import argparse
import random
import shlex
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record_corpus import record  # noqa: E402

from grader.commands import DockerCLIError, parse_argv  # noqa: E402
from grader.commands.parser import SPECS  # noqa: E402

COMMANDS = [
    "run", "create", "ps", "images", "rm", "rmi", "stop", "start", "restart", "kill", "exec",
    "logs", "inspect", "tag", "pull", "push", "build", "volume create", "volume ls",
    "volume rm", "network create", "network ls", "commit", "cp", "port", "stats", "history",
    "top", "system prune", "image prune", "container prune",
]  # fmt: skip
VALUES = [
    "8080:80", "nginx", "Nginx", "abc", "1", "-1", "512m", "a=b", "/a:/b:ro", ":", "", "-5s",
    "0x1_0", "type=bind,target=/x", "web", "alpine:3.20", "nginx:1.27", "80",
    "127.0.0.1:8080:80", "on-failure:3", "always", "10s", "2024-01-01", "{{.ID}}", "label=x",
    "dangling=true", "web:/a", ".", "-", "1.5", "true", "false", "localhost:5000/app:v1", "x y",
]  # fmt: skip


def random_line(rng: random.Random) -> list[str]:
    """A random command line (words after ``docker``) for one course command."""
    command = rng.choice(COMMANDS)
    spec = next(s for s in SPECS.values() if command in s.aliases)
    flags = [f"--{n}" for n in spec.flags if n != "help"] + [f"-{c}" for c in spec.shorthands]
    argv = command.split()
    for _ in range(rng.randint(0, 5)):
        if rng.random() < 0.45:
            flag = rng.choice(flags)
            argv.append(f"{flag}={rng.choice(VALUES)}" if rng.random() < 0.3 else flag)
        else:
            argv.append(rng.choice(VALUES))
    return argv


def verdict(argv: list[str]) -> tuple[bool, int, str]:
    """The grammar's verdict: (accepted, exit code, message)."""
    try:
        parse_argv(argv)
    except DockerCLIError as error:
        return False, error.exit_code, error.message
    return True, 0, ""


def main() -> int:
    """Run the comparison and print the disagreements."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--seed", type=int, default=0)
    options.add_argument("--count", type=int, default=200)
    args = options.parse_args()
    rng = random.Random(args.seed)
    disagreements = 0
    with tempfile.TemporaryDirectory() as workdir:
        Path(workdir, "Dockerfile").write_text("FROM busybox\n")
        for _ in range(args.count):
            argv = random_line(rng)
            line = "docker " + shlex.join(argv)
            docker = record(line, workdir)
            if docker["exit_code"] == -1:
                continue
            accepted, code, message = verdict(argv)
            same = accepted == docker["accepted"] and (
                accepted or (code, message) == (docker["exit_code"], docker["stderr"].rstrip("\n"))
            )
            if not same:
                disagreements += 1
                print(line)
                print(f"#   docker: {docker['exit_code']} {docker['stderr'][:200]!r}")
                print(f"#   grammar: {code} {message[:200]!r}")
    print(f"# {disagreements} disagreements in {args.count} lines", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
