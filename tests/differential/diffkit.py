"""Run one docker script on both sides (real CLI + daemon, sandbox) and normalise outputs.

A *case* is a list of docker command lines (tests/data/differential/cases.yaml). Each line
runs through (a) the real Docker 28 CLI against the real daemon, with the course label the
pass-through adds (as students run it; the sandbox labels its objects the same way), and
(b) the course's executor on a fresh sandbox. What may differ by nature is normalised,
and only that:

- object ids: a container's id becomes ``<c:NAME>``, an image's ``<i:TAG>`` (looked up
  on each side after every step), any other 12/64-hex id ``<id>``;
- times (RFC 3339, ``2 minutes ago``, ``Up 3 seconds``), sizes (``1.99MB``), bridge IPs
  (dockerd's default pools: 172.16-31.x and 192.168.x);
- table padding (column widths follow the normalised values);
- dockerd 20.10's wording, rewritten into Docker 28's by :mod:`wording` (one table).
"""

from __future__ import annotations

import io
import re
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from wording import to_docker28

from grader.dockercli.passthrough import find_real_docker, labelled_argv
from grader.engine.api import EngineAPI

SUBSTITUTION = re.compile(r"\$\((docker [^)]*)\)")
TIME_PATTERNS = [
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"), "<time>"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} \w+"), "<time>"),
    (
        re.compile(r"(\d+|About an?|Less than a) (second|minute|hour|day|week|month|year)s? ago"),
        "<ago>",
    ),
    (re.compile(r"Up (\d+|About an?|Less than a) (second|minute|hour|day|week)s?"), "Up <dur>"),
]
SIZE = re.compile(r"\b\d+(\.\d+)?\s?(B|kB|MB|GB|KiB|MiB|GiB)\b")
BRIDGE_IP = re.compile(r"\b(172\.(1[6-9]|2\d|3[01])|192\.168)\.\d+\.\d+\b")
"""Addresses of dockerd's default pools (a busy daemon's new networks get 192.168.x/20s)."""
HEX64 = re.compile(r"\b[0-9a-f]{64}\b")
HEX12 = re.compile(r"\b[0-9a-f]{12}\b")
PADDING = re.compile(r" {2,}")


@dataclass
class Outcome:
    """What one command line printed and returned on one side."""

    line: str
    stdout: str
    stderr: str
    code: int

    def normalised(self, ids: dict[str, str]) -> tuple[str, str, int]:
        """(stdout, stderr, code) with ids, times, sizes and 20.10 wording normalised."""
        return normalise(self.stdout, ids), normalise(self.stderr, ids), self.code


def normalise(text: str, ids: dict[str, str]) -> str:
    """Replace what legitimately differs between the two sides (see the module docstring)."""

    def known_id(match: re.Match[str]) -> str:
        value = match.group(0)
        for full, label in ids.items():
            if full.startswith(value):
                return label
        return "<id>"

    text = HEX64.sub(known_id, text)
    text = HEX12.sub(known_id, text)
    text = to_docker28(text)
    for pattern, replacement in TIME_PATTERNS:
        text = pattern.sub(replacement, text)
    text = SIZE.sub("<size>", text)
    text = BRIDGE_IP.sub("<ip>", text)
    lines = [PADDING.sub("  ", line).rstrip() for line in text.split("\n")]
    return "\n".join(lines)


LABEL_STEP = re.compile(
    r"Step (\d+)/\1 : LABEL course=docker-k8s\n(?:(?: ---> |Removing intermediate ).*\n)*"
)
STEP_TOTAL = re.compile(r"^Step (\d+)/(\d+) : ", re.M)


def without_label_step(text: str) -> str:
    """A classic build's output without the course label's step (wording.BEHAVIOUR
    "build-label-step"): the sandbox labels silently, so the real side drops the step and
    counts one step fewer."""
    if not LABEL_STEP.search(text):
        return text
    text = LABEL_STEP.sub("", text)
    return STEP_TOTAL.sub(lambda m: f"Step {m.group(1)}/{int(m.group(2)) - 1} : ", text)


def object_ids(engine: EngineAPI, prefix: str) -> dict[str, str]:
    """Full id -> ``<c:NAME>`` for this case's containers, ``<i:TAG>`` for every image."""
    ids: dict[str, str] = {}
    for container in engine.containers(all=True, filters={"name": prefix}):
        ids[container["Id"]] = "<c:" + container["Names"][0].lstrip("/") + ">"
    for image in engine.images():
        tags = sorted(tag for tag in image.get("RepoTags") or [] if tag != "<none>:<none>")
        ids[image["Id"].removeprefix("sha256:")] = f"<i:{tags[0] if tags else 'none'}>"
    return ids


@dataclass
class Side:
    """One way of running docker lines, with the engine used to look up object ids."""

    name: str
    engine: EngineAPI
    run_argv: Callable[[list[str]], Outcome]
    ids: dict[str, str] = field(default_factory=dict)

    def run(self, line: str, prefix: str) -> Outcome:
        """Run one line (``$(docker ...)`` substituted on the same side) and learn new ids."""

        def substitute(match: re.Match[str]) -> str:
            inner = self.run_argv(shlex.split(match.group(1))[1:])
            return " ".join(shlex.quote(word) for word in inner.stdout.split())

        expanded = SUBSTITUTION.sub(substitute, line)
        outcome = self.run_argv(shlex.split(expanded)[1:])
        outcome.line = line
        self.ids.update(object_ids(self.engine, prefix))
        return outcome


def real_side(engine: EngineAPI, cwd: Path) -> Side:
    """The real Docker 28 CLI on the real daemon, labelled as the course's pass-through does."""
    docker = find_real_docker()
    if docker is None:
        raise RuntimeError("no real docker CLI on PATH")

    def run_argv(argv: list[str]) -> Outcome:
        done = subprocess.run(
            [str(docker), *labelled_argv(argv)],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
            cwd=cwd,
            check=False,
        )
        # Bytes decoded as written: text mode's newline translation would turn the CLI's
        # "\r\r\n" (build context line) into a blank line the terminal never shows.
        stdout, stderr = (data.decode("utf-8", "replace") for data in (done.stdout, done.stderr))
        return Outcome(" ".join(argv), without_label_step(stdout), stderr, done.returncode)

    return Side("real", engine, run_argv)


def sandbox_side(engine: EngineAPI, cwd: Path) -> Side:
    """The course's executor on the sandbox engine."""
    from grader.dockercli import execute

    def run_argv(argv: list[str]) -> Outcome:
        out, err = io.StringIO(), io.StringIO()
        code = execute(argv, engine, stdout=out, stderr=err, timeout=20, cwd=str(cwd))
        return Outcome(" ".join(argv), out.getvalue(), err.getvalue(), code)

    return Side("sandbox", engine, run_argv)
