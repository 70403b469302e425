"""What ``ps`` and ``docker top`` show inside a sandbox container."""

from __future__ import annotations

import shlex
from typing import Any


def main_command(container: dict[str, Any]) -> str:
    """The main process's command line as ``ps`` shows it."""
    argv = [container["Path"], *container["Args"]]
    if is_nginx(argv):
        return "nginx: master process nginx -g daemon off;"
    return " ".join(argv)


def is_nginx(argv: list[str]) -> bool:
    """True when the main process is nginx (directly or through its entrypoint script)."""
    names = [a.rsplit("/", 1)[-1] for a in argv[:2]]
    return names[0] == "nginx" or (names[0] == "docker-entrypoint.sh" and names[1:] == ["nginx"])


def process_table(
    container: dict[str, Any], extra: str | None = None
) -> list[tuple[int, str, str]]:
    """(pid inside the container, user, command) rows, the exec'd command last."""
    user = (container["Config"].get("User") or "root").split(":")[0]
    rows = [(1, user, main_command(container))]
    argv = [container["Path"], *container["Args"]]
    if is_nginx(argv):
        workers = container.get("_workers", 2)
        rows += [(29 + i, "nginx", "nginx: worker process") for i in range(workers)]
    if extra is not None:
        rows.append((rows[-1][0] + 7, user, extra))
    return rows


def top(container: dict[str, Any], host_pid: int) -> dict[str, Any]:
    """``GET /containers/{id}/top`` with ``ps -ef`` columns and host pids."""
    started = container["State"]["StartedAt"][11:16]
    processes = []
    for pid, user, cmd in process_table(container):
        host = host_pid if pid == 1 else host_pid + pid + 40
        parent = host_pid - 50 if pid == 1 else host_pid
        shown = cmd if pid != 1 else _top_command(container, cmd)
        processes.append(
            [
                user if user != "nginx" else "101",
                str(host),
                str(parent),
                "0",
                started,
                "?",
                "00:00:00",
                shown,
            ]
        )
    return {
        "Titles": ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"],
        "Processes": processes,
    }


def _top_command(container: dict[str, Any], shown: str) -> str:
    if shown.startswith("nginx: master"):
        return shown
    return shlex.join([container["Path"], *container["Args"]]).replace("'", "")
