"""``check.`` offers exactly the documented checks, and nothing its modules import."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

from grader import checks as check

ROOT = Path(__file__).resolve().parents[2]


def documented() -> set[str]:
    """The ``check.NAME`` entries of docs/checks.md's reference (a line opening with it)."""
    text = (ROOT / "docs" / "checks.md").read_text()
    reference = text[text.index("## Reference") :]
    return set(re.findall(r"^`check\.([A-Za-z_]\w*)", reference, re.MULTILINE))


def public() -> set[str]:
    """The names ``check.`` offers, leaving out its own submodules (check.build ...)."""
    return {
        name
        for name in dir(check)
        if not name.startswith("_") and not isinstance(getattr(check, name), ModuleType)
    }


def test_public_names_are_all_and_the_documented_ones():
    assert public() == set(check.__all__)
    assert public() == documented()


@pytest.mark.parametrize("name", ["shutil", "run", "json", "engine", "Cluster", "list_folder"])
def test_what_a_check_module_imports_is_not_a_check(name):
    with pytest.raises(AttributeError):
        getattr(check, name)


def test_every_name_the_notebooks_call_is_exported():
    called = set()
    for notebook in (ROOT / "notebooks").glob("*/*.ipynb"):
        called.update(re.findall(r"\bcheck\.([A-Za-z_]\w*)", notebook.read_text()))
    assert called, "no notebook calls a check"
    assert called <= set(check.__all__)
