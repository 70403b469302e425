"""The ``%%dockerfile`` cell magic: write a Dockerfile and show hadolint's advice under it.

``%%dockerfile website/Dockerfile`` writes the cell's text to that path (folders created,
default ``Dockerfile``) like ``%%writefile``, then prints hadolint's hints, which are advice
and never part of the grade. ``%load_ext grader.magics`` loads it. A cell still
holding nbgrader's stub writes nothing and says what to do (as ``%%docker`` does); stub lines
left beside the student's instructions are not written.
"""

from __future__ import annotations

from pathlib import Path

from grader.dockerfile.lint import format_hints, lint_text
from grader.magics import answer_text


def dockerfile_magic(line: str, cell: str) -> None:
    """Write ``cell`` to the path named on the magic line and print lint hints."""
    answer = answer_text(cell, "Dockerfile instructions")
    if answer is None:
        return
    target = Path(line.strip() or "Dockerfile").expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    text = answer if answer.endswith("\n") else answer + "\n"
    target.write_text(text, encoding="utf-8")
    print(f"Wrote {target}")
    try:
        print(format_hints(lint_text(text)))
    except FileNotFoundError as error:
        print(f"(lint hints unavailable: {error})")


def register(ipython: object) -> None:
    """Register ``%%dockerfile`` on an IPython shell."""
    ipython.register_magic_function(  # type: ignore[attr-defined]
        dockerfile_magic, magic_kind="cell", magic_name="dockerfile"
    )
