"""Record what the real kubectl 1.32 prints for each line of corpus.txt, with no cluster.

Run from the repository root: ``python tests/data/k8s/record.py``. ``KUBECONFIG`` points at
a kubeconfig whose server is a closed port (127.0.0.1:1; a missing kubeconfig would mean
localhost:8080, where some other program may listen), so every line kubectl accepts on its
own ends in a connection error, and every line it refuses shows its client-side verdict.
The recording (argv, exit code, stdout, stderr) goes to corpus.json next to this script;
tests replay it without kubectl.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- name: closed
  cluster: {server: "http://127.0.0.1:1"}
contexts:
- name: closed
  context: {cluster: closed, user: nobody}
current-context: closed
users:
- name: nobody
  user: {}
"""


def record(kubectl: str = "/usr/bin/kubectl") -> list[dict[str, object]]:
    """Run every corpus line through the real kubectl and return the recordings."""
    config = Path(tempfile.mkdtemp()) / "kubeconfig"
    config.write_text(KUBECONFIG)
    env = dict(os.environ, KUBECONFIG=str(config), HOME="/nonexistent")
    rows = []
    for line in (HERE / "corpus.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        argv = shlex.split(line)
        done = subprocess.run(
            [kubectl, *argv],
            cwd=HERE / "files",
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        rows.append(
            {"argv": argv, "rc": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
        )
    return rows


if __name__ == "__main__":
    recorded = record()
    (HERE / "corpus.json").write_text(json.dumps(recorded, indent=1) + "\n")
    print(f"recorded {len(recorded)} lines")
