"""The build context: which Dockerfile is used, which files are sent, what COPY/ADD picks.

``docker build -t web .`` sends the folder ``.`` (the *context*, minus what .dockerignore
excludes) and reads ``./Dockerfile`` unless ``-f`` names another file. The Dockerfile does
not have to sit at the top of the context: that is only the default place Docker looks.
This module answers, without any engine:

- :func:`client_side_error`: what the docker CLI refuses before contacting the daemon
  (``unable to prepare context: path "x" not found``, a missing Dockerfile);
- :class:`BuildContext`: the files sent and the sources a COPY/ADD instruction selects, with
  the builder's errors and the content hash it uses as the cache key.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from grader.dockerfile.dockerignore import (
    Pattern,
    PatternError,
    context_files,
    go_clean,
    load_patterns,
)


class ContextError(ValueError):
    """The build cannot start or a COPY/ADD cannot pick its sources; text is Docker's."""


def dockerfile_path(context: str | Path, dockerfile: str | None = None) -> Path:
    """The Dockerfile a build reads: ``<context>/Dockerfile`` or the ``dockerfile`` given.

    A relative ``dockerfile`` is taken inside the context (the Engine API's meaning; the
    CLI's ``-f`` is relative to the current folder and should be made absolute first).
    """
    base = Path(context).absolute()
    if not dockerfile:
        return base / "Dockerfile"
    given = Path(dockerfile)
    return given if given.is_absolute() else base / given


def client_side_error(context: str | Path, dockerfile: str | None = None) -> str | None:
    """What ``docker build`` prints before contacting the daemon, or None when all is well."""
    base = Path(context)
    if not base.exists():
        return f'unable to prepare context: path "{context}" not found'
    if not base.is_dir():
        return f"unable to prepare context: context must be a directory: {base.absolute()}"
    target = dockerfile_path(base, dockerfile)
    if not target.exists():
        return (
            "unable to prepare context: unable to evaluate symlinks in Dockerfile path: "
            f"lstat {target}: no such file or directory"
        )
    try:
        load_patterns(base)
        context_files(base)
    except PatternError as error:
        return f"Error checking context: '{error}'."
    return None


@dataclass
class Source:
    """One file or folder a COPY/ADD instruction copies."""

    relative: str
    """Path inside the context ("src/index.js", "." for the whole context)."""

    is_dir: bool


@dataclass
class BuildContext:
    """The files of a context as the client sends them (after .dockerignore)."""

    root: Path
    sent: set[str] = field(init=False)
    """Relative paths sent; folders end with "/"."""

    def __post_init__(self) -> None:
        self.root = Path(self.root).absolute()
        self.sent = set(context_files(self.root))

    def size(self) -> int:
        """Total bytes of the files sent (what "Sending build context" reports, roughly)."""
        return sum(
            (self.root / name).stat().st_size for name in self.sent if not name.endswith("/")
        )

    def has_file(self, relative: str) -> bool:
        """True when ``relative`` was sent as a file."""
        return relative in self.sent

    def has_dir(self, relative: str) -> bool:
        """True when ``relative`` is a folder with something sent inside it."""
        prefix = relative.rstrip("/") + "/"
        return any(name.startswith(prefix) for name in self.sent)

    def select(self, keyword: str, raw_sources: list[str]) -> list[Source]:
        """The sources of one COPY/ADD instruction, as the classic builder expands them.

        Raises:
            ContextError: Docker's "COPY failed: ..." messages.
        """
        selected: list[Source] = []
        for raw in raw_sources:
            cleaned = go_clean(raw.lstrip("/")) if raw not in (".", "./") else "."
            if cleaned == ".." or cleaned.startswith("../"):
                raise ContextError(
                    f"{keyword} failed: forbidden path outside the build context: {raw} ()"
                )
            if cleaned == ".":
                selected.append(Source(".", True))
                continue
            if re.search(r"[*?\[]", cleaned):
                pattern = Pattern(cleaned, False)
                for name in sorted(self.sent):
                    if pattern.match(name.rstrip("/")):
                        selected.append(Source(name.rstrip("/"), name.endswith("/")))
                continue
            if self.has_file(cleaned):
                selected.append(Source(cleaned, False))
            elif self.has_dir(cleaned):
                selected.append(Source(cleaned, True))
            else:
                raise ContextError(
                    f"{keyword} failed: file not found in build context or excluded by "
                    f".dockerignore: stat {cleaned}: file does not exist"
                )
        if not selected:
            raise ContextError(f"{keyword} failed: no source files were specified")
        return selected

    def files_under(self, source: Source) -> list[str]:
        """The sent files a source stands for (itself, or everything below a folder)."""
        if not source.is_dir:
            return [source.relative]
        if source.relative == ".":
            return sorted(name for name in self.sent if not name.endswith("/"))
        prefix = source.relative + "/"
        return sorted(n for n in self.sent if n.startswith(prefix) and not n.endswith("/"))

    def read(self, relative: str) -> bytes:
        """The bytes of one sent file (a symbolic link yields its target path)."""
        path = self.root / relative
        if path.is_symlink():
            return os.readlink(path).encode()
        return path.read_bytes()

    def content_hash(self, sources: list[Source]) -> str:
        """The builder's cache key for COPY/ADD sources: ``file:``, ``dir:`` or ``multi:``.

        It depends on the names and bytes copied, never on modification times, so touching
        a file without changing it keeps the cache, and editing one byte breaks it.
        """
        digest = hashlib.sha256()
        for source in sources:
            for name in self.files_under(source):
                digest.update(name.encode() + b"\0" + hashlib.sha256(self.read(name)).digest())
        kind = "multi" if len(sources) > 1 else ("dir" if sources[0].is_dir else "file")
        return f"{kind}:{digest.hexdigest()}"
