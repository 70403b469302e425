"""``docker export``: a container's filesystem as a tar archive, as dockerd streams it.

The archive is the container's root as the engine's archive call gives it, with member
names relative to ``/`` (``bin/busybox``, ``etc/hostname``) as in dockerd's export. The
CLI writes it to ``-o FILE`` or to a standard output that is not a terminal.
"""

from __future__ import annotations

import io
import os
import tarfile

from grader.commands.model import Command
from grader.dockercli.session import CommandFailed, Session
from grader.engine.api import EngineAPI

TERMINAL = "cowardly refusing to save to a terminal. Use the -o flag or redirect"


def export_archive(engine: EngineAPI, container: str) -> bytes:
    """The container's files as dockerd's export tar."""
    data, _ = engine.get_archive(container, "/")
    out = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(data)) as source,
        tarfile.open(fileobj=out, mode="w") as target,
    ):
        for member in source:
            name = member.name.lstrip("/")
            if name in ("", "."):
                continue
            member.name = name
            target.addfile(member, source.extractfile(member) if member.isfile() else None)
    return out.getvalue()


def export(cmd: Command, session: Session) -> int:
    """``docker export [-o FILE] CONTAINER``."""
    output = cmd.option("output")
    refuse_terminal(session, output)
    return write_archive(session, output, export_archive(session.engine, cmd.args[0]))


def refuse_terminal(session: Session, output: object) -> None:
    """The CLI's refusal to write an archive to a terminal when no ``-o`` names a file."""
    isatty = getattr(session.stdout, "isatty", None)
    if not output and isatty is not None and isatty():
        raise CommandFailed(TERMINAL)


def write_archive(session: Session, output: object, data: bytes) -> int:
    """Write an archive to ``-o FILE`` (relative to the session's folder) or to stdout."""
    if output:
        with open(os.path.join(session.cwd, str(output)), "wb") as handle:
            handle.write(data)
        return 0
    binary = getattr(session.stdout, "buffer", None)
    if binary is None:
        session.out(data.decode("latin-1"))
        return 0
    session.stdout.flush()
    binary.write(data)
    binary.flush()
    return 0
