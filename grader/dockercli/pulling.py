"""``docker pull``, and the pull ``run`` does for a missing image.

Progress lines are printed as the CLI prints them when its output is not a terminal
(``jsonmessage`` non-TTY display).

Each progress item becomes ``<id>: <status>`` (or ``<status>``); items that only move a
progress bar are skipped, as Docker skips them off a terminal.
"""

from __future__ import annotations

from typing import Any, TextIO

from grader import reference
from grader.commands.model import Command
from grader.dockercli.session import CommandFailed, Session


def display(item: dict[str, Any], out: TextIO) -> None:
    """Write one progress item like ``JSONMessage.Display`` with ``isTerminal=false``."""
    if item.get("error") or item.get("errorDetail"):
        message = item.get("error") or (item.get("errorDetail") or {}).get("message", "")
        raise CommandFailed(message)
    progress = item.get("progressDetail") or {}
    if item.get("progress") or progress.get("current") or progress.get("total"):
        return
    text = ""
    if item.get("id"):
        text += f"{item['id']}: "
    if item.get("from"):
        text += f"(from {item['from']}) "
    if item.get("stream"):
        text += item["stream"]
    else:
        text += f"{item.get('status', '')}\n"
    out.write(text)


def _parts(image: str) -> tuple[str, str | None, reference.ImageReference | None]:
    try:
        ref = reference.parse_normalized_named(image)
    except reference.ReferenceError:
        return image, None, None
    tag = ref.digest or ref.tag_or_latest
    return ref.familiar_name, tag, ref


def pull_image(
    session: Session,
    image: str,
    *,
    to_stderr: bool,
    quiet: bool = False,
    platform: str | None = None,
) -> str:
    """Pull ``image`` (for ``platform``) through the engine, showing progress.

    Returns:
        The full reference pulled.
    """
    repository, tag, ref = _parts(image)
    out = session.stderr if to_stderr else session.stdout
    for item in session.engine.pull(repository, tag=tag, platform=platform):
        if not quiet:
            display(item, out)
        elif item.get("error"):
            raise CommandFailed(item["error"])
    if ref is None:
        return image
    return f"{ref.name}@{ref.digest}" if ref.digest else f"{ref.name}:{ref.tag_or_latest}"


def pull(cmd: Command, session: Session) -> int:
    """``docker pull [-q] NAME[:TAG]``."""
    image = cmd.args[0]
    quiet = bool(cmd.option("quiet"))
    _, _, ref = _parts(image)
    if ref is not None and not ref.tag and not ref.digest and not quiet:
        session.out("Using default tag: latest\n")
    platform = cmd.option("platform") or None  # sent as typed, as the CLI does
    session.out(pull_image(session, image, to_stderr=False, quiet=quiet, platform=platform) + "\n")
    return 0
