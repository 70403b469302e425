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
    if src_box is not None:
        return _from_container(session, src_box, src, dst)
    assert dst_box is not None
    return _to_container(session, src, dst_box, dst)


def _from_container(session: Session, container: str, src: str, dst: str) -> int:
    data, _ = session.engine.get_archive(container, src)
    target = os.path.join(session.cwd, dst)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        members = archive.getmembers()
        copied = sum(m.size for m in members)
        if os.path.isdir(target):
            archive.extractall(target, filter="data")
        else:
            root = members[0].name.split("/")[0] if members else ""
            for member in members:
                member.name = os.path.basename(target) + member.name[len(root) :]
            archive.extractall(os.path.dirname(target) or ".", filter="data")
    session.err(f"Successfully copied {units.human_size(copied)} to {dst}\n")
    return 0


def _is_dir(session: Session, container: str, path: str) -> bool:
    try:
        _, stat = session.engine.get_archive(container, path)
    except EngineError:  # a missing destination means "copy as this name"
        return False
    return bool(int(stat.get("mode", 0)) & (1 << 31))


def _to_container(session: Session, src: str, container: str, dst: str) -> int:
    source = os.path.join(session.cwd, src)
    if not os.path.exists(source):
        raise CommandFailed(f"lstat {source}: no such file or directory")
    if _is_dir(session, container, dst):
        folder, name = dst, os.path.basename(os.path.normpath(source))
    else:
        folder, name = os.path.dirname(dst.rstrip("/")) or "/", os.path.basename(dst.rstrip("/"))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        archive.add(source, arcname=name)
        copied = sum(m.size for m in archive.getmembers())
    session.engine.put_archive(container, folder, buffer.getvalue())
    session.err(f"Successfully copied {units.human_size(copied)} to {container}:{dst}\n")
    return 0
