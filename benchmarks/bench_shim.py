"""How fast is ``docker ps`` through the course's shim, compared with Docker's own CLI?

One run measures, each as the median of several repetitions:

1. ``docker ps`` through the shim (``python -m grader.dockercli.shim`` installs it in a
   temporary folder) on a fresh sandbox with two containers;
2. the real Docker CLI: ``docker ps`` against a daemon when one answers at ``DOCKER_HOST``
   (else ``docker --version``, the CLI's start-up floor);
3. ``grader.dockercli.execute(["ps"])`` in-process on the same sandbox;

and prints the ratios. Usage: ``.venv/bin/python benchmarks/bench_shim.py [REPEAT]``.
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEAT = int(sys.argv[1]) if len(sys.argv) > 1 else 15


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    return time.perf_counter() - start


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


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
    try:
        sink = io.StringIO()
        for name in ("bench-a", "bench-b"):
            execute(
                ["run", "-d", "--name", name, "busybox", "sleep", "600"],
                engine,
                stdout=sink,
                stderr=sink,
            )
        timed([str(shim), "ps"], env)  # warm the file cache
        shim_ms = median_ms([timed([str(shim), "ps"], env) for _ in range(REPEAT)])

        cli = shutil.which("docker", path="/usr/local/bin:/usr/bin:/bin")
        if cli and daemon_answers(docker_host()):
            label, argv = f"real CLI `docker ps` ({docker_host()})", [cli, "ps"]
        elif cli:
            label, argv = "real CLI `docker --version` (no daemon)", [cli, "--version"]
        else:
            label, argv = "", []
        cli_ms = median_ms([timed(argv, dict(os.environ)) for _ in range(REPEAT)]) if argv else 0.0

        samples = []
        for _ in range(REPEAT * 4):
            start = time.perf_counter()
            execute(["ps"], engine, stdout=io.StringIO(), stderr=io.StringIO())
            samples.append(time.perf_counter() - start)
        inproc_ms = median_ms(samples)

        python_ms = median_ms(
            [timed([sys.executable, "-I", "-S", "-c", "pass"], env) for _ in range(REPEAT)]
        )
    finally:
        for name in ("bench-a", "bench-b"):
            execute(["rm", "-f", name], engine, stdout=io.StringIO(), stderr=io.StringIO())
        SandboxEngine.shutdown_all(state)
        shutil.rmtree(work, ignore_errors=True)

    print(f"shim `docker ps` on the sandbox : {shim_ms:7.1f} ms")
    if label:
        print(f"{label:32s}: {cli_ms:7.1f} ms   (shim / CLI = {shim_ms / cli_ms:.2f})")
    print(f"in-process execute(['ps'])      : {inproc_ms:7.2f} ms")
    print(
        f"bare `python -I -S -c pass`     : {python_ms:7.1f} ms   (shim / python = "
        f"{shim_ms / python_ms:.2f})"
    )


if __name__ == "__main__":
    main()
