"""docs/glossary.md: every term is taught where the glossary says, and named only once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GLOSSARY = REPO / "docs" / "glossary.md"
ROW = re.compile(r"^\| (?P<term>[^|]+?) \| (?P<meaning>[^|]+?) \| (?P<notebook>\d\d) \|$")


def entries() -> list[tuple[str, str]]:
    """(term, notebook number) for every row of the glossary's tables."""
    rows = [ROW.match(line) for line in GLOSSARY.read_text().splitlines()]
    return [(row["term"], row["notebook"]) for row in rows if row]


def prose(number: str) -> str:
    """The markdown cells of notebook ``number``, lower-cased."""
    [path] = (REPO / "notebooks").glob(f"{number}-*/{number}-*.ipynb")
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown").lower()


def test_the_glossary_has_entries_and_no_term_twice() -> None:
    terms = [term.lower() for term, _ in entries()]
    assert len(terms) > 40
    assert len(terms) == len(set(terms))


@pytest.mark.parametrize(("term", "notebook"), entries(), ids=[t for t, _ in entries()])
def test_the_notebook_named_teaches_the_term(term: str, notebook: str) -> None:
    text = prose(notebook)
    for word in term.split(" / "):
        assert word.lower() in text, f"notebook {notebook} never mentions {word!r}"
