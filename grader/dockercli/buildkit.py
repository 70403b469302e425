"""``docker build`` as Docker 28 shows it with BuildKit (buildx, the default builder).

The engines stream the classic builder's items (``Step 2/5 : WORKDIR /app``,
`` ---> Using cache``, a RUN step's output, ``{"error": ...}``): that is what the Engine
API's ``POST /build`` returns on both backends. :func:`vertices` turns such a stream, with
the Dockerfile it came from, into BuildKit's vertices (``[internal] load build definition
from Dockerfile``, ``[2/4] COPY package.json .``, ``exporting to image``), and the two
printers write them as BuildKit's progress UI does (moby/buildkit
``util/progress/progressui``):

- :func:`plain` — ``printer.go``'s text mode, used when the output is not a terminal (a
  notebook cell, a pipe): ``#5 [2/4] COPY package.json .`` / ``#5 CACHED`` /
  ``#8 DONE 0.1s``, a blank line between vertices, ``#0 building with "default" instance
  using docker driver`` first;
- :func:`tty` — ``display.go``'s final screen in a terminal: ``[+] Building 1.2s (8/8)
  FINISHED`` and one `` => CACHED [2/4] ...  0.0s`` line per vertex.

A failed step then gets BuildKit's error report: the step's last log lines between
``------`` rules, the Dockerfile excerpt (``solver/errdefs/source.go``) and
``ERROR: failed to build: failed to solve: ...`` (buildx ``commands/build.go``).

Steps the Dockerfile does not have (the ``LABEL course=docker-k8s`` step a classic build
with ``--label`` adds) are not shown: BuildKit applies build labels without a step.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from grader.dockerfile.instructions import Instruction

LOGS_BUFFER = 10
"""Log lines of a failed step the plain printer repeats in its error box (logsBufferSize)."""

BUILDER_LINE = '#0 building with "default" instance using docker driver'
"""What the plain printer prints first (buildx's description of the default builder)."""

CONSOLE_DESC = "docker:default"
"""What the terminal screen prints at the right of its first line."""

VERTEX_STEPS = frozenset({"RUN", "COPY", "ADD", "WORKDIR"})
"""Instructions that are vertices of their own (dockerfile2llb counts them in [n/total])."""


@dataclass
class Status:
    """A finished sub-task of a vertex (``transferring dockerfile: 155B done``)."""

    id: str
    amount: str = ""
    """Bytes moved, as units.Bytes prints them (``155B``); empty when none."""
    seconds: float = 0.0

    def plain(self) -> str:
        """printer.go's line: id, bytes, the time when over 0.01 s, ``done``."""
        amount = f" {self.amount}" if self.amount else ""
        timing = f" {self.seconds:.1f}s" if self.seconds > 0.01 else ""
        return f"{self.id}{amount}{timing} done"


@dataclass
class Vertex:
    """One node of the build graph, as the progress UI shows it."""

    name: str
    statuses: list[Status] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)
    """The step's output lines, each prefixed with its time (``0.412 added 1 package``)."""
    cached: bool = False
    error: str = ""
    seconds: float = 0.0


@dataclass
class BuildReport:
    """What a build showed: its vertices and, when it failed, the error and where."""

    vertices: list[Vertex]
    error: str = ""
    """BuildKit's error chain after ``failed to solve:``; empty on success."""
    source_line: int = 0
    """The Dockerfile line of the failed instruction (0: none)."""


def size_text(size: int) -> str:
    """``%.2f`` of tonistiigi/units.Bytes: ``155B``, ``2.18kB``, ``69.00kB``."""
    if size < 1000:
        return f"{size}B"
    value, index = float(size), 0
    units = ("kB", "MB", "GB", "TB")
    while True:
        value /= 1000
        if value < 1000 or index == len(units) - 1:
            return f"{value:.2f}{units[index]}"
        index += 1


def normalized(ref: str) -> str:
    """An image reference as BuildKit names it: ``node:20`` -> ``docker.io/library/node:20``."""
    from grader import reference

    try:
        parsed = reference.parse_normalized_named(ref)
    except reference.ReferenceError:
        return ref
    if parsed.digest:
        return f"{parsed.name}@{parsed.digest}"
    return f"{parsed.name}:{parsed.tag_or_latest}"


@dataclass
class _Stage:
    base: str
    name: str
    total: int
    from_stage: bool
    index: int = 0


def _stages(instructions: list[Instruction]) -> list[_Stage]:
    stages: list[_Stage] = []
    names: set[str] = set()
    for instruction in instructions:
        if instruction.keyword == "FROM":
            words = instruction.value.split()
            alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else ""
            from_stage = words[0].lower() in names
            stages.append(_Stage(words[0], alias, 0 if from_stage else 1, from_stage))
            if alias:
                names.add(alias.lower())
        elif stages and instruction.keyword in VERTEX_STEPS:
            stages[-1].total += 1
    if len(stages) > 1:
        for number, stage in enumerate(stages):
            stage.name = stage.name or f"stage-{number}"
    return stages


def _prefix(stage: _Stage) -> str:
    """dockerfile2llb's ``prefixCommand``: ``[2/4] `` or ``[build 1/9] ``."""
    stage.index += 1
    width = int(1 + math.log10(stage.total))
    name = f"{stage.name} " if stage.name else ""
    return f"[{name}{stage.index:>{width}}/{stage.total}] "


def failed_process(instruction: Instruction, code: int) -> str:
    """BuildKit's text for a RUN that exited non-zero (solver/llbsolver/ops/exec.go)."""
    argv = instruction.command()
    return f"process {json.dumps(' '.join(argv))} did not complete successfully: exit code: {code}"


_NON_ZERO = re.compile(r"returned a non-zero code: (\d+)")
_COPY_MISSING = re.compile(r"(?:stat|lstat) ([^:]+): (?:file does not exist|no such file)")


def _buildkit_error(message: str, instruction: Instruction | None) -> str:
    """The BuildKit error (after ``failed to solve:``) for a classic builder's error."""
    code = _NON_ZERO.search(message)
    if code and instruction is not None:
        return failed_process(instruction, int(code.group(1)))
    missing = _COPY_MISSING.search(message)
    if missing and instruction is not None and instruction.keyword in {"COPY", "ADD"}:
        path = "/" + missing.group(1).strip().lstrip("./")
        return (
            "failed to compute cache key: failed to calculate checksum of ref "
            f"{_ref_id(instruction)}: {json.dumps(path)}: not found"
        )
    return message


def _ref_id(instruction: Instruction) -> str:
    """A stable stand-in for the cache ref ids BuildKit names (two 25-char ids)."""
    import hashlib

    digest = hashlib.sha256(instruction.original.encode()).hexdigest()
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    text = "".join(alphabet[int(digest[i : i + 2], 16) % 36] for i in range(0, 64, 2))
    return f"{text[:25]}::{text[7:32]}"


@dataclass
class BuildFacts:
    """What the CLI knows about a build besides the engine's stream."""

    dockerfile_name: str
    dockerfile_size: int
    dockerignore_size: int
    context_size: int
    bases: dict[str, str]
    """Base image as written -> the reference BuildKit shows (with @digest when known)."""
    pulled: set[str] = field(default_factory=set)
    """Bases the build had to pull."""


def refused(facts: BuildFacts, error: str, line: int = 0) -> BuildReport:
    """A build that ends after reading its Dockerfile (a parse error, a refusal)."""
    definition = Vertex(
        f"[internal] load build definition from {facts.dockerfile_name}",
        [Status("transferring dockerfile:", size_text(facts.dockerfile_size))],
    )
    return BuildReport([definition], error, line)


def vertices(
    items: Iterable[dict],
    instructions: list[Instruction],
    facts: BuildFacts,
    tags: list[str],
) -> BuildReport:
    """Read a classic build stream into BuildKit's vertices.

    Args:
        items: the engine's build stream.
        instructions: the Dockerfile's instructions (the stream's ``Step n/m`` follow them).
        facts: sizes and base references the CLI knows.
        tags: the ``-t`` names (``naming to ...`` lines).
    """
    import time

    stages = _stages(instructions)
    report = refused(facts, "")
    shown = report.vertices
    for stage in stages:
        if not stage.from_stage and stage.base.lower() != "scratch":
            name = f"[internal] load metadata for {normalized(stage.base)}"
            if all(v.name != name for v in shown):
                shown.append(Vertex(name, seconds=0.1 if stage.base in facts.pulled else 0.0))
    shown.append(
        Vertex(
            "[internal] load .dockerignore",
            [Status("transferring context:", size_text(facts.dockerignore_size or 2))],
        )
    )
    from_vertices: list[Vertex] = []
    for stage in stages:
        if stage.from_stage or stage.base.lower() == "scratch":
            continue
        ref = facts.bases.get(stage.base, normalized(stage.base))
        vertex = Vertex(_prefix(stage) + "FROM " + ref)
        if stage.base in facts.pulled:
            vertex.statuses.append(Status(f"resolve {ref}", seconds=0.02))
            vertex.seconds = 1.2
        from_vertices.append(vertex)
        shown.append(vertex)
    if any(i.keyword in {"COPY", "ADD"} and "from" not in i.flags for i in instructions):
        shown.append(
            Vertex(
                "[internal] load build context",
                [Status("transferring context:", size_text(facts.context_size))],
            )
        )
    for stage in stages:
        stage.index = 0 if stage.from_stage else 1
    step_vertex: Vertex | None = None
    current: Instruction | None = None
    stage_number = -1
    started = time.monotonic()
    image_id = ""
    built_any = False
    running = False  # inside a step's container: its output lines are the step's logs
    for item in items:
        if item.get("aux"):
            image_id = (item.get("aux") or {}).get("ID", image_id)
            continue
        if item.get("error") or item.get("errorDetail"):
            message = item.get("error") or (item.get("errorDetail") or {}).get("message", "")
            report.source_line = current.line if current is not None else 0
            if current is not None and current.keyword == "FROM":
                return _base_failed(report, current, message)
            report.error = _buildkit_error(message, current)
            if step_vertex is not None:
                step_vertex.error = report.error
            return report
        text = str(item.get("stream", ""))
        step = re.match(r"Step (\d+)/\d+ : ", text)
        if step:
            number = int(step.group(1))
            current = instructions[number - 1] if number <= len(instructions) else None
            step_vertex, running = None, False
            if current is None:
                continue
            if current.keyword == "FROM":
                stage_number += 1
                continue
            if current.keyword in VERTEX_STEPS:
                stage = stages[stage_number]
                step_vertex = Vertex(_prefix(stage) + _display(current))
                shown.append(step_vertex)
                started = time.monotonic()
            continue
        if step_vertex is None:
            continue
        stripped = text.strip()
        if stripped == "---> Using cache":
            step_vertex.cached = True
        elif stripped.startswith("---> Running in"):
            running = True
        elif stripped.startswith("Removing interm"):
            continue
        elif stripped.startswith("---> "):
            step_vertex.seconds = time.monotonic() - started
            built_any = built_any or not step_vertex.cached
            step_vertex, running = None, False
        elif text and running:
            # the step's own output, blank lines included (npm starts with one)
            for line in text.removesuffix("\n").split("\n"):
                elapsed = time.monotonic() - started
                step_vertex.logs.append(f"{_timestamp(elapsed)} {line}")
    if not built_any:
        # A rebuild that changed nothing shows its bases as cached too.
        for vertex in from_vertices:
            vertex.cached = not vertex.statuses
    export = Vertex("exporting to image", seconds=0.1 if built_any else 0.0)
    export.statuses.append(Status("exporting layers", seconds=0.1 if built_any else 0.0))
    if image_id:
        export.statuses.append(Status(f"writing image {image_id}"))
    export.statuses += [Status(f"naming to {normalized(tag)}") for tag in tags]
    shown.append(export)
    return report


def _base_failed(report: BuildReport, instruction: Instruction, message: str) -> BuildReport:
    """A base image that cannot be found fails its ``load metadata`` vertex, first."""
    base = instruction.value.split()[0]
    name = f"[internal] load metadata for {normalized(base)}"
    missing = "manifest unknown" in message  # the repository exists, the tag does not
    reason = f"{normalized(base)}: not found" if missing else _ACCESS_DENIED
    keep = []
    for vertex in report.vertices:
        keep.append(vertex)
        if vertex.name == name:
            vertex.error = reason
            break
    report.vertices[:] = keep
    report.error = f"{base}: failed to resolve source metadata for {normalized(base)}: {reason}"
    return report


_ACCESS_DENIED = (
    "pull access denied, repository does not exist or may require authorization: "
    "server message: insufficient_scope: authorization failed"
)
"""What Docker Hub answers BuildKit for a repository that does not exist."""


def _display(instruction: Instruction) -> str:
    """A step's vertex name: the instruction as written, keyword upper-case."""
    keyword, _, rest = instruction.original.partition(" ")
    return f"{keyword.upper()} {' '.join(rest.split())}".strip()


def _timestamp(seconds: float) -> str:
    """A log line's time: 3 decimals under 10 s, 2 under 100 s, else 1."""
    precision = 3 if seconds < 10 else 2 if seconds < 100 else 1
    return f"{seconds:.{precision}f}"


def plain(report: BuildReport, dockerfile: tuple[str, str] | None = None) -> str:
    """The build as ``--progress=plain`` prints it (stderr).

    Args:
        report: the build's vertices and error.
        dockerfile: (name, text) of the Dockerfile, for the excerpt under an error.
    """
    out = [BUILDER_LINE, ""]
    for number, vertex in enumerate(report.vertices, start=1):
        if number > 1:
            out.append("")
        out.append(f"#{number} {vertex.name}")
        out += [f"#{number} {status.plain()}" for status in vertex.statuses]
        out += [f"#{number} {line}" for line in vertex.logs]
        if vertex.error:
            out.append(f"#{number} ERROR: {vertex.error}")
        elif vertex.cached:
            out.append(f"#{number} CACHED")
        else:
            out.append(f"#{number} DONE {vertex.seconds:.1f}s")
    text = "\n".join(out) + "\n"
    return text + error_report(report, dockerfile, all_logs=False)


def tty(
    report: BuildReport,
    dockerfile: tuple[str, str] | None = None,
    width: int = 80,
    seconds: float = 0.0,
) -> str:
    """The build's last screen in a terminal (``--progress=tty``), then any error report.

    Args:
        report: the build's vertices and error.
        dockerfile: (name, text) of the Dockerfile, for the excerpt under an error.
        width: the terminal's width.
        seconds: how long the build took.
    """
    count = len(report.vertices)
    head = f"[+] Building {seconds:.1f}s ({count}/{count}) FINISHED"
    lines = [_align(head, CONSOLE_DESC, width - 1)]
    for vertex in report.vertices:
        name = vertex.name
        if vertex.error:
            name = "ERROR " + name
        if vertex.cached:
            name = "CACHED " + name
        lines.append(_job(name, vertex.seconds, width))
        for status in vertex.statuses:
            shown = f"=> {status.id} {status.amount}".rstrip()
            lines.append(_job(shown, status.seconds, width))
    text = "\n".join(lines) + "\n"
    return text + error_report(report, dockerfile, all_logs=True)


def _job(name: str, seconds: float, width: int) -> str:
    prefix = " => "
    timer = f" {0.0 if seconds < 0.05 else seconds:3.1f}s"
    left = width - len(prefix) - len(timer) - 1
    return _align(prefix + name[: max(left, 0)], timer.strip(), width)


def _align(left: str, right: str, width: int) -> str:
    """display.go's ``align``: ``left`` padded so that ``right`` ends the line."""
    return f"{left:<{width - len(right) - 1}} {right}"


def error_report(report: BuildReport, dockerfile: tuple[str, str] | None, *, all_logs: bool) -> str:
    """What follows a failed build: the step's logs, the Dockerfile excerpt, the error."""
    if not report.error:
        return ""
    out: list[str] = []
    for vertex in report.vertices:
        if vertex.error:
            out += ["------", f" > {vertex.name}:"]
            out += vertex.logs if all_logs else vertex.logs[-LOGS_BUFFER:]
            out.append("------")
    if dockerfile is not None and report.source_line:
        out += source_excerpt(dockerfile[0], dockerfile[1], report.source_line)
    out.append(f"ERROR: failed to build: failed to solve: {report.error}")
    return "\n".join(out) + "\n"


def source_excerpt(name: str, text: str, line: int) -> list[str]:
    """``errdefs.Source.Print``: the failed line between its neighbours, marked ``>>>``."""
    lines = text.split("\n")
    if line < 1 or line > len(lines):
        return []
    start = end = line
    padded = 0
    while padded < 4:
        if start > 1:
            start -= 1
            padded += 1
        if end != len(lines):
            end += 1
            padded += 1
        padded += 1
    out = [f"{name}:{line}", "-" * 20]
    for number in range(start, end + 1):
        marker = ">>>" if number == line else "   "
        out.append(f" {number:>3} | {marker} {lines[number - 1]}")
    out.append("-" * 20)
    return out
