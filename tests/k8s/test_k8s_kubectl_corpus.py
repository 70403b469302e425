"""Replay the recorded kubectl 1.32 corpus: refuse what kubectl refuses, with its words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from grader.k8s.kubectl import run

DATA = Path(__file__).resolve().parents[1] / "data" / "k8s"
ROWS = json.loads((DATA / "corpus.json").read_text())
KLOG = re.compile(r"^E\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ ")


def _server_bound(row: dict) -> bool:
    """kubectl accepted the line and only failed for want of a server."""
    text = row["stdout"] + row["stderr"]
    return "connection to the server" in text or "connection refused" in text


def _first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip() and "memcache.go" not in line]
    return KLOG.sub("", lines[0]) if lines else ""


def test_corpus_is_big_and_mixed():
    assert len(ROWS) >= 300
    refused = [r for r in ROWS if r["rc"] != 0 and not _server_bound(r)]
    accepted = [r for r in ROWS if _server_bound(r) or r["rc"] == 0]
    assert len(refused) >= 40 and len(accepted) >= 40


@pytest.mark.parametrize("row", ROWS, ids=[" ".join(r["argv"]) for r in ROWS])
def test_line_matches_kubectl(row, sandbox_dir):
    result = run(row["argv"], folder=sandbox_dir / "k8s", cwd=DATA / "files")
    if _server_bound(row):
        # kubectl's client accepted it: the simulator must not refuse it as a usage error
        assert not result.stderr.startswith(("Error: unknown", "Error: flag", "Error: invalid")), (
            result.stderr
        )
        assert "required flag" not in result.stderr
        if row["stderr"].startswith("Flag --"):  # a deprecated flag's notice comes first
            assert result.stderr.splitlines()[0] == row["stderr"].splitlines()[0]
    elif row["rc"] == 0:
        assert result.code == 0, result.stderr
        # the recording machine's kubectl is a vendor build: "v1.32.4-dispatcher"
        assert result.stdout == row["stdout"].replace("v1.32.4-dispatcher", "v1.32.4")
    else:
        assert result.code == row["rc"]
        assert _first_line(result.stdout + result.stderr) == _first_line(
            row["stdout"] + row["stderr"]
        )
