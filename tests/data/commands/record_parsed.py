"""Record what the grammar makes of every line Docker 28's CLI accepts (a reviewed golden).

For each accepted line of ``docker28_corpus.jsonl`` (and the few that Docker refuses only
for reasons outside the grammar, which the grammar accepts), ``parsed.jsonl`` holds the
parsed command as ``python -m grader parse`` prints it: canonical command name, alias,
typed options, arguments, global options and warnings. Run::

    .venv/bin/python tests/data/commands/record_parsed.py

Re-record only after a deliberate grammar change, and review the diff: the file states
what each line *means*. ``requests.jsonl`` (the Engine API request the real CLI sent for
each line) is the reference to review it against.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from grader.commands import DockerCLIError, parse_argv  # noqa: E402

CORPUS = HERE / "docker28_corpus.jsonl"
OUT = HERE / "parsed.jsonl"


def main() -> None:
    """Parse every line the grammar accepts; write one JSON object per line."""
    out = []
    for text in CORPUS.read_text().splitlines():
        record = json.loads(text)
        try:
            command = parse_argv(record["argv"])
        except DockerCLIError:
            continue
        out.append({"line": record["line"], "command": command.to_json()})
    OUT.write_text("".join(json.dumps(item) + "\n" for item in out))
    print(f"{len(out)} lines -> {OUT}")


if __name__ == "__main__":
    main()
