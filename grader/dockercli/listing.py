"""The list commands: ``ps``, ``images``, ``volume ls``, ``network ls``, ``history``.

Each asks the engine for the list JSON and hands it to :mod:`grader.render` with the format
Docker would pick (``--format``, ``-q``, ``--no-trunc``, ``--digests``, ``-s``).
"""

from __future__ import annotations

import re
from typing import Any

from grader.commands.model import Command
from grader.dockercli.session import CommandFailed, Session, image_path_name
from grader.render.contexts import (
    ContainerContext,
    HistoryContext,
    ImageContext,
    NetworkContext,
    VolumeContext,
    image_rows,
)
from grader.render.formatter import FormatError, render
from grader.render.gotemplate import TemplateError, parse

_SIZE_FIELD = re.compile(r"\.Size\b")


def filters(cmd: Command) -> dict[str, list[str]]:
    """``--filter key=value`` options as the Engine API's filter map.

    As the CLI's ``FilterOpt``: an empty ``--filter ""`` adds nothing, and the name and
    value lose their surrounding spaces.
    """
    result: dict[str, list[str]] = {}
    for item in cmd.option("filter", []):
        if not item:
            continue
        key, _, value = item.partition("=")
        result.setdefault(key.strip().lower(), []).append(value.strip())
    return result


def natural_key(name: str) -> list[Any]:
    """sortorder.NaturalLess: digit runs compare as numbers ("v2" before "v10")."""
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.findall(r"\d+|\D+", name)
    ]


def _write(session: Session, fmt: str, rows: list[Any], header: dict[str, str]) -> None:
    try:
        session.out(render(fmt, rows, header))
    except FormatError as error:
        raise CommandFailed(str(error)) from None


def ps(cmd: Command, session: Session) -> int:
    """``docker ps`` / ``docker container ls``."""
    source = cmd.option("format", "") or "table"
    quiet = bool(cmd.option("quiet"))
    size = bool(cmd.option("size"))
    if cmd.option("format"):
        try:
            parse(source).execute(ContainerContext({}))
        except TemplateError as error:
            stage = "parse" if "executing" not in str(error) else "execute"
            raise CommandFailed(f"failed to {stage} template: {error}") from None
        if not quiet and "size" not in cmd.options and _SIZE_FIELD.search(source):
            size = True
    last = cmd.option("last", -1)
    if cmd.option("latest") and last == -1:
        last = 1
    containers = session.engine.containers(
        all=bool(cmd.option("all")) or last > 0, limit=last, size=size, filters=filters(cmd)
    )
    trunc = not cmd.option("no-trunc")
    rows = [ContainerContext(c, trunc) for c in containers]
    _write(session, ContainerContext.format_for(source, quiet, size), rows, ContainerContext.HEADER)
    return 0


def images(cmd: Command, session: Session) -> int:
    """``docker images`` / ``docker image ls``."""
    found = session.engine.images(
        name=cmd.args[0] if cmd.args else None, all=bool(cmd.option("all")), filters=filters(cmd)
    )
    fmt = ImageContext.format_for(
        cmd.option("format", "") or "table", bool(cmd.option("quiet")), bool(cmd.option("digests"))
    )
    digests = bool(cmd.option("digests")) or "{{.Digest}}" in fmt
    rows = image_rows(
        [i for i in found if isinstance(i, dict)],
        trunc=not cmd.option("no-trunc"),
        digests=digests,
    )
    _write(session, fmt, rows, ImageContext.HEADER)
    return 0


def volumes(cmd: Command, session: Session) -> int:
    """``docker volume ls``."""
    listing = session.engine.volumes(filters=filters(cmd) or None) or {}
    rows = sorted(
        (VolumeContext(v) for v in listing.get("Volumes") or []),
        key=lambda r: natural_key(r.Name()),
    )
    fmt = VolumeContext.format_for(cmd.option("format", "") or "table", bool(cmd.option("quiet")))
    _write(session, fmt, rows, VolumeContext.HEADER)
    return 0


def networks(cmd: Command, session: Session) -> int:
    """``docker network ls``."""
    found = session.engine.networks(filters=filters(cmd) or None)
    rows = sorted(
        (NetworkContext(n, not cmd.option("no-trunc")) for n in found),
        key=lambda r: natural_key(r.Name()),
    )
    fmt = NetworkContext.format_for(cmd.option("format", "") or "table", bool(cmd.option("quiet")))
    _write(session, fmt, rows, NetworkContext.HEADER)
    return 0


def history(cmd: Command, session: Session) -> int:
    """``docker history IMAGE``."""
    human = cmd.option("human", True)
    layers = session.engine.history(image_path_name(cmd.args[0]))
    rows = [HistoryContext(h, not cmd.option("no-trunc"), human) for h in layers]
    fmt = HistoryContext.format_for(
        cmd.option("format", "") or "table", bool(cmd.option("quiet")), human
    )
    _write(session, fmt, rows, HistoryContext.HEADER)
    return 0
