"""The daemon under concurrent clients, a client killed mid-stream, and idle exit + restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import docker

from grader.dockercli.shim import install_shim
from grader.engine import daemon_answers
from grader.engine.sandbox import SandboxEngine
from grader.serve.daemon import running, socket_path, stop


def _shim_env(folder: Path) -> dict[str, str]:
    return dict(os.environ, COURSE_ENGINE="sandbox", COURSE_SANDBOX_DIR=str(folder))


def test_concurrent_kernel_terminal_and_sdk(daemon: str, sandbox_dir: Path, tmp_path: Path) -> None:
    shim = install_shim(tmp_path / "bin")
    client = docker.DockerClient(base_url=daemon, version="auto")
    kernel = SandboxEngine(sandbox_dir)
    failures: list[BaseException] = []

    def sdk(index: int) -> None:
        name = f"sdk-{index}"
        client.containers.run("busybox", ["sleep", "600"], detach=True, name=name)
        assert client.containers.get(name).status == "running"
        assert client.containers.run("busybox", ["echo", name], remove=True) == f"{name}\n".encode()

    def terminal(index: int) -> None:
        name = f"term-{index}"
        env = _shim_env(sandbox_dir)
        done = subprocess.run(
            [str(shim), "run", "-d", "--name", name, "busybox", "sleep", "600"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        listed = subprocess.run(
            [str(shim), "ps", "--format", "{{.Names}}"], env=env, capture_output=True, text=True
        )
        assert name in listed.stdout.split()

    def in_kernel(index: int) -> None:
        engine = SandboxEngine(sandbox_dir)
        created = engine.create_container("busybox", ["sleep", "600"], name=f"kernel-{index}")
        engine.start(created["Id"])

    def guarded(work, index: int) -> None:
        try:
            work(index)
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [
        threading.Thread(target=guarded, args=(work, index))
        for index in range(3)
        for work in (sdk, terminal, in_kernel)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures
    names = {c["Names"][0].lstrip("/") for c in kernel.containers()}
    assert names == {f"{kind}-{i}" for kind in ("sdk", "term", "kernel") for i in range(3)}


def test_a_client_killed_mid_stream_leaves_the_daemon_serving(daemon: str, tmp_path: Path) -> None:
    client = docker.DockerClient(base_url=daemon, version="auto")
    web = client.containers.run("nginx", detach=True, name="web")
    follower = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import docker, sys; c = docker.DockerClient(base_url=sys.argv[1]);"
            "[print(line, flush=True) for line in c.containers.get('web').logs(stream=True,"
            " follow=True)]",
            daemon,
        ],
        stdout=subprocess.PIPE,
    )
    assert follower.stdout is not None
    assert follower.stdout.readline()  # the stream is flowing
    follower.kill()
    follower.wait(timeout=30)
    events = client.api.events(decode=True)  # another stream, left open by this client
    web.stop()
    assert next(events)["Action"] == "die"
    events.close()
    assert client.containers.get("web").status == "exited"
    assert client.ping()


def test_terminal_ctrl_c_reaches_the_command(
    daemon: str, sandbox_dir: Path, tmp_path: Path
) -> None:
    shim = install_shim(tmp_path / "bin")
    env = _shim_env(sandbox_dir)
    subprocess.run([str(shim), "run", "-d", "--name", "s1", "nginx"], env=env, check=True)
    follower = subprocess.Popen(
        [str(shim), "logs", "-f", "s1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert follower.stdout is not None
    assert follower.stdout.readline()  # following
    follower.send_signal(signal.SIGINT)  # the terminal's Ctrl-C goes to the client only
    _, errors = follower.communicate(timeout=30)
    assert errors.decode().splitlines()[-1] == "(interrupted; the container keeps running)"


def test_idle_exit_and_restart_keep_the_state(
    launch: Callable[..., subprocess.Popen[bytes]], sandbox_dir: Path, tmp_path: Path
) -> None:
    process = launch(sandbox_dir, "--idle", "0.5")
    client = docker.DockerClient(base_url=f"unix://{socket_path(sandbox_dir)}", version="auto")
    client.containers.run("busybox", ["sleep", "600"], detach=True, name="kept")
    client.volumes.create("kept-data")
    client.close()
    assert process.wait(timeout=60) == 0  # left by itself once idle
    assert "leaving: idle for 0.5 s" in "".join(process.log)  # type: ignore[attr-defined]
    assert running(sandbox_dir) is None
    assert not daemon_answers(f"unix://{socket_path(sandbox_dir)}")
    shim = install_shim(tmp_path / "bin")
    env = _shim_env(sandbox_dir)
    listed = subprocess.run(
        [str(shim), "ps", "--format", "{{.Names}} {{.Status}}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )  # the terminal's command starts a new daemon
    assert listed.stdout.startswith("kept Up ")
    assert running(sandbox_dir) is not None
    again = docker.DockerClient(base_url=f"unix://{socket_path(sandbox_dir)}", version="auto")
    assert [v.name for v in again.volumes.list()] == ["kept-data"]
    assert stop(sandbox_dir)


def test_one_daemon_per_folder(daemon: str, sandbox_dir: Path) -> None:
    second = subprocess.run(
        [sys.executable, "-m", "grader", "serve", "--folder", str(sandbox_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 1
    assert "a daemon already serves" in second.stderr
    assert daemon_answers(daemon)


def test_the_daemon_leaves_when_its_folder_goes(
    launch: Callable[..., subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    folder = tmp_path / "gone"
    process = launch(folder)
    import shutil

    shutil.rmtree(folder, ignore_errors=True)  # the daemon may be writing in it meanwhile
    assert process.wait(timeout=60) == 0


def test_the_thin_client_imports_only_built_in_modules() -> None:
    code = (
        "import sys; before = set(sys.modules); import grader.serve.client; "
        "print(' '.join(sorted(set(sys.modules) - before)))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", f"import sys; sys.path[1:1] = {sys.path!r}; {code}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert set(done.stdout.split()) <= {
        "grader",
        "grader.serve",
        "grader.serve.client",
        "_socket",
        "posix",
        "_signal",
        "time",
    }


def test_exec_it_in_a_terminal_through_the_thin_client(sandbox_dir: Path, tmp_path: Path) -> None:
    import pty

    shim = install_shim(tmp_path / "bin")
    env = _shim_env(sandbox_dir)
    subprocess.run([str(shim), "run", "-d", "--name", "s2", "nginx"], env=env, check=True)
    primary, secondary = pty.openpty()
    os.write(primary, b"echo typed-in-the-terminal\nexit 3\n")
    shell = subprocess.Popen(
        [str(shim), "exec", "-it", "s2", "sh"],
        env=env,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
    )
    os.close(secondary)
    assert shell.wait(timeout=60) == 3
    screen = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal's last reader left
            break
        if not chunk:
            break
        screen += chunk
    os.close(primary)
    assert b"# typed-in-the-terminal\r\n# " in screen  # the prompt, the echo's output


def test_a_command_sees_its_own_terminals_environment(sandbox_dir: Path, tmp_path: Path) -> None:
    """The worker takes the client's variables: one the daemon had is gone, one changed."""
    shim = install_shim(tmp_path / "bin")
    env = _shim_env(sandbox_dir)
    subprocess.run([str(shim), "ps"], env={**env, "GREETING": "daemon"}, check=True)
    line = ["run", "--rm", "-e", "GREETING", "busybox", "sh", "-c", "echo ${GREETING-unset}"]
    for value, shown in ((None, "unset"), ("changed", "changed")):
        extra = {"GREETING": value} if value else {}
        done = subprocess.run([str(shim), *line], env={**env, **extra}, capture_output=True)
        assert done.stdout.decode() == f"{shown}\n"
