"""The ``filters`` argument of list and prune endpoints, as docker-py passes it."""

from __future__ import annotations

from typing import Any


def normalise_filters(filters: dict[str, Any] | None) -> dict[str, list[str]]:
    """Turn docker-py's filters (str, bool, int or list values) into lists of strings."""
    result: dict[str, list[str]] = {}
    for key, value in (filters or {}).items():
        values = value if isinstance(value, list | tuple | set) else [value]
        result[key] = [str(v).lower() if isinstance(v, bool) else str(v) for v in values]
    return result


def label_matches(labels: dict[str, str], wanted: dict[str, list[str]]) -> bool:
    """True when ``labels`` satisfy every ``label`` and ``label!`` filter ("k" or "k=v")."""
    for item in wanted.get("label", []):
        key, eq, value = item.partition("=")
        if key not in labels or (eq and labels[key] != value):
            return False
    for item in wanted.get("label!", []):
        key, eq, value = item.partition("=")
        if key in labels and (not eq or labels[key] == value):
            return False
    return True
