r""".dockerignore with Docker's own pattern semantics (the build context the client sends).

A port of moby/patternmatcher (the matcher the docker CLI uses to decide which files of the
build context it sends) and of its ``ignorefile.ReadAll``:

- comment lines start with ``#``; blank lines are skipped; each pattern is trimmed and
  cleaned like Go's ``filepath.Clean`` and a leading ``/`` is dropped (``/node_modules`` and
  ``node_modules`` mean the same);
- ``*`` and ``?`` never cross a ``/``, ``**`` matches any number of folders (even none),
  ``[a-z]`` classes and ``\\`` escapes work as in Go's ``filepath.Match``;
- a pattern matching a folder excludes everything under it;
- ``!pattern`` is an exception that re-includes what earlier patterns excluded; the last
  pattern that matches a path decides.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

_ESCAPE = set(".+()|{}$")


class PatternError(ValueError):
    """A .dockerignore pattern Docker refuses (a lone ``!``, an unclosed ``[``)."""


def go_clean(path: str) -> str:
    """Return the shortest equivalent of a slash path, exactly like Go's ``path.Clean``."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def read_ignore_file(text: str) -> list[str]:
    """Parse a .dockerignore file's text into patterns, as moby's ``ignorefile.ReadAll``."""
    patterns: list[str] = []
    for number, raw in enumerate(text.splitlines()):
        line = raw.removeprefix("\ufeff") if number == 0 else raw
        if line.startswith("#"):
            continue
        line = line.strip()
        if not line:
            continue
        invert = line.startswith("!")
        if invert:
            line = line[1:].strip()
        if line:
            line = go_clean(line)
            if len(line) > 1 and line.startswith("/"):
                line = line[1:]
        patterns.append("!" + line if invert else line)
    return patterns


@dataclass
class Pattern:
    """One compiled pattern: the cleaned text, whether it is an exception, how it matches."""

    text: str
    exclusion: bool
    kind: str = field(init=False)
    regex: re.Pattern[str] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.kind, source = _compile(self.text)
        if self.kind == "regexp":
            try:
                self.regex = re.compile(source)
            except re.error as error:
                raise PatternError("syntax error in pattern") from error

    def match(self, path: str) -> bool:
        """True when ``path`` (slash-separated, relative to the context) matches."""
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix.startswith("/") and path == suffix[1:])
        assert self.regex is not None
        return self.regex.match(path) is not None


def _compile(pattern: str) -> tuple[str, str]:
    """Translate a pattern to (match kind, regular expression) as patternmatcher's compile."""
    regex = "^"
    kind = "exact"
    i = 0
    position = 0
    while i < len(pattern):
        char = pattern[i]
        i += 1
        if char == "*":
            if i < len(pattern) and pattern[i] == "*":
                i += 1
                if i < len(pattern) and pattern[i] == "/":
                    i += 1
                if i >= len(pattern):
                    if kind == "exact":
                        kind = "prefix"
                    else:
                        regex += ".*"
                        kind = "regexp"
                else:
                    regex += "(.*/)?"
                    kind = "regexp"
                if position == 0:
                    kind = "suffix"
            else:
                regex += "[^/]*"
                kind = "regexp"
        elif char == "?":
            regex += "[^/]"
            kind = "regexp"
        elif char in _ESCAPE:
            regex += "\\" + char
        elif char == "\\":
            if i < len(pattern):
                regex += "\\" + pattern[i]
                i += 1
                kind = "regexp"
            else:
                regex += "\\\\"
        elif char in "[]":
            regex += char
            kind = "regexp"
        else:
            regex += char
        position += 1
    if kind == "regexp":
        regex += "$"
    return kind, regex


def _check_syntax(pattern: str) -> None:
    """Refuse what Go's ``filepath.Match`` refuses: unclosed classes and dangling escapes."""
    depth_open = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if i + 1 >= len(pattern):
                raise PatternError("syntax error in pattern")
            i += 2
            continue
        if char == "[":
            if depth_open:
                raise PatternError("syntax error in pattern")
            depth_open = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                raise PatternError("syntax error in pattern")
        elif char == "]" and depth_open:
            depth_open = False
        i += 1
    if depth_open:
        raise PatternError("syntax error in pattern")


class PatternMatcher:
    """A list of patterns, applied in order; the last one that matches a path decides."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns: list[Pattern] = []
        for raw in patterns:
            text = raw.strip()
            if not text:
                continue
            text = go_clean(text)
            exclusion = text.startswith("!")
            if exclusion:
                if len(text) == 1:
                    raise PatternError('illegal exclusion pattern: "!"')
                text = text[1:]
            _check_syntax(text)
            self.patterns.append(Pattern(text, exclusion))

    @property
    def has_exceptions(self) -> bool:
        """True when some pattern starts with ``!``."""
        return any(pattern.exclusion for pattern in self.patterns)

    def matches(self, path: str) -> bool:
        """True when ``path`` or one of its parent folders is excluded and not re-included.

        This is patternmatcher's ``MatchesOrParentMatches``.
        """
        path = go_clean(path)
        if path == ".":
            return False
        parent = os.path.dirname(path)
        parents = parent.split("/") if parent else []
        matched = False
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue
            hit = pattern.match(path)
            if not hit:
                for depth in range(1, len(parents) + 1):
                    if pattern.match("/".join(parents[:depth])):
                        hit = True
                        break
            if hit:
                matched = not pattern.exclusion
        return matched


def load_patterns(context: Path) -> list[str]:
    """The patterns of ``<context>/.dockerignore``, or none when the file is absent."""
    ignore = context / ".dockerignore"
    if not ignore.is_file():
        return []
    return read_ignore_file(ignore.read_text(encoding="utf-8", errors="replace"))


def context_files(context: Path, patterns: Iterable[str] | None = None) -> list[str]:
    """The files and folders of the build context the client would send, relative, sorted.

    Folders appear as ``"dir/"``; ``patterns`` defaults to the context's .dockerignore.
    Symbolic links are listed as files (the client sends the link itself).
    """
    matcher = PatternMatcher(load_patterns(context) if patterns is None else patterns)
    kept: list[str] = []
    for folder, dirs, files in os.walk(context):
        dirs.sort()
        relative_folder = os.path.relpath(folder, context)
        prefix = "" if relative_folder == "." else relative_folder.replace(os.sep, "/") + "/"
        for name in list(dirs):
            relative = prefix + name
            if matcher.matches(relative):
                if not matcher.has_exceptions:
                    dirs.remove(name)
                continue
            kept.append(relative + "/")
        for name in sorted(files):
            relative = prefix + name
            if not matcher.matches(relative):
                kept.append(relative)
    return sorted(kept)
