"""Image references: Docker's lowercase rules, and the Engine's stricter check (daemon_check)."""

from __future__ import annotations

import pytest

from grader.reference import ReferenceError, daemon_check, parse_normalized_named


def test_uppercase_repository_names() -> None:
    with pytest.raises(ReferenceError) as caught:
        parse_normalized_named("Website:1")
    assert str(caught.value) == (
        "invalid reference format: repository name (library/Website) must be lowercase"
    )
    # Docker 28's client reads an uppercase first component as a registry host ...
    assert parse_normalized_named("PatrickVuscan/website:1").domain == "PatrickVuscan"
    # ... and the Engine (dockerd 20.10) refuses it.
    with pytest.raises(ReferenceError) as caught:
        daemon_check("PatrickVuscan/website:1")
    assert str(caught.value) == "invalid reference format: repository name must be lowercase"
    assert daemon_check("patrickvuscan/website:1").path == "patrickvuscan/website"


@pytest.mark.parametrize("text", ["web site", "a:b:c", "-x", "x" * 300])
def test_invalid_references(text: str) -> None:
    with pytest.raises(ReferenceError):
        parse_normalized_named(text)
