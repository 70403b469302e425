"""The ``%%kubectl`` cell magic (and ``%kubectl`` line magic) for the Kubernetes notebooks.

Each line of a ``%%kubectl`` cell is one command on the simulated cluster: ``kubectl ...``
(kubectl 1.32's words and output), or ``etcdctl snapshot save|restore FILE`` (back up and
restore etcd). ``#`` starts a comment. ``%load_ext grader.magics`` registers it (through
:func:`register`); the widgets on screen are refreshed after each cell.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

from grader.k8s.cluster import Cluster, ClusterError
from grader.k8s.kubectl import Result, run
from grader.magics import InOrder, answer_text


def etcdctl(args: list[str]) -> Result:
    """``etcdctl snapshot save FILE`` / ``etcdctl snapshot restore FILE`` on the simulator."""
    if len(args) != 3 or args[0] != "snapshot" or args[1] not in {"save", "restore"}:
        return Result(stderr="usage: etcdctl snapshot save|restore FILE\n", code=1)
    path = Path(args[2])
    try:
        with Cluster.session() as cluster:
            if args[1] == "save":
                count = cluster.snapshot_save(path)
                return Result(f"Snapshot saved at {path} ({count} keys)\n")
            if not path.exists():
                return Result(stderr=f"Error: stat {path}: no such file or directory\n", code=1)
            cluster.snapshot_restore(path)
            return Result(f"restored snapshot {path}: etcd members restarted from it\n")
    except ClusterError as err:
        return Result(stderr=err.message + "\n", code=err.exit_code)


def run_line(line: str) -> Result:
    """Run one line of a ``%%kubectl`` cell."""
    from grader import history

    try:
        words = shlex.split(line, comments=True)
    except ValueError as err:
        return Result(stderr=f"%%kubectl: cannot read this line: {err}\n", code=2)
    if not words:
        return Result()
    if words[0] == "kubectl":
        result = run(words[1:], cwd=Path.cwd())
        history.record(words, result.code, "cluster-sim", "magic")
        return result
    if words[0] == "etcdctl":
        result = etcdctl(words[1:])
        history.record(words, result.code, "cluster-sim", "magic")
        return result
    return Result(
        stderr=f"{words[0]}: command not found (a %%kubectl cell runs kubectl or etcdctl lines)\n",
        code=127,
    )


def run_cell(cell: str) -> int:
    """Run every line, printing what kubectl prints; returns the last exit code."""
    text = answer_text(cell, "kubectl commands")
    if text is None:
        return 1
    code = 0
    stdout, stderr = InOrder(sys.stdout, sys.stderr), InOrder(sys.stderr, sys.stdout)
    for line in text.splitlines():
        result = run_line(line)
        stdout.write(result.stdout)
        stderr.write(result.stderr)
        code = result.code
    _refresh_widgets()
    return code


def _refresh_widgets() -> None:
    try:
        from grader.widgets import live
    except ImportError:
        return
    live.refresh_all()


def _cell_magic(line: str, cell: str) -> None:
    run_cell(cell)


def _line_magic(line: str) -> None:
    run_cell("kubectl " + line)


def register(ipython: Any) -> None:
    """Register ``%%kubectl`` and ``%kubectl`` on an IPython shell."""
    ipython.register_magic_function(_cell_magic, magic_kind="cell", magic_name="kubectl")
    ipython.register_magic_function(_line_magic, magic_kind="line", magic_name="kubectl")
