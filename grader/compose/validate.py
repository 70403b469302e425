"""Check a Compose file: the Compose specification's JSON schema, then what it cannot see.

The schema is the one Compose itself validates with, vendored unchanged as
``schema/compose-spec.json`` from github.com/compose-spec/compose-spec (file
``schema/compose-spec.json``, commit 170098ba07d9f53c383a41bfd4c5166b0a4529a6,
2026-06-23; Apache License 2.0). Each problem carries two texts: what Docker Compose v2
prints (compose-go's wording: ``services.web additional properties 'imagee' not allowed``)
and a message that teaches (where, with the line, and what to write instead).
"""

from __future__ import annotations

import difflib
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SCHEMA = Path(__file__).parent / "schema" / "compose-spec.json"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a Compose file."""

    compose: str
    """What Docker Compose prints for it (without the ``validating FILE:`` prefix)."""
    hint: str
    """What the course adds to help: where it is and what to write instead."""
    path: str = ""
    """Where, as Compose names it (``services.web.ports.0``)."""
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.compose}" + (f" ({self.hint})" if self.hint else "")


@functools.cache
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))


def field_lines(text: str) -> dict[str, int]:
    """The 1-based line of every field path in the file (``services.web.ports.0`` -> 7)."""
    found: dict[str, int] = {}
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return found
    stack: list[tuple[Any, str]] = [(node, "")] if node is not None else []
    while stack:
        current, path = stack.pop()
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                here = f"{path}.{key.value}" if path else str(key.value)
                found[here] = key.start_mark.line + 1
                stack.append((value, here))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                here = f"{path}.{index}"
                found[here] = item.start_mark.line + 1
                stack.append((item, here))
    return found


def _type_words(expected: Any) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    words = sorted({"mapping" if name == "object" else name for name in names})
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _specificity(error: Any) -> int:
    depth = len(list(error.absolute_path))
    return depth + 1 if error.validator == "additionalProperties" else depth


def _most_specific(error: Any) -> Any:
    """The deepest cause of an error, as compose-go reports it."""
    best = error
    for cause in error.context or []:
        candidate = _most_specific(cause)
        if _specificity(candidate) > _specificity(best):
            best = candidate
    return best


def _schema_problem(error: Any, lines: dict[str, int]) -> Problem:
    parts = [str(part) for part in error.absolute_path]
    path = ".".join(parts)
    line = lines.get(path)
    if error.validator == "additionalProperties":
        known = set((error.schema.get("properties") or {}).keys())
        extra = sorted(
            key for key in error.instance if key not in known and not key.startswith("x-")
        )
        name = extra[0] if extra else "?"
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = f'"{name}" is not a Compose key here'
        hint += f': did you mean "{close[0]}"?' if close else ""
        field = f"{path}.{name}" if path else name
        return Problem(
            f"{path} additional properties '{name}' not allowed",
            hint,
            field,
            lines.get(field, line),
        )
    if error.validator == "type":
        want = _type_words(error.validator_value)
        hint = f"found {type(error.instance).__name__} {error.instance!r}"
        if "array" in want and isinstance(error.instance, str):
            hint = f"write each item on its own line starting with '- ' under {parts[-1]}:"
        elif want == "mapping":
            hint = f"indent its keys under {parts[-1] if parts else 'the file'}:"
        return Problem(f"{path} must be a {want}", hint, path, line)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return Problem(
            f"{path} missing property '{missing}'",
            f'add "{missing}:" to {path or "the file"}',
            path,
            line,
        )
    if error.validator == "enum":
        allowed = ", ".join(f"'{value}'" for value in error.validator_value)
        return Problem(
            f"{path} value must be one of {allowed}",
            f"{error.instance!r} is not one of {allowed}",
            path,
            line,
        )
    if error.validator == "pattern":
        return Problem(
            f"{path} '{error.instance}' does not match pattern '{error.validator_value}'",
            "names may use letters, digits, '.', '_' and '-' only",
            path,
            line,
        )
    return Problem(f"{path} {error.message}", "", path, line)


def schema_problems(data: dict[str, Any], text: str = "") -> list[Problem]:
    """The file's problems under the Compose specification's schema (first one first)."""
    lines = field_lines(text)
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [_schema_problem(_most_specific(error), lines) for error in errors]


def _named(entries: Any) -> list[str]:
    if isinstance(entries, dict):
        return list(entries)
    return [entry for entry in entries or [] if isinstance(entry, str)]


def _invalid(compose: str, hint: str, path: str, lines: dict[str, int]) -> Problem:
    """A project Compose refuses as a whole ("...: invalid compose project")."""
    return Problem(f"{compose}: invalid compose project", hint, path, lines.get(path))


def _named_volume(mount: Any) -> str:
    """The named volume a service's ``volumes`` entry uses ("" for a bind or anonymous one)."""
    if isinstance(mount, dict):
        source = mount.get("source", "") if mount.get("type", "volume") == "volume" else ""
    else:
        source = str(mount).split(":")[0] if ":" in str(mount) else ""
    return "" if source.startswith((".", "/", "~")) else source


def semantic_problems(data: dict[str, Any], text: str = "") -> list[Problem]:
    """What Compose refuses once the schema passes: undefined services, volumes, networks."""
    lines = field_lines(text)
    services = data.get("services") or {}
    volumes = set(data.get("volumes") or {})
    networks = set(data.get("networks") or {}) | {"default"}
    problems = []
    for name, service in services.items():
        where = f"services.{name}"
        if not service.get("image") and not service.get("build"):
            problems.append(
                _invalid(
                    f'service "{name}" has neither an image nor a build context specified',
                    f'give {where} an "image:" (for example image: nginx:latest)',
                    where,
                    lines,
                )
            )
        for dependency in _named(service.get("depends_on")):
            if dependency not in services:
                problems.append(
                    _invalid(
                        f'service "{name}" depends on undefined service "{dependency}"',
                        f"depends_on names services of this file: {', '.join(sorted(services))}",
                        f"{where}.depends_on",
                        lines,
                    )
                )
        for index, mount in enumerate(service.get("volumes") or []):
            source = _named_volume(mount)
            if source and source not in volumes:
                problems.append(
                    _invalid(
                        f'service "{name}" refers to undefined volume {source}',
                        f'a named volume must be declared at the top level: add "volumes:" with '
                        f'"{source}:" under it (or use ./{source} for a folder of the project)',
                        f"{where}.volumes.{index}",
                        lines,
                    )
                )
        for network in _named(service.get("networks")):
            if network not in networks:
                problems.append(
                    _invalid(
                        f'service "{name}" refers to undefined network {network}',
                        f'declare it at the top level: "networks:" with "{network}:" under it',
                        f"{where}.networks",
                        lines,
                    )
                )
    return problems


def problems(data: dict[str, Any], text: str = "") -> list[Problem]:
    """Schema problems, or (when there are none) the semantic ones."""
    return schema_problems(data, text) or semantic_problems(data, text)
