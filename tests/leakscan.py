"""What must never reach a student: the lines of a source notebook's secret regions.

Shared by the leak tests of the content (tests/notebooks), of hostile submissions
(tests/security) and of the published student edition.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat

REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS|MARK SCHEME)\n(.*?)### END \1", re.S)
MARKER = re.compile(r"BEGIN (SOLUTION|HIDDEN TESTS|MARK SCHEME)|END (SOLUTION|HIDDEN TESTS)")


def secret_lines(source: nbformat.NotebookNode, material: str = "") -> dict[str, str]:
    """Lines of solution/hidden/mark-scheme regions that the rest of the source never shows.

    A line also written outside the regions (a later exercise's set-up repeating an earlier
    answer, or the exercise material released beside the notebook, such as a broken
    Dockerfile to repair) is visible on purpose, so it is not counted as a secret.
    """
    inside: dict[str, str] = {}
    for cell in source.cells:
        for match in REGION.finditer(cell.source):
            for line in match.group(2).splitlines():
                if len(line.strip()) >= 12:
                    inside[line.strip()] = match.group(1)
    outside = "\n".join(REGION.sub("", cell.source) for cell in source.cells) + material
    return {line: kind for line, kind in inside.items() if line not in outside}


def course_secrets(sources: dict[str, nbformat.NotebookNode], public: str = "") -> dict[str, str]:
    """``line -> "<notebook> <kind>"`` over a whole course.

    A line that one notebook shows outside its regions (a later set-up repeating an earlier
    answer), or that ``public`` holds (the assignments' material handed out as files, such
    as the broken Dockerfile a debugging exercise starts from), is no secret.
    """
    cells = "\n".join(REGION.sub("", c.source) for nb in sources.values() for c in nb.cells)
    shown = cells + "\n" + public
    return {
        line: f"{name} {kind}"
        for name, source in sources.items()
        for line, kind in secret_lines(source).items()
        if line not in shown
    }


def page_text(path: Path) -> str:
    """The text a reader sees on an HTML page (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))
