"""The notes' whole "Docker Commands" section, typed top to bottom, on the sandbox engine.

A regression golden: the transcript (each command, what it printed, its exit code when
not 0) must match ``tests/data/dockercli/notes_session.sandbox-golden.txt``, which is the
sandbox's *own* earlier output (ids, times and the temporary folder normalised), so this
test catches a change, not a difference from Docker. Parity with Docker is checked
elsewhere, against the real Docker 28 CLI and a real daemon: ``tests/differential`` (the
``notes-*`` cases of ``tests/data/differential/cases.yaml`` run these commands on both).
The page nginx serves must be the one mounted read-only. To re-record after a deliberate
change: ``COURSE_REGOLD=1 .venv/bin/pytest tests/dockercli/test_notes_session.py``, and
review the diff against what Docker prints.
"""

from __future__ import annotations

import io
import os
import re
import urllib.request
from pathlib import Path

import pytest
from ports import unused_ports

from grader.dockercli import run_script
from grader.engine import get_engine

GOLDEN = (
    Path(__file__).resolve().parents[1] / "data" / "dockercli" / "notes_session.sandbox-golden.txt"
)

NOTES_FORMAT = (
    "ID\\t{{.ID}}\\nNAME\\t{{.Names}}\\nImage\\t{{.Image}}\\nPORTS\\t{{.Ports}}\\n"
    "COMMAND\\t{{.Command}}\\nCREATED\\t{{.CreatedAt}}\\nSTATUS\\t{{.Status}}\\n"
)

SESSION = [
    "docker pull nginx",
    "docker images",
    "docker image ls",
    "docker ps",
    "docker run -d --name website -p {P1}:80 -p {P2}:80 -v $(pwd):/usr/share/nginx/html:ro "
    "nginx:latest",
    "docker ps",
    "docker ps -a",
    f'docker ps --format="{NOTES_FORMAT}"',
    f'export FORMAT="{NOTES_FORMAT}"',
    "docker ps --format=$FORMAT",
    "docker run -d --name website-copy --volumes-from website nginx",
    "docker ps -aq",
    "docker exec website-copy cat /usr/share/nginx/html/index.html",
    "docker exec -it website bash",
    "docker exec website touch /usr/share/nginx/html/new.txt",
    "docker stop website",
    "docker ps -a",
    "docker start website",
    "docker rm website",
    "docker tag nginx:latest website:latest",
    "docker tag website:latest website:1.0.0",
    "docker images",
    "docker inspect --format '{{.Name}} {{.State.Running}} {{json .HostConfig.Binds}}' website",
    "docker inspect --format '{{json .HostConfig.PortBindings}}' website",
    "docker logs --since 42m --tail 1 website",
    "docker logs --until 2021-08-02T13:23:38 website",
    "docker logs --since 1h30x website",
    "docker logs -f --tail 0 website",
    "docker rm -f website",
    "docker rm $(docker ps -aq)",
    "docker ps -a",
    "docker rmi website:1.0.0",
    "docker rmi website",
    "docker images",
]


def normalise(text: str, site: Path, ports: list[int]) -> str:
    """Replace what differs between runs, then collapse table padding."""
    text = text.replace(str(site), "<SITE>")
    for port, shown in zip(ports, ("8080", "8081"), strict=True):
        text = re.sub(rf"\b{port}\b", shown, text)
    text = re.sub(r"\b[0-9a-f]{64}\b", "<ID>", text)
    text = re.sub(r"(?<![0-9a-f:])[0-9a-f]{12}\b(?!:)", "<id>", text)
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} \w+", "<TIME>", text)
    text = re.sub(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d", "<TIME>", text)
    text = re.sub(r"\[\d\d/\w+/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\]", "[<TIME>]", text)
    ago = (
        r"(Less than a second|About a minute|\d+ (seconds?|minutes|hours|days|weeks|months|years))"
    )
    text = re.sub(rf"\b{ago}\b", "<DURATION>", text)
    text = re.sub(r"process \d+", "process <PID>", text)
    text = re.sub(r"Python-urllib/[\d.]+", "Python-urllib", text)
    return "\n".join(re.sub(r" {2,}", "  ", line).rstrip() for line in text.split("\n"))


@pytest.mark.slow
def test_notes_session_matches_the_sandbox_regression_golden(
    sandbox_dir: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>Hello from my website</h1>\n")
    ports = unused_ports(2)
    engine = get_engine("sandbox")
    env = {"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "")}
    transcript = io.StringIO()
    for line in SESSION:
        line = line.replace("{P1}", str(ports[0])).replace("{P2}", str(ports[1]))
        transcript.write(f"$ {line}\n")
        code = run_script(
            line,
            engine=engine,
            stdout=transcript,
            stderr=transcript,
            env=env,
            cwd=str(site),
            timeout=1.0,
        )
        if code:
            transcript.write(f"[exit {code}]\n")
        if line.startswith("docker start website"):
            with urllib.request.urlopen(f"http://127.0.0.1:{ports[1]}/", timeout=5) as reply:
                assert reply.read() == b"<h1>Hello from my website</h1>\n"
    got = normalise(transcript.getvalue(), site, ports)
    if os.environ.get("COURSE_REGOLD"):
        GOLDEN.write_text(got)
    assert got == GOLDEN.read_text()
