"""How fast is ``docker ps`` through the course's shim, compared with Docker's own CLI?

One run measures, each as the median of REPEAT runs, wall-clock and CPU (user + system)
time, since a busy shared machine inflates wall-clock time but hardly CPU time. The runs
of the commands alternate, so a change in the machine's load hits them all alike, and
each starts SETTLE seconds after the one before, as a typed command does: what a command
leaves running in the background (the daemon forking the worker that replaces the one it
used, dockerd's own work) would otherwise land on whichever measurement comes next:

1. ``docker ps`` through the installed shim on a fresh sandbox with two containers: the
   thin client hands it to the sandbox daemon (started by the warm-up run), whose CPU time
   is not the client's, so only wall-clock time compares the two paths fairly;
2. a bare ``python -I -S -c pass`` (the interpreter's floor);
3. the real Docker CLI: ``docker ps`` against a daemon when one answers at ``DOCKER_HOST``
   (else ``docker --version``, the CLI's start-up floor);
4. ``grader.dockercli.execute(["ps"])`` in-process on the same sandbox;

and prints the ratios. Usage: ``.venv/bin/python benchmarks/bench_shim.py [REPEAT]``.
"""

from __future__ import annotations

import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEAT = int(sys.argv[1]) if len(sys.argv) > 1 else 15
SETTLE = 0.1
"""Seconds between two measured runs (a fast typist's pause is longer)."""


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(commands: dict[str, list[str]], env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Median wall-clock and CPU milliseconds of each command over REPEAT alternating runs."""
    runs: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
    for _ in range(REPEAT):
        for label, command in commands.items():
            time.sleep(SETTLE)
            runs[label].append(timed(command, env))
    return {
        label: (
            statistics.median(run[0] for run in items) * 1000,
            statistics.median(run[1] for run in items) * 1000,
        )
        for label, items in runs.items()
    }


def main() -> None:
    from grader.dockercli import execute
    from grader.dockercli.shim import install_shim
    from grader.engine import daemon_answers, docker_host
    from grader.engine.sandbox import SandboxEngine

    work = Path(tempfile.mkdtemp(prefix="bench-shim-"))
    state = work / "sandbox"
    env = dict(os.environ, COURSE_ENGINE="sandbox", COURSE_SANDBOX_DIR=str(state))
    shim = install_shim(work / "bin")
    engine = SandboxEngine(state)
    quiet = io.StringIO()
    try:
        for name in ("bench-a", "bench-b"):
            argv = ["run", "-d", "--name", name, "busybox", "sleep", "600"]
            execute(argv, engine, stdout=quiet, stderr=quiet)
        timed([str(shim), "ps"], env)  # starts the daemon, warms the file cache
        commands = {"shim `docker ps` on the sandbox": [str(shim), "ps"]}
        commands["bare `python -I -S -c pass`"] = [sys.executable, "-I", "-S", "-c", "pass"]
        cli = shutil.which("docker", path="/usr/local/bin:/usr/bin:/bin")
        if cli and daemon_answers(docker_host()):
            commands[f"real CLI `docker ps` ({docker_host()})"] = [cli, "ps"]
        elif cli:
            commands["real CLI `docker --version` (no daemon)"] = [cli, "--version"]
        results = measure(commands, env)
        samples = []
        for _ in range(REPEAT * 4):
            start = time.perf_counter()
            execute(["ps"], engine, stdout=io.StringIO(), stderr=io.StringIO())
            samples.append(time.perf_counter() - start)
        in_process = statistics.median(samples) * 1000
    finally:
        for name in ("bench-a", "bench-b"):
            execute(["rm", "-f", name], engine, stdout=quiet, stderr=quiet)
        SandboxEngine.shutdown_all(state)
        shutil.rmtree(work, ignore_errors=True)  # the daemon leaves when its folder goes

    shim_wall, shim_cpu = next(iter(results.values()))
    for label, (wall, cpu) in results.items():
        ratio = f"   shim/this {shim_wall / wall:5.2f} wall {shim_cpu / cpu:5.2f} CPU"
        print(f"{label:48s} {wall:7.1f} ms wall {cpu:7.1f} ms CPU{ratio}")
    label = 'in-process execute(["ps"])'
    print(f"{label:48s} {in_process:7.2f} ms")
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
