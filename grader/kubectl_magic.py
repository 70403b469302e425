"""The ``%%kubectl`` cell magic (and ``%kubectl`` line magic) for the Kubernetes notebooks.

Each line of a ``%%kubectl`` cell is one command on the simulated cluster: ``kubectl ...``
(kubectl 1.32's words and output), ``etcdctl snapshot save FILE`` (back up etcd) or
``etcdutl snapshot restore FILE --data-dir DIR`` (restore it, the etcd 3.5 way). ``#`` starts a
comment. ``%load_ext grader.magics`` registers it (through
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

ETCDCTL_RESTORE_DEPRECATED = "Deprecated: Use `etcdutl snapshot restore` instead.\n"


def etcdctl(args: list[str]) -> Result:
    """``etcdctl snapshot save FILE`` on the simulator.

    ``etcdctl snapshot restore`` is deprecated since etcd 3.5 (removed in 3.6): it prints
    etcd's notice, then does what :func:`etcdutl` does.
    """
    if args[:2] == ["snapshot", "restore"]:
        result = etcdutl(args)
        result.stderr = ETCDCTL_RESTORE_DEPRECATED + result.stderr
        return result
    if len(args) != 3 or args[:2] != ["snapshot", "save"]:
        return Result(stderr="usage: etcdctl snapshot save|restore FILE\n", code=1)
    path = Path(args[2])
    try:
        with Cluster.session() as cluster:
            count = cluster.snapshot_save(path)
            return Result(f"Snapshot saved at {path} ({count} keys)\n")
    except ClusterError as err:
        return Result(stderr=err.message + "\n", code=err.exit_code)


def etcdutl(args: list[str]) -> Result:
    """``etcdutl snapshot restore FILE --data-dir DIR``: a new data dir the members restart on.

    The data directory must be new (etcdutl refuses one that is not empty); the simulator
    then points the etcd members at it, as you would by editing the etcd static pod's
    manifest, and the API objects of the snapshot are back.
    """
    words = [a for a in args if not a.startswith("--data-dir")]
    data_dir = next(
        (a.split("=", 1)[1] for a in args if a.startswith("--data-dir=")),
        args[args.index("--data-dir") + 1] if "--data-dir" in args[:-1] else "default.etcd",
    )
    words = [w for w in words if w != data_dir]
    if len(words) != 3 or words[:2] != ["snapshot", "restore"]:
        return Result(stderr="usage: etcdutl snapshot restore FILE --data-dir DIR\n", code=1)
    path = Path(words[2])
    if not path.exists():
        return Result(stderr=f"Error: stat {path}: no such file or directory\n", code=1)
    try:
        with Cluster.session() as cluster:
            used = cluster.state.setdefault("etcd_data_dirs", ["/var/lib/etcd"])
            if data_dir in used:
                return Result(
                    stderr=f'Error: data-dir "{data_dir}" not empty or could not be read\n', code=1
                )
            cluster.snapshot_restore(path)
            used.append(data_dir)
    except ClusterError as err:
        return Result(stderr=err.message + "\n", code=err.exit_code)
    return Result(
        f"restored snapshot {path} into data dir {data_dir}; etcd members restarted on it\n"
    )


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
    tools = {"etcdctl": etcdctl, "etcdutl": etcdutl}
    if words[0] in tools:
        result = tools[words[0]](words[1:])
        history.record(words, result.code, "cluster-sim", "magic")
        return result
    return Result(
        stderr=f"{words[0]}: command not found (a %%kubectl cell runs kubectl, etcdctl or "
        "etcdutl lines)\n",
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
