"""Image references: Docker 28's lowercase rules (client and Engine alike)."""

from __future__ import annotations

import pytest

from grader.reference import ReferenceError, parse_normalized_named


def test_uppercase_repository_names() -> None:
    with pytest.raises(ReferenceError) as caught:
        parse_normalized_named("Website:1")
    assert str(caught.value) == (
        "invalid reference format: repository name (library/Website) must be lowercase"
    )
    # Docker 28 reads an uppercase first component as a registry host
    parsed = parse_normalized_named("PatrickVuscan/website:1")
    assert (parsed.domain, parsed.path) == ("PatrickVuscan", "website")
    assert parse_normalized_named("patrickvuscan/website:1").path == "patrickvuscan/website"


@pytest.mark.parametrize("text", ["web site", "a:b:c", "-x", "x" * 300])
def test_invalid_references(text: str) -> None:
    with pytest.raises(ReferenceError):
        parse_normalized_named(text)
