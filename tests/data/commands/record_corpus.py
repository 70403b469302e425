"""Record Docker 28's client-side verdict on every command line in the corpus.

Each line runs through the real CLI (``/usr/local/bin/docker``) with DOCKER_HOST pointing at a
socket that does not exist: whatever it refuses before connecting is a grammar verdict; a line
that gets as far as "Cannot connect to the Docker daemon" was accepted. Standard input is a
pseudo-terminal so ``-t`` is judged on grammar alone, and the working folder holds a
Dockerfile so ``docker build .`` gets as far as the daemon. Run::

    .venv/bin/python tests/data/commands/record_corpus.py

It rewrites ``docker28_corpus.jsonl`` next to this script: one JSON object per line with
``line``, ``argv``, ``accepted``, ``exit_code`` and ``stderr``.
"""

from __future__ import annotations

import json
import os
import pty
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "docker28_corpus.jsonl"
LINES_FILE = HERE / "corpus_lines.txt"
CONNECT_MARKERS = (
    "Cannot connect to the Docker daemon",
    "failed to connect",
    "error during connect",
)


def record(line: str, workdir: str) -> dict[str, object]:
    """Run one command line through the real CLI and classify the result."""
    argv = shlex.split(line)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": workdir,
        "DOCKER_HOST": "unix:///nonexistent.sock",
        "DOCKER_CONFIG": str(Path(workdir) / ".docker"),
        "LC_ALL": "C",
    }
    primary, secondary = pty.openpty()
    try:
        proc = subprocess.run(
            ["/usr/local/bin/docker", *argv[1:]],
            stdin=secondary,
            capture_output=True,
            text=True,
            env=env,
            cwd=workdir,
            timeout=10,
            check=False,
        )
        code, stderr = proc.returncode, proc.stderr
    except subprocess.TimeoutExpired as exc:
        code, stderr = -1, (exc.stderr or b"").decode() if isinstance(exc.stderr, bytes) else ""
    finally:
        os.close(primary)
        os.close(secondary)
    accepted = code in (0, -1) or any(marker in stderr for marker in CONNECT_MARKERS)
    return {
        "line": line,
        "argv": argv[1:],
        "accepted": accepted,
        "exit_code": code,
        "stderr": stderr.replace(workdir, "$WORKDIR"),
    }


def corpus_lines() -> list[str]:
    """The command lines to record: one per line, ``#`` comments and blank lines skipped."""
    lines = []
    for raw in LINES_FILE.read_text().splitlines():
        text = raw.strip()
        if text and not text.startswith("#"):
            lines.append(text)
    return lines


def main() -> int:
    """Record every line and write the corpus."""
    with tempfile.TemporaryDirectory() as workdir:
        Path(workdir, "Dockerfile").write_text("FROM busybox\n")
        Path(workdir, "app").mkdir()
        Path(workdir, "app", "Dockerfile").write_text("FROM busybox\n")
        Path(workdir, "env.list").write_text("A=1\n")
        records = [record(line, workdir) for line in corpus_lines()]
    with OUT.open("w") as out:
        for item in records:
            out.write(json.dumps(item) + "\n")
    accepted = sum(1 for item in records if item["accepted"])
    print(f"recorded {len(records)} lines ({accepted} accepted) into {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
