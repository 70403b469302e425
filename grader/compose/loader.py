"""Find, read and interpolate a Compose file, and name its project as Compose v2 does."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from grader.engine.safety import bind_problem, grading_mode

FILE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
"""The files Compose looks for, in its order, in the working folder and then its parents."""

_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


MAX_DEPTH = 100
"""Nesting levels the course follows in a Compose file (real ones nest under ten)."""
MAX_NODES = 100_000
"""Values a Compose file may hold once its aliases are expanded (a real one: a few hundred)."""


class ComposeError(Exception):
    """What Compose prints (and exit code 1) when it cannot read the project."""


def _bounded(data: Any) -> None:
    """Refuse alias bombs and deep nesting before anything walks the data expanded.

    PyYAML shares an anchored value between its aliases, so a "billion laughs" file loads
    at once; its expanded size is counted here once per distinct value.

    Raises:
        ComposeError: go-yaml's "document contains excessive aliasing", or too deep.
    """
    sizes: dict[int, int] = {}

    def size(value: Any, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise ComposeError(f"yaml: nested more than {MAX_DEPTH} levels deep")
        if not isinstance(value, dict | list):
            return 1
        if id(value) not in sizes:
            children = value.values() if isinstance(value, dict) else value
            sizes[id(value)] = 1 + sum(size(child, depth + 1) for child in children)
            if sizes[id(value)] > MAX_NODES:
                raise ComposeError("yaml: document contains excessive aliasing")
        return sizes[id(value)]

    size(data, 0)


@dataclass
class Source:
    """A Compose file read from disk: its path, its data, the project name and folder."""

    path: Path
    data: dict[str, Any]
    text: str
    name: str
    folder: Path
    env: dict[str, str] = field(default_factory=dict)
    """The variables interpolation used: the ``.env`` file under the environment."""


def find(cwd: Path, files: list[str]) -> Path:
    """The Compose file: ``-f`` (relative to ``cwd``), or the first default name upwards.

    Raises:
        ComposeError: none found (Compose's wording).
    """
    if files:
        path = (cwd / files[0]).resolve() if not os.path.isabs(files[0]) else Path(files[0])
        if not path.is_file():
            raise ComposeError(f"open {path}: no such file or directory")
        return path
    for folder in (cwd, *cwd.parents):
        for name in FILE_NAMES:
            if (folder / name).is_file():
                return folder / name
    raise ComposeError("no configuration file provided: not found")


def dotenv(folder: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines of the project's ``.env`` (comments, blanks and quotes handled)."""
    path = folder / ".env"
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(errors="replace").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def interpolate(value: Any, env: Mapping[str, str], where: str = "") -> Any:
    """Replace ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR:?error}`` in every string.

    Raises:
        ComposeError: a ``${VAR:?message}`` whose variable is unset (or empty).
    """
    if isinstance(value, dict):
        return {
            key: interpolate(item, env, f"{where}.{key}" if where else str(key))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [interpolate(item, env, f"{where}[{index}]") for index, item in enumerate(value)]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        name = match.group("braced") or match.group("named")
        op, arg = match.group("op"), match.group("arg") or ""
        current = env.get(name)
        if op in (":-", "-"):
            missing = current is None or (op == ":-" and current == "")
            return arg if missing else str(current)
        if op in (":?", "?"):
            if current is None or (op == ":?" and current == ""):
                raise ComposeError(f"required variable {name} is missing a value: {arg}")
            return current
        if op in (":+", "+"):
            present = current is not None and (op == "+" or current != "")
            return arg if present else ""
        return current or ""

    return _VARIABLE.sub(replace, value)


def project_name(
    given: str | None, data: dict[str, Any], env: Mapping[str, str], folder: Path
) -> str:
    """``-p``, then the file's ``name:``, then ``COMPOSE_PROJECT_NAME``, then the folder's name.

    A name from the folder is normalised (lower case, only ``a-z0-9_-``); one given
    explicitly must already be valid.

    Raises:
        ComposeError: an explicit name Compose refuses.
    """
    explicit = (
        given
        or (data.get("name") if isinstance(data.get("name"), str) else None)
        or env.get("COMPOSE_PROJECT_NAME")
    )
    if explicit:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", explicit):
            raise ComposeError(
                f'invalid project name "{explicit}": must consist only of lowercase '
                "alphanumeric characters, hyphens, and underscores as well as start with a "
                "letter or number"
            )
        return explicit
    return re.sub(r"[^a-z0-9_-]", "", folder.name.lower()).lstrip("_-") or "default"


def load(cwd: Path, files: list[str], name: str | None, environ: Mapping[str, str]) -> Source:
    """Read the project's Compose file (YAML errors as Compose words them).

    While grading, the file must lie in the assignment's folder (as bind mounts must).

    Raises:
        ComposeError: no file, a YAML error, not a mapping, a bad project name, or (while
            grading) a file outside the assignment's folder.
    """
    path = find(cwd, files)
    problem = bind_problem(str(path.parent)) if grading_mode() else None
    if problem:
        raise ComposeError(
            f"reading {path} is refused while grading: the Compose file must be in the "
            "assignment's folder"
        )
    text = path.read_text(errors="replace")
    env = {**dotenv(path.parent), **environ}
    try:
        data = yaml.safe_load(text)
    except RecursionError:
        raise ComposeError(f"yaml: nested more than {MAX_DEPTH} levels deep") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ComposeError(f"yaml: {where}{problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ComposeError(f"Top-level object must be a mapping (in {path})")
    _bounded(data)
    data = interpolate(data, env)
    return Source(path, data, text, project_name(name, data, env, path.parent), path.parent, env)
