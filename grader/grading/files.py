"""Where a ``%%dockerfile`` / ``%%writefile`` answer may write: inside the submission's folder.

The path on the magic line is the student's data. It is resolved (``..`` and symbolic
links followed) against the submission's private work folder; a path that ends up
anywhere else is refused, and that answer gets no file.
"""

from __future__ import annotations

from pathlib import Path


class OutsideFolder(ValueError):
    """The answer names a file outside the submission's folder."""


def confined(folder: Path, written: str) -> Path:
    """The file ``written`` names, relative to ``folder``, if it stays inside ``folder``.

    Raises:
        OutsideFolder: an absolute path, ``~``, or a path that leaves ``folder``.
    """
    base = folder.resolve()
    if not written or written.startswith(("/", "~")) or "\0" in written:
        raise OutsideFolder(f"{written!r} is not a path inside the assignment's folder")
    target = (base / written).resolve()
    if target == base or not target.is_relative_to(base):
        raise OutsideFolder(f"{written!r} leaves the assignment's folder")
    return target


def write_text(folder: Path, written: str, text: str, *, append: bool = False) -> str:
    """``%%writefile``: write ``text`` to the confined path; returns IPython's message."""
    target = confined(folder, written)
    existed = target.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a" if append else "w", encoding="utf-8") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")
    if append:
        return f"Appending to {written}"
    return f"Overwriting {written}" if existed else f"Writing {written}"
