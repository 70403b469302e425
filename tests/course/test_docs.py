"""The instructor docs name real things: settings that exist, commands that exist, files there."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from traitlets.config import Configurable
from traitlets.config.loader import Config, PyFileConfigLoader

from grader.course.cli import cli

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
VALUES = DOCS / "deploy" / "z2jh-values.yaml"
SCHEMA = REPO / "tests" / "data" / "course" / "z2jh-values.schema.json"
DEFAULTS = REPO / "tests" / "data" / "course" / "z2jh-default-values.yaml"
PAGES = [DOCS / "instructor.md", DOCS / "jupyterhub.md"]


def configurable_classes() -> dict[str, list[type[Configurable]]]:
    """Every Configurable class nbgrader, nbconvert and the course define, by name."""
    import nbgrader.apps  # noqa: F401  (imports the converters, preprocessors, exchange)
    import nbgrader.exchange.default  # noqa: F401

    import grader.course.settings  # noqa: F401

    found: dict[str, list[type[Configurable]]] = {}
    todo = [Configurable]
    while todo:
        cls = todo.pop()
        found.setdefault(cls.__name__, []).append(cls)
        todo.extend(cls.__subclasses__())
    return found


def unknown_settings(config: Config) -> list[str]:
    classes = configurable_classes()
    problems = []
    for section, values in config.items():
        if section not in classes:
            problems.append(f"{section}: no such configurable class")
            continue
        traits = {name for cls in classes[section] for name in cls.class_traits(config=True)}
        problems += [f"{section}.{key}: not a setting" for key in values if key not in traits]
    return problems


def test_the_course_config_sets_only_real_settings() -> None:
    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()
    assert config.CourseDirectory.source_directory == "notebooks"
    assert unknown_settings(config) == []


def test_the_checker_catches_a_misspelt_setting(tmp_path: Path) -> None:
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.Execute.timout = 5\nc.Exchnage.root = '/x'\n"
    )
    config = PyFileConfigLoader("nbgrader_config.py", path=str(tmp_path)).load_config()
    assert unknown_settings(config) == [
        "Execute.timout: not a setting",
        "Exchnage: no such configurable class",
    ]


def merged(defaults: dict, values: dict) -> dict:
    """Helm's merge of user values over chart defaults (maps merge, the rest replaces)."""
    result = dict(defaults)
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def test_z2jh_values_match_the_chart_schema() -> None:
    values = merged(yaml.safe_load(DEFAULTS.read_text()), yaml.safe_load(VALUES.read_text()))
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(values)]
    assert errors == []
    broken = {**values, "singleuser": {**values["singleuser"], "extraEnviron": {}}}
    assert not validator.is_valid(broken)  # the schema rejects unknown keys


def test_the_deployed_nbgrader_config_sets_real_settings(tmp_path: Path) -> None:
    values = yaml.safe_load(VALUES.read_text())
    files = values["singleuser"]["extraFiles"]
    assert files["nbgrader-config"]["mountPath"] == "/etc/jupyter/nbgrader_config.py"
    (tmp_path / "nbgrader_config.py").write_text(files["nbgrader-config"]["stringData"])
    config = PyFileConfigLoader("nbgrader_config.py", path=str(tmp_path)).load_config()
    assert config.Exchange.root == "/srv/nbgrader/exchange"
    mounts = values["singleuser"]["storage"]["extraVolumeMounts"]
    assert {"name": "nbgrader-exchange", "mountPath": config.Exchange.root} in mounts
    assert unknown_settings(config) == []


def test_the_sidecar_is_what_course_engine_docker_talks_to() -> None:
    values = yaml.safe_load(VALUES.read_text())
    env = values["singleuser"]["extraEnv"]
    assert env["COURSE_ENGINE"] == "docker"
    sidecar = values["singleuser"]["extraContainers"][0]
    assert "dind-rootless" in sidecar["image"]
    assert {"name": "DOCKER_TLS_CERTDIR", "value": ""} in sidecar["env"]
    assert env["DOCKER_HOST"] == "tcp://localhost:2375"  # dind's port without TLS


def shell_lines(page: Path) -> list[str]:
    blocks = re.findall(r"```console\n(.*?)```", page.read_text(), re.S)
    return [
        line[2:].strip() for block in blocks for line in block.splitlines() if line.startswith("$ ")
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_in_the_docs_exists(page: Path) -> None:
    from nbgrader.apps.nbgraderapp import NbGraderApp

    course_verbs = set(cli.commands)
    nbgrader_verbs = set(NbGraderApp.subcommands)
    problems = []
    for line in shell_lines(page):
        words = line.split("#")[0].split()
        if words[:1] == ["course"] and words[1] not in course_verbs:
            problems.append(line)
        if words[:1] == ["nbgrader"] and words[1] not in nbgrader_verbs:
            problems.append(line)
    assert problems == []
    assert any(line.startswith("course ") for line in shell_lines(page))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_local_link_resolves(page: Path) -> None:
    targets = re.findall(r"\]\(([^)#:]+)\)", page.read_text())
    missing = [t for t in targets if not (page.parent / t).exists()]
    assert missing == []
