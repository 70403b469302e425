"""Several processes (a notebook kernel, terminals) use one sandbox state at the same time."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from ports import unused_port

from grader.engine.sandbox import SandboxEngine

WORKER = textwrap.dedent(
    """
    import sys
    from grader.engine.sandbox import SandboxEngine

    engine = SandboxEngine(sys.argv[1])
    worker = sys.argv[2]
    for i in range(8):
        cid = engine.create_container("busybox", ["echo", worker, str(i)])["Id"]
        engine.start(cid)
        engine.containers(all=True)
    if worker == "w0":
        for i in range(4):
            engine.create_container("busybox", "true", name=f"named-{i}")
    engine.create_volume(f"vol-{worker}")
    """
)


def test_processes_see_each_others_containers(sandbox_dir: Path) -> None:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(sandbox_dir), f"w{n}"], stderr=subprocess.PIPE
        )
        for n in range(4)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()
    engine = SandboxEngine(sandbox_dir)
    listed = engine.containers(all=True)
    assert len(listed) == 4 * 8 + 4
    names = [c["Names"][0] for c in listed]
    assert len(set(names)) == len(names)
    outputs = sorted(
        b"".join(line for _, line in engine.logs(c["Id"]))
        for c in listed
        if c["Command"].startswith("echo")
    )
    assert outputs == sorted(f"w{n} {i}\n".encode() for n in range(4) for i in range(8))
    assert {v["Name"] for v in engine.volumes()["Volumes"]} == {f"vol-w{n}" for n in range(4)}


def test_a_name_is_taken_only_once_across_processes(sandbox_dir: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from grader.engine.errors import Conflict
        from grader.engine.sandbox import SandboxEngine

        try:
            SandboxEngine(sys.argv[1]).create_container("nginx", name="website")
            print("created")
        except Conflict:
            print("conflict")
        """
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(sandbox_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(5)
    ]
    outcomes = [run.communicate(timeout=120) for run in runs]
    results = sorted(out.decode().strip() for out, _ in outcomes)
    errors = "".join(err.decode() for _, err in outcomes)
    assert results == ["conflict"] * 4 + ["created"], errors


def test_a_second_engine_in_the_same_process_sees_changes(sandbox_dir: Path) -> None:
    kernel, terminal = SandboxEngine(sandbox_dir), SandboxEngine(sandbox_dir)
    cid = terminal.create_container("nginx", name="website")["Id"]
    terminal.start(cid)
    assert kernel.containers()[0]["Id"] == cid
    kernel.stop("website")
    assert terminal.inspect_container(cid)["State"]["Status"] == "exited"


def test_concurrent_starts_of_one_container(sandbox_dir: Path) -> None:
    port = unused_port("0.0.0.0")
    engine = SandboxEngine(sandbox_dir)
    hc = engine.create_host_config(port_bindings={80: port})
    engine.create_container("nginx", name="website", ports=[80], host_config=hc)
    script = "import sys; from grader.engine.sandbox import SandboxEngine; "
    script += "SandboxEngine(sys.argv[1]).start('website')"
    runs = [
        subprocess.Popen([sys.executable, "-c", script, str(sandbox_dir)], stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    for run in runs:
        _, err = run.communicate(timeout=60)
        assert run.returncode == 0, err.decode()
    assert engine.inspect_container("website")["State"]["Running"]
    assert len(engine.store.db.execute("SELECT * FROM servers").fetchall()) == 1
