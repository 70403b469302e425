"""The package's layers: every import (module level or inside a function) points downward.

``LAYERS`` is the allowed order, top to bottom, as data (docs/architecture.md draws it). A
module may import its own layer and any layer of a lower tier; layers sharing a tier are
independent of each other. A new subpackage must be given a place here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "grader"

LAYERS: list[dict[str, tuple[str, ...]]] = [
    {"entry point": ("grader.__main__",)},
    {"course": ("grader.course",)},
    {"grading": ("grader.grading",)},
    {
        "notebook magics": ("grader.magics", "grader.kubectl_magic", "grader.dockerfile_magic"),
        "engine daemon": ("grader.serve",),
    },
    {"checks": ("grader.checks",), "widgets": ("grader.widgets",)},
    {"dockercli": ("grader.dockercli",), "k8s": ("grader.k8s",), "images": ("grader.images",)},
    {"compose": ("grader.compose",)},
    {"engine": ("grader.engine",), "history": ("grader.history",), "render": ("grader.render",)},
    {"commands": ("grader.commands",), "dockerfile": ("grader.dockerfile",)},
    {
        "gotime": ("grader.gotime",),
        "reference": ("grader.reference",),
        "state": ("grader.state",),
        "shims": ("grader.shims",),
        "unexpected": ("grader.unexpected",),
        "recursion": ("grader.recursion",),
    },
    {"package root": ("grader",)},
]
"""Tiers from top to bottom; in each, layer name -> the modules (and their submodules)."""


def module_names() -> dict[str, Path]:
    """Every module of the package: dotted name -> file."""
    names = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``name`` imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
    return {target for target in found if target in known}


def layer_of(module: str) -> tuple[int, str]:
    """(tier, layer) of a module: the longest module prefix listed in ``LAYERS``."""
    best: tuple[int, int, str] | None = None
    for tier, layers in enumerate(LAYERS):
        for layer, prefixes in layers.items():
            for prefix in prefixes:
                if module == prefix or module.startswith(prefix + "."):
                    if best is None or len(prefix) > best[0]:
                        best = (len(prefix), tier, layer)
    assert best is not None, module
    return best[1], best[2]


def violations(graph: dict[str, set[str]]) -> list[str]:
    """The imports in ``graph`` (module -> imported modules) that do not point downward."""
    wrong = []
    for module, targets in sorted(graph.items()):
        tier, layer = layer_of(module)
        for target in sorted(targets):
            target_tier, target_layer = layer_of(target)
            if target_layer == layer or target_tier > tier:
                continue
            direction = "upward" if target_tier < tier else "sideways"
            wrong.append(f"{module} ({layer}) imports {target} ({target_layer}): {direction}")
    return wrong


def import_graph() -> dict[str, set[str]]:
    names = module_names()
    return {name: imports_of(name, path, set(names)) for name, path in names.items()}


def test_every_import_points_down_the_layers():
    assert violations(import_graph()) == []


def test_every_module_has_a_layer():
    root = len(LAYERS) - 1
    unplaced = [name for name in module_names() if name != "grader" and layer_of(name)[0] == root]
    assert unplaced == [], "give these modules a layer in LAYERS"


@pytest.mark.parametrize(
    ("module", "target", "direction"),
    [
        ("grader.engine.real", "grader.checks.state", "upward"),
        ("grader.k8s.store", "grader.dockercli.script", "sideways"),
        ("grader.history", "grader.engine", "sideways"),
        ("grader.checks.k8s", "grader.widgets.live", "sideways"),
    ],
)
def test_a_wrong_import_is_reported(module, target, direction):
    assert violations({module: {target}}) == [
        f"{module} ({layer_of(module)[1]}) imports {target} ({layer_of(target)[1]}): {direction}"
    ]


def test_function_level_and_relative_imports_are_seen(tmp_path):
    path = tmp_path / "lifecycle.py"
    path.write_text("def start():\n    from grader.checks import state\n\nfrom . import errors\n")
    known = {"grader.checks", "grader.checks.state", "grader.engine.errors"}
    assert imports_of("grader.engine.lifecycle", path, known) == {
        "grader.checks.state",
        "grader.engine.errors",
    }


ENGINE_API = PACKAGE / "engine" / "api.py"


def engine_api_names() -> set[str]:
    """The methods and attributes the Engine API protocol declares."""
    tree = ast.parse(ENGINE_API.read_text())
    (protocol,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "EngineAPI"]
    names = {n.name for n in protocol.body if isinstance(n, ast.FunctionDef)}
    names |= {
        n.target.id
        for n in protocol.body
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
    }
    return names


def engine_uses(folder: Path) -> list[tuple[str, int, str]]:
    """(file, line, attribute) of every ``api.<attribute>`` and ``engine().<attribute>``."""
    uses = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Attribute):
                continue
            owner = node.value
            if isinstance(owner, ast.Call) and not owner.args:
                owner = owner.func
                if not (isinstance(owner, ast.Name) and owner.id == "engine"):
                    continue
            elif not (isinstance(owner, ast.Name) and owner.id == "api"):
                continue
            uses.append((path.name, node.lineno, node.attr))
    return uses


@pytest.mark.parametrize("layer", ["checks", "widgets"])
def test_checks_and_widgets_use_only_the_engine_api(layer):
    """No sandbox-only or daemon-only call, and no choosing a code path by backend."""
    allowed = engine_api_names() - {"kind"}
    outside = [use for use in engine_uses(PACKAGE / layer) if use[2] not in allowed]
    assert outside == []
