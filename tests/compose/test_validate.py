"""Compose files checked against the Compose specification's schema, with teaching hints."""

from __future__ import annotations

import json

import pytest
import yaml

from grader.compose.validate import SCHEMA, problems


def _first(text: str):
    found = problems(yaml.safe_load(text), text)
    assert found, "expected a problem"
    return found[0]


def test_the_vendored_schema_is_the_compose_specification() -> None:
    schema = json.loads(SCHEMA.read_text())
    assert schema["title"] == "Compose Specification"
    assert {"services", "networks", "volumes"} <= set(schema["properties"])


def test_a_correct_three_tier_file_has_no_problem() -> None:
    text = """
services:
  web:
    image: nginx:latest
    ports: ["8080:80"]
    depends_on: [api]
  api:
    image: node:20
    environment:
      DB_HOST: db
    depends_on:
      db:
        condition: service_healthy
  db:
    image: busybox
    volumes: [data:/data]
    healthcheck:
      test: ["CMD", "true"]
      interval: 2s
volumes:
  data:
"""
    assert problems(yaml.safe_load(text), text) == []


@pytest.mark.parametrize(
    ("text", "compose", "hint", "line"),
    [
        (
            "services:\n  web:\n    imagee: nginx\n",
            "services.web additional properties 'imagee' not allowed",
            'did you mean "image"?',
            3,
        ),
        (
            "service:\n  web:\n    image: nginx\n",
            " additional properties 'service' not allowed",
            'did you mean "services"?',
            1,
        ),
        (
            "services:\n  web:\n    image: nginx\n    ports: 8080:80\n",
            "services.web.ports must be a array",
            "on its own line starting with '- '",
            4,
        ),
        (
            "services:\n  web:\n    image: nginx\n    depends_on:\n      db:\n"
            "        condition: healthy\n  db:\n    image: busybox\n",
            "services.web.depends_on.db.condition value must be one of 'service_started', "
            "'service_healthy', 'service_completed_successfully'",
            "'healthy' is not one of",
            6,
        ),
        (
            "services:\n  db:\n    image: busybox\n    volumes:\n      - data:/data\n",
            'service "db" refers to undefined volume data: invalid compose project',
            'add "volumes:" with "data:" under it',
            5,
        ),
        (
            "services:\n  web:\n    image: nginx\n    depends_on: [dbb]\n  db:\n    image: x\n",
            'service "web" depends on undefined service "dbb": invalid compose project',
            "db, web",
            4,
        ),
        (
            "services:\n  web:\n    ports: ['80']\n",
            'service "web" has neither an image nor a build context specified: '
            "invalid compose project",
            'give services.web an "image:"',
            2,
        ),
    ],
)
def test_problems_word_compose_and_teach(text: str, compose: str, hint: str, line: int) -> None:
    problem = _first(text)
    assert problem.compose == compose
    assert hint in problem.hint
    assert problem.line == line
    assert str(problem).startswith(f"line {line}: ")
