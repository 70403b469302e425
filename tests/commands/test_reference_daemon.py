"""Image references: normalisation, Docker's lowercase rules, and the Engine's stricter check."""

from __future__ import annotations

import pytest

from grader.commands.reference import ReferenceError, daemon_check, parse_normalized_named


@pytest.mark.parametrize(
    ("text", "domain", "path", "tag", "shown"),
    [
        ("nginx", "docker.io", "library/nginx", "", "nginx:latest"),
        ("nginx:1.27", "docker.io", "library/nginx", "1.27", "nginx:1.27"),
        ("alice/website:1", "docker.io", "alice/website", "1", "alice/website:1"),
        ("docker.io/library/node:20", "docker.io", "library/node", "20", "node:20"),
        ("127.0.0.1:5000/website:1", "127.0.0.1:5000", "website", "1", "127.0.0.1:5000/website:1"),
        ("quay.io/org/app:2", "quay.io", "org/app", "2", "quay.io/org/app:2"),
        ("localhost/x", "localhost", "x", "", "localhost/x:latest"),
    ],
)
def test_normalisation(text: str, domain: str, path: str, tag: str, shown: str) -> None:
    ref = parse_normalized_named(text)
    assert (ref.domain, ref.path, ref.tag, ref.familiar_string()) == (domain, path, tag, shown)


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
