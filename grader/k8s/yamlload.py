"""Load YAML within bounds, as kubectl's parser does: alias bombs and deep nesting.

PyYAML shares an anchored node between its aliases, so a "billion laughs" document loads
quickly, but everything that walks the result afterwards (validation, JSON, the simulator)
expands it. Go's YAML parser (the one inside kubectl) refuses such documents: it counts the
nodes it decodes and the ones it decodes through an alias, and gives up with "document
contains excessive aliasing" when aliases are too large a share. :func:`check_aliasing`
applies the same rule to the loaded Python objects.

Real manifests nest a few dozen levels. Python's YAML composer, the schema validator and
the simulator all recurse per level, so a document nested deeper than :data:`MAX_DEPTH`
is refused as a YAML error (kubectl's own parser would go further; the course stops
there rather than crash).
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 100
"""Nesting levels the course accepts in a manifest."""


class ExcessiveAliasing(yaml.YAMLError):
    """Too many nodes reached through aliases: Go's "document contains excessive aliasing"."""

    def __str__(self) -> str:
        return "document contains excessive aliasing"


class TooDeep(yaml.YAMLError):
    """Nested deeper than :data:`MAX_DEPTH`."""

    def __str__(self) -> str:
        return f"nested more than {MAX_DEPTH} levels deep, deeper than the course follows"


def safe_load_all(text: str) -> list[Any]:
    """Every document of ``text`` (``yaml.safe_load_all``), bounded as kubectl's parser is.

    Raises:
        yaml.YAMLError: Bad YAML, :class:`ExcessiveAliasing` or :class:`TooDeep`.
    """
    try:
        docs = list(yaml.safe_load_all(text))
    except RecursionError:  # PyYAML's composer recurses per level
        raise TooDeep() from None
    for doc in docs:
        check_aliasing(doc)
    return docs


def _allowed_ratio(decoded: int) -> float:
    """go-yaml's ``allowedAliasRatio``: 99 % for small documents, down to 10 % for huge ones."""
    low, high = 400_000, 4_000_000
    if decoded <= low:
        return 0.99
    if decoded >= high:
        return 0.10
    return 0.99 - 0.89 * (decoded - low) / (high - low)


def check_aliasing(doc: Any) -> None:
    """Walk ``doc`` as go-yaml decodes it, aliases expanded, and stop as go-yaml stops.

    A container object met a second time is an alias of the first (PyYAML builds a fresh
    list or dict for every node that is not an alias). The walk ends as soon as the
    aliased share exceeds go-yaml's allowance, so a bomb costs only a few thousand steps.

    Raises:
        ExcessiveAliasing: With go-yaml's words.
        TooDeep: The document is nested deeper than :data:`MAX_DEPTH`.
    """
    seen: set[int] = set()
    decoded = aliased = 0
    stack: list[tuple[Any, bool, int]] = [(doc, False, 0)]
    while stack:
        node, in_alias, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise TooDeep()
        decoded += 1
        if isinstance(node, dict | list):
            if id(node) in seen:
                in_alias = True
            seen.add(id(node))
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, in_alias, depth + 1) for child in children)
        if in_alias:
            aliased += 1
        if aliased > 100 and decoded > 1000 and aliased / decoded > _allowed_ratio(decoded):
            raise ExcessiveAliasing()
