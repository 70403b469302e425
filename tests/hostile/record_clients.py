"""Record what the real tools answer to the hostile cases: ``tests/data/hostile/clients.json``.

Run by hand on a machine with the Docker 28 CLI, a Docker daemon and kubectl 1.32
(``source /tmp/svc/env; python tests/hostile/record_clients.py``). Client verdicts come
from the CLI with no daemon (``DOCKER_HOST=unix:///nonexistent.sock``) or kubectl with no
cluster (``KUBECONFIG=/nonexistent``); daemon verdicts from the daemon at ``DOCKER_HOST``,
on containers labelled ``course=docker-k8s`` and removed afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile_cases import CASES, Case  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "data" / "hostile" / "clients.json"
LABEL = ("--label", "course=docker-k8s", "--label", "hostile-record=1")


def _labelled(argv: list[str]) -> list[str]:
    """``docker run``/``create`` get the course label, so cleanup can find them."""
    if argv[:2] in (["docker", "run"], ["docker", "create"]):
        return [*argv[:2], *LABEL, *argv[2:]]
    return argv


def _tool(verb: str) -> str:
    return {"docker": "/usr/local/bin/docker", "kubectl": "/usr/bin/kubectl"}[verb]


def record(case: Case) -> dict[str, object]:
    """The real tool's answer to ``case``."""
    env = dict(os.environ)
    if case.truth == "client":
        env["DOCKER_HOST"] = "unix:///nonexistent.sock"
        env["KUBECONFIG"] = "/nonexistent"
    with tempfile.TemporaryDirectory() as folder:
        for name, text in case.files.items():
            Path(folder, name).write_text(text)
        for line in case.setup:
            subprocess.run(
                [_tool(line[0]), *_labelled(list(line))[1:]], env=env, cwd=folder, check=False
            )
        argv = [_tool(case.verb), *_labelled([case.verb, *case.args])[1:]]
        done = subprocess.run(argv, env=env, cwd=folder, capture_output=True, timeout=60)
    subprocess.run(
        ["/usr/local/bin/docker", "rm", "-f", "hostile-logs"], env=env, capture_output=True
    )
    return {
        "truth": case.truth,
        "tool": case.verb,
        "code": done.returncode,
        "stdout": done.stdout.decode(errors="replace"),
        "stderr": done.stderr.decode(errors="replace"),
    }


def main() -> int:
    """Record every case with a truth and write the JSON file."""
    answers = {case.id: record(case) for case in CASES if case.truth}
    made = subprocess.run(
        ["/usr/local/bin/docker", "ps", "-aq", "--filter", "label=hostile-record=1"],
        capture_output=True,
        text=True,
    ).stdout.split()
    if made:
        subprocess.run(["/usr/local/bin/docker", "rm", "-f", *made], capture_output=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(answers, indent=1, sort_keys=True) + "\n")
    print(f"{len(answers)} answers -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
