"""``docker save``, ``docker load`` and ``docker import``: images to and from tar archives.

As Docker 28's CLI: ``save`` writes the daemon's archive to ``-o FILE`` or to a standard
output that is not a terminal; ``load`` sends ``-i FILE`` or standard input (refused when
that is a terminal) and prints the daemon's "Loaded image: ..." lines; ``import`` sends a
file or standard input (``-``) with ``--change``/``--message`` and prints the new image's
ID. A URL source is fetched by the daemon, which the sandbox (offline) cannot do.
"""

from __future__ import annotations

import os
import sys

from grader.commands.model import Command
from grader.dockercli.exporting import refuse_terminal, write_archive
from grader.dockercli.session import CommandFailed, Session

EMPTY_STDIN = "requested load from stdin, but stdin is empty"


def save(cmd: Command, session: Session) -> int:
    """``docker save [-o FILE] IMAGE...``."""
    output = cmd.option("output")
    refuse_terminal(session, output)
    return write_archive(session, output, session.engine.save_images(list(cmd.args)))


def load(cmd: Command, session: Session) -> int:
    """``docker load [-i FILE] [-q]``."""
    source = cmd.option("input")
    if source:
        data = _read_file(session, str(source))
    else:
        if sys.stdin.isatty():
            raise CommandFailed(EMPTY_STDIN)
        data = _read_stdin()
    for item in session.engine.load_image(data, quiet=True):
        if item.get("error"):
            raise CommandFailed(str(item["error"]))
        session.out(str(item.get("stream", "")))
    return 0


def import_(cmd: Command, session: Session) -> int:
    """``docker import [-c CHANGE] [-m MESSAGE] FILE|URL|- [REPOSITORY[:TAG]]``."""
    source = cmd.args[0]
    if source.startswith(("http://", "https://")):
        raise CommandFailed(
            "docker import: importing from a URL needs the internet, which the course's "
            "sandbox does not have: download the file, then import it"
        )
    data = _read_stdin() if source == "-" else _read_file(session, source)
    result = session.engine.import_archive(
        data,
        repository=cmd.args[1] if len(cmd.args) > 1 else None,
        message=cmd.option("message") or None,
        changes=list(cmd.option("change") or []) or None,
    )
    session.out(f"{result.get('status', '')}\n")
    return 0


def _read_file(session: Session, name: str) -> bytes:
    path = os.path.join(session.cwd, name)
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise CommandFailed(f"open {name}: {(error.strerror or str(error)).lower()}") from None


def _read_stdin() -> bytes:
    binary = getattr(sys.stdin, "buffer", None)
    if binary is not None:
        return binary.read()
    return sys.stdin.read().encode("latin-1")
