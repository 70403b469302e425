"""``docker cp``: copy files between a container and the host through tar archives."""

from __future__ import annotations

import io
import os
import tarfile

from grader.commands.model import Command
from grader.dockercli.session import CommandFailed, Session
from grader.engine.errors import EngineError
from grader.render import units


def _split(arg: str) -> tuple[str | None, str]:
    if ":" in arg and not arg.startswith((".", "/")):
        container, _, path = arg.partition(":")
        return container, path
    return None, arg


def cp(cmd: Command, session: Session) -> int:
    """``docker cp CONTAINER:SRC DEST`` or ``docker cp SRC CONTAINER:DEST``."""
    (src_box, src), (dst_box, dst) = _split(cmd.args[0]), _split(cmd.args[1])
    if (src_box is None) == (dst_box is None):
        raise CommandFailed(
            "copying between containers is not supported"
            if src_box
            else "must specify at least one container source"
        )
    # Docker reports "Successfully copied ..." only to a terminal (or never with -q).
    quiet = bool(cmd.option("quiet")) or not _is_terminal(session)
    if src_box is not None:
        copied = _from_container(session, src_box, src, dst)
        where = dst
    else:
        assert dst_box is not None
        copied = _to_container(session, src, dst_box, dst)
        where = f"{dst_box}:{dst}"
    if not quiet:
        session.err(f"Successfully copied {units.human_size(copied, 3)} to {where}\n")
    return 0


def _is_terminal(session: Session) -> bool:
    isatty = getattr(session.stdout, "isatty", None)
    return bool(isatty and isatty())


def _from_container(session: Session, container: str, src: str, dst: str) -> int:
    """Extract ``src`` from the container to ``dst``; return the tar stream's size."""
    data, _ = session.engine.get_archive(container, src)
    target = os.path.join(session.cwd, dst)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        members = archive.getmembers()
        if os.path.isdir(target):
            archive.extractall(target, filter="tar")
        else:
            root = members[0].name.split("/")[0] if members else ""
            for member in members:
                member.name = os.path.basename(target) + member.name[len(root) :]
            archive.extractall(os.path.dirname(target) or ".", filter="tar")
    return len(data)


def _stat(session: Session, container: str, path: str) -> dict | None:
    """The container path's stat, or None when it does not exist."""
    try:
        return session.engine.get_archive(container, path)[1]
    except EngineError:
        return None


def _to_container(session: Session, src: str, container: str, dst: str) -> int:
    """Send ``src`` into the container at ``dst``; return the tar stream's size."""
    source = os.path.join(session.cwd, src)
    if not os.path.exists(source):
        raise CommandFailed(f"lstat {source}: no such file or directory")
    stat = _stat(session, container, dst)
    if stat is None and dst.endswith("/"):
        raise CommandFailed("no such directory")
    if stat is not None and int(stat.get("mode", 0)) & (1 << 31):  # Go's os.ModeDir
        folder, name = dst, os.path.basename(os.path.normpath(source))
    else:
        folder, name = os.path.dirname(dst.rstrip("/")) or "/", os.path.basename(dst.rstrip("/"))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        archive.add(source, arcname=name)
    session.engine.put_archive(container, folder, buffer.getvalue())
    return len(buffer.getvalue())
