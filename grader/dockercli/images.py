"""Image commands besides listing and pulling: rmi, tag, push, build, image prune."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from grader import reference
from grader.commands.model import Command
from grader.dockercli.listing import filters
from grader.dockercli.pulling import display
from grader.dockercli.session import (
    CommandFailed,
    Session,
    daemon_text,
    image_path_name,
    read_stdin,
)
from grader.engine.errors import EngineError
from grader.engine.safety import refuse_unsafe_build
from grader.render import units


def rmi(cmd: Command, session: Session) -> int:
    """``docker rmi IMAGE...``: "Untagged: ..." and "Deleted: ..." lines."""
    failures = []
    for image in cmd.args:
        try:
            result = session.engine.remove_image(
                image_path_name(image),
                force=bool(cmd.option("force")),
                noprune=bool(cmd.option("no-prune")),
            )
        except EngineError as error:
            failures.append(daemon_text(error))
            continue
        for item in result or []:
            for key in ("Untagged", "Deleted"):
                if item.get(key):
                    session.out(f"{key}: {item[key]}\n")
    if failures:
        raise CommandFailed("\n".join(failures))
    return 0


def _split(target: str) -> tuple[str, str]:
    try:
        ref = reference.parse_normalized_named(target)
    except reference.ReferenceError as error:
        raise CommandFailed(
            f'Error parsing reference: "{target}" is not a valid repository/tag: {error}'
        ) from None
    return ref.familiar_name, ref.tag_or_latest


def tag(cmd: Command, session: Session) -> int:
    """``docker tag SOURCE TARGET``."""
    repository, version = _split(cmd.args[1])
    session.engine.tag(cmd.args[0], repository, version)
    return 0


def push(cmd: Command, session: Session) -> int:
    """``docker push NAME[:TAG]``, or every local tag of NAME with ``--all-tags``."""
    repository, version = _split(cmd.args[0])
    quiet = bool(cmd.option("quiet"))
    for item in session.engine.push(repository, tag=None if cmd.option("all-tags") else version):
        if not quiet:
            display(item, session.stdout)
        elif item.get("error"):
            raise CommandFailed(item["error"])
    if quiet:
        session.out(f"{cmd.args[0]}\n")
    return 0


def _context_tar_size(context: str) -> int:
    """Bytes of the uncompressed context tar the CLI sends.

    A 512-byte header per entry, file data in 512-byte blocks, and the 1 KiB end marker.
    """
    from pathlib import Path

    from grader.dockerfile.dockerignore import context_files

    size = 1024
    for relative in context_files(Path(context)):
        size += 512
        if not relative.endswith("/"):
            path = os.path.join(context, relative)
            length = 0 if os.path.islink(path) else os.path.getsize(path)
            size += -(-length // 512) * 512
    return size


def build(cmd: Command, session: Session) -> int:
    """``docker build [-t NAME] [-f FILE] PATH``.

    BuildKit's output (Docker 28's default), or the legacy builder's with ``DOCKER_BUILDKIT=0``.
    ``-f -`` reads the Dockerfile from standard input into a file named ``Dockerfile``
    outside the context, as buildx does (the engine then receives it as any Dockerfile from
    outside the context: docker-py and the legacy CLI add it to the context's archive as
    ``.dockerfile.<random>``).
    """
    if cmd.option("file") != "-":
        return _build(cmd, session, cmd.option("file"))
    with tempfile.TemporaryDirectory(prefix="dockerfile-") as folder:
        path = os.path.join(folder, "Dockerfile")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(read_stdin())
        return _build(cmd, session, path)


def _build(cmd: Command, session: Session, dockerfile: str | None) -> int:
    """``docker build`` with the Dockerfile at ``dockerfile`` (relative to the current folder)."""
    from grader.commands.parser import buildkit_enabled
    from grader.dockerfile.context import client_side_error

    refuse_unsafe_build(os.path.join(session.cwd, cmd.args[0]))
    context = os.path.join(session.cwd, cmd.args[0])
    if dockerfile:
        # The CLI reads -f relative to the current folder, not to the context.
        dockerfile = os.path.abspath(os.path.join(session.cwd, dockerfile))
    buildkit = buildkit_enabled(session.environ)
    problem = None if buildkit else client_side_error(context, dockerfile)
    if problem:
        raise CommandFailed(problem.replace(f'"{context}"', f'"{cmd.args[0]}"'))
    build_args = {}
    for item in cmd.option("build-arg", []):
        key, _, value = item.partition("=")
        build_args[key] = value if "=" in item else session.environ.get(key, "")
    labels = {}
    for item in cmd.option("label", []):
        key, _, value = item.partition("=")
        labels[key] = value
    options: dict[str, Any] = {
        "tag": cmd.option("tag") or None,
        "dockerfile": dockerfile,
        "nocache": bool(cmd.option("no-cache")),
        "buildargs": build_args or None,
        "labels": labels or None,
    }
    if buildkit:
        from grader.dockercli.buildkit_build import build_with_buildkit

        return build_with_buildkit(cmd, session, context, options)
    quiet = bool(cmd.option("quiet"))
    if not quiet:
        sent = units.human_size(_context_tar_size(context))
        session.out(f"Sending build context to Docker daemon {sent:>8}\r\r\n")
    image_id = ""
    for item in session.engine.build(context, **options):
        image_id = (item.get("aux") or {}).get("ID", image_id)
        if item.get("aux"):
            continue
        if not quiet:
            display(item, session.stdout)
        elif item.get("error"):
            raise CommandFailed(item["error"])
    if quiet:
        session.out(f"{image_id}\n")
    return 0


def prune(cmd: Command, session: Session) -> int:
    """``docker image prune [-a] [-f]``."""
    from grader.dockercli.lifecycle import confirm

    everything = bool(cmd.option("all"))
    warning = (
        "WARNING! This will remove all images without at least one container associated to them."
        if everything
        else "WARNING! This will remove all dangling images."
    )
    if not cmd.option("force") and not confirm(
        session, warning + "\nAre you sure you want to continue?"
    ):
        return 0
    wanted = filters(cmd)
    wanted.setdefault("dangling", ["false" if everything else "true"])
    report = session.engine.prune_images(filters=wanted)
    session.out(prune_images_text(report))
    return 0


def builder_prune(cmd: Command, session: Session) -> int:
    """``docker builder prune [-a] [-f] [--filter ...]``."""
    from grader.dockercli.lifecycle import confirm

    what = "all build cache" if cmd.option("all") else "all dangling build cache"
    question = f"WARNING! This will remove {what}. Are you sure you want to continue?"
    if not cmd.option("force") and not confirm(session, question):
        return 0
    report = session.engine.prune_builds(filters=filters(cmd) or None, all=bool(cmd.option("all")))
    deleted = report.get("CachesDeleted") or []
    if deleted:
        session.out("Deleted build cache objects:\n" + "".join(f"{i}\n" for i in deleted) + "\n")
    session.out(f"Total reclaimed space: {units.human_size(report.get('SpaceReclaimed') or 0)}\n")
    return 0


def prune_images_text(report: dict) -> str:
    """The "Deleted Images:" section and the reclaimed-space line."""
    text = ""
    deleted = report.get("ImagesDeleted") or []
    if deleted:
        text += "Deleted Images:\n"
        for item in deleted:
            if item.get("Untagged"):
                text += f"untagged: {item['Untagged']}\n"
            if item.get("Deleted"):
                text += f"deleted: {item['Deleted']}\n"
        text += "\n"
    return text + f"Total reclaimed space: {units.human_size(report.get('SpaceReclaimed') or 0)}\n"
