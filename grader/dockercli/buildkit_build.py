"""``docker build`` with BuildKit (Docker 28's default builder) on either engine.

The engine builds (its classic stream), :mod:`grader.dockercli.buildkit` turns the stream into
BuildKit's vertices, and this module prints them as buildx does: progress on stderr, plain
text when stderr is not a terminal (a notebook cell), the terminal screen when it is, only
the image id on stdout with ``-q``; exit code 1 when the build fails.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

from grader.commands.model import Command
from grader.dockercli import buildkit
from grader.dockercli.session import CommandFailed, Session
from grader.dockerfile.instructions import Instruction
from grader.engine.errors import EngineError


def _facts(
    session: Session, context: str, dockerfile: Path, bases: list[str]
) -> buildkit.BuildFacts:
    """Sizes of what the build sends, and each base as BuildKit names it (with its digest)."""
    from grader.dockerfile.dockerignore import context_files

    size = 0
    for relative in context_files(Path(context)):
        path = os.path.join(context, relative)
        if not relative.endswith("/") and not os.path.islink(path):
            size += os.path.getsize(path)
    ignore = Path(context) / ".dockerignore"
    facts = buildkit.BuildFacts(
        dockerfile_name=dockerfile.name,
        dockerfile_size=dockerfile.stat().st_size,
        dockerignore_size=ignore.stat().st_size if ignore.is_file() else 0,
        context_size=size,
        bases={},
    )
    for base in bases:
        try:
            found = session.engine.inspect_image(base)
        except EngineError:
            facts.pulled.add(base)
            continue
        shown = buildkit.normalized(base)
        digests = found.get("RepoDigests") or []
        if digests and "@" not in shown:
            shown += "@" + digests[0].partition("@")[2]
        facts.bases[base] = shown
    return facts


def _bases(instructions: list[Instruction]) -> list[str]:
    """The images the FROM lines name, without earlier stages (``FROM build``) or scratch."""
    names: set[str] = set()
    bases = []
    for instruction in instructions:
        if instruction.keyword != "FROM":
            continue
        words = instruction.value.split()
        if words[0].lower() not in names and words[0].lower() != "scratch":
            bases.append(words[0])
        if len(words) >= 3 and words[1].lower() == "as":
            names.add(words[2].lower())
    return bases


def build_with_buildkit(
    cmd: Command, session: Session, context: str, options: dict[str, Any]
) -> int:
    """Build on the session's engine and print what buildx prints.

    Args:
        cmd: the parsed ``docker build``.
        session: where to build and print.
        context: the build context folder.
        options: the engine's build arguments (tag, dockerfile, nocache, buildargs, labels).
    """
    from grader.dockerfile.context import client_side_error, dockerfile_path
    from grader.dockerfile.instructions import DockerfileError, parse

    if not os.path.isdir(context):
        shown = cmd.args[0]
        raise CommandFailed(
            f'ERROR: failed to build: unable to prepare context: path "{shown}" not found'
        )
    target = dockerfile_path(context, options["dockerfile"])
    if not target.is_file():
        facts = buildkit.BuildFacts(target.name, 2, 0, 0, {})
        error = f"failed to read dockerfile: open {target.name}: no such file or directory"
        return _show(cmd, session, buildkit.refused(facts, error), None, time.monotonic())
    problem = client_side_error(context, options["dockerfile"])
    if problem:
        raise CommandFailed(f"ERROR: failed to build: {problem}")
    text = target.read_text(encoding="utf-8")
    tags = list(options["tag"] or [])
    started = time.monotonic()
    try:
        instructions = parse(text, target.name)
    except DockerfileError as error:
        message = str(error).replace("parse error line", "parse error on line")
        line = re.search(r"on line (\d+)", message)
        facts = _facts(session, context, target, [])
        report = buildkit.refused(facts, message, int(line.group(1)) if line else 0)
        return _show(cmd, session, report, (target.name, text), started)
    facts = _facts(session, context, target, _bases(instructions))
    try:
        # Docker 28's CLI asks for BuildKit (the Engine API's version=2); an engine that
        # can only build classically does so.
        stream = list(session.engine.build(context, **options, version="2"))
    except EngineError as error:
        report = buildkit.refused(facts, error.explanation)
        return _show(cmd, session, report, (target.name, text), started)
    report = buildkit.vertices(stream, instructions, facts, tags)
    return _show(cmd, session, report, (target.name, text), started)


def _show(
    cmd: Command,
    session: Session,
    report: buildkit.BuildReport,
    dockerfile: tuple[str, str] | None,
    started: float,
) -> int:
    """Print the build as ``--progress`` (or the terminal) asks; return the exit code."""
    progress = str(cmd.option("progress") or "auto")
    quiet = bool(cmd.option("quiet")) or progress == "quiet"
    if quiet:
        if report.error:
            session.err(buildkit.error_report(report, dockerfile, all_logs=False))
            return 1
        writing = [s.id for v in report.vertices for s in v.statuses if s.id.startswith("writing")]
        session.out(writing[-1].removeprefix("writing image ") + "\n" if writing else "")
        return 0
    terminal = progress == "tty" or (progress == "auto" and _is_terminal(session.stderr))
    if terminal:
        width = shutil.get_terminal_size((80, 24)).columns
        seconds = time.monotonic() - started
        session.err(buildkit.tty(report, dockerfile, width=width, seconds=seconds))
    else:
        session.err(buildkit.plain(report, dockerfile))
    return 1 if report.error else 0


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
