"""Docker's own CLI (Docker 28) against the sandbox daemon prints what the course prints.

The notes' "Docker Commands" session (``tests/dockercli/test_notes_session.py``) runs
through ``/usr/local/bin/docker`` with ``DOCKER_HOST`` on the daemon's socket, in bash,
and must give the transcript the course's own renderer gives
(``tests/data/dockercli/notes_session.txt``). One line differs by nature: ``logs -f``
follows until stopped; the real CLI is killed after a second (a client gone mid-stream,
which the daemon must survive) and its line gets the note the course prints then. And the
CLI orders the rows of one image's several tags differently from run to run, so the rows
of ``docker images`` tables are compared as sets.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import urllib.request
from pathlib import Path

import pytest
from ports import unused_ports

DOCKER = Path("/usr/local/bin/docker")
pytestmark = pytest.mark.skipif(not DOCKER.exists(), reason="the Docker 28 CLI is not installed")

_spec = importlib.util.spec_from_file_location(
    "notes_session", Path(__file__).parents[1] / "dockercli" / "test_notes_session.py"
)
assert _spec is not None and _spec.loader is not None
notes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(notes)

FOLLOW_NOTE = "(stopped following after 1s; the container keeps running)\n"


def run_line(line: str, env: dict[str, str], cwd: Path) -> tuple[str, int | None]:
    """One line in bash with the real CLI: (stdout + stderr, exit code or None if stopped)."""
    try:
        done = subprocess.run(
            ["bash", "-c", line],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=1.0 if " -f " in line else 60,
        )
    except subprocess.TimeoutExpired as stopped:
        return str(stopped.output or ""), None
    return done.stdout, done.returncode


@pytest.mark.slow
def test_notes_session_through_the_docker_cli(daemon: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>Hello from my website</h1>\n")
    ports = unused_ports(2)
    env = {
        "HOME": str(tmp_path),
        "PATH": f"{DOCKER.parent}:/usr/bin:/bin",
        "DOCKER_HOST": daemon,
        "DOCKER_CONFIG": str(tmp_path / ".docker"),
        "LC_ALL": "C",
    }
    transcript = []
    for line in notes.SESSION:
        line = line.replace("{P1}", str(ports[0])).replace("{P2}", str(ports[1]))
        transcript.append(f"$ {line}\n")
        if line.startswith("export "):
            value, _ = run_line(f'{line}; printf %s "$FORMAT"', env, site)
            env["FORMAT"] = value
            continue
        output, code = run_line(line, env, site)
        transcript.append(output)
        if code is None:
            assert output == ""
            transcript.append(FOLLOW_NOTE)
        elif code:
            transcript.append(f"[exit {code}]\n")
        if line.startswith("docker start website"):
            with urllib.request.urlopen(f"http://127.0.0.1:{ports[1]}/", timeout=5) as reply:
                assert reply.read() == b"<h1>Hello from my website</h1>\n"
    got = notes.normalise("".join(transcript), site, ports)
    assert image_rows_sorted(got) == image_rows_sorted(notes.GOLDEN.read_text())


def image_rows_sorted(transcript: str) -> str:
    """The transcript with the rows of each ``docker images`` table in sorted order."""
    blocks = transcript.split("\n$ ")
    for index, block in enumerate(blocks):
        command, _, output = block.partition("\n")
        if command.lstrip("$ ") in ("docker images", "docker image ls"):
            header, _, rows = output.partition("\n")
            blocks[index] = "\n".join([command, header, *sorted(rows.splitlines())]) + "\n"
    return "\n$ ".join(blocks)


def test_run_attach_exit_code_and_streams(daemon: str, tmp_path: Path) -> None:
    env = dict(os.environ, DOCKER_HOST=daemon, DOCKER_CONFIG=str(tmp_path / ".docker"))
    done = subprocess.run(
        [str(DOCKER), "run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 4"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout, done.stderr) == (4, "out\n", "err\n")
    listed = subprocess.run(
        [str(DOCKER), "ps", "-a", "--format", "{{.Names}}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.stdout == ""  # --rm removed it


def test_attach_refusals_through_the_docker_cli(daemon: str, tmp_path: Path) -> None:
    """The CLI posts ``wait`` first (answered at once for a stopped container, 404 for a
    missing one, which it reads only at the end), then looks: the look-up's words win."""
    env = dict(os.environ, DOCKER_HOST=daemon, DOCKER_CONFIG=str(tmp_path / ".docker"))

    def docker(*argv: str) -> tuple[int, str, str]:
        done = subprocess.run(
            [str(DOCKER), *argv], env=env, capture_output=True, text=True, timeout=60
        )
        return done.returncode, done.stdout, done.stderr

    assert docker("create", "--name", "idle", "busybox")[0] == 0
    assert docker("attach", "idle") == (
        1,
        "",
        "You cannot attach to a stopped container, start it first\n",
    )
    assert docker("attach", "nope") == (
        1,
        "",
        "Error response from daemon: No such container: nope\n",
    )


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["exec", "-it", "web", "sh"], 5),
        (["run", "-it", "--rm", "busybox", "sh"], 137),  # the shell ends; the container is stopped
    ],
)
def test_a_terminal_shell_through_the_docker_cli(
    daemon: str, tmp_path: Path, argv: list[str], code: int
) -> None:
    import pty

    env = dict(os.environ, DOCKER_HOST=daemon, DOCKER_CONFIG=str(tmp_path / ".docker"))
    subprocess.run(
        [str(DOCKER), "run", "-d", "--name", "web", "nginx"], env=env, check=True, timeout=60
    )
    primary, secondary = pty.openpty()
    shell = subprocess.Popen(
        [str(DOCKER), *argv], stdin=secondary, stdout=secondary, stderr=secondary, env=env
    )
    os.close(secondary)
    screen = b""
    while b"# " not in screen:  # the prompt: the CLI has put the terminal in raw mode
        screen += os.read(primary, 4096)
    os.write(primary, b"echo typed\r")
    while b"typed\r\n# " not in screen:
        screen += os.read(primary, 4096)
    os.write(primary, b"exit 5\r")
    assert shell.wait(timeout=60) == code
    os.close(primary)
    assert b"# echo typed\r\ntyped\r\n# " in screen
