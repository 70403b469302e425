"""Dockerfile parsing: the instructions, forms and errors Docker's classic builder sees."""

from __future__ import annotations

import pytest

from grader.dockerfile.instructions import DockerfileError, base_images, parse

NODE = """# the cache-friendly ordering
FROM node:20-alpine AS app
WORKDIR /app
ADD package*.json ./
RUN npm install \\
  && npm cache clean --force
COPY --chown=node:node . .
ENV PORT=8080 NAME="my app"
cmd node index.js
"""


def test_steps_show_the_instruction_as_written() -> None:
    steps = parse(NODE)
    assert [step.original for step in steps] == [
        "FROM node:20-alpine AS app",
        "WORKDIR /app",
        "ADD package*.json ./",
        "RUN npm install   && npm cache clean --force",
        "COPY --chown=node:node . .",
        'ENV PORT=8080 NAME="my app"',
        "cmd node index.js",
    ]
    assert [step.line for step in steps] == [2, 3, 4, 5, 7, 8, 9]
    assert base_images(steps) == ["node:20-alpine"]


def test_forms_and_arguments() -> None:
    steps = {step.keyword: step for step in parse(NODE)}
    assert steps["CMD"].command() == ["/bin/sh", "-c", "node index.js"]
    assert steps["ADD"].arguments() == ["package*.json", "./"]
    assert steps["COPY"].flags == {"chown": "node:node"}
    assert steps["COPY"].arguments() == [".", "."]
    assert steps["ENV"].pairs() == [("PORT", "8080"), ("NAME", "my app")]
    exec_form = parse('FROM alpine\nENTRYPOINT ["ls", "-l"]\n')[1]
    assert exec_form.exec_form == ["ls", "-l"]
    assert parse("FROM alpine\nENV LEGACY some value\n")[1].pairs() == [("LEGACY", "some value")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("FROM alpine\nFOO bar\n", "dockerfile parse error line 2: unknown instruction: FOO"),
        ("# only a comment\n", "the Dockerfile (Dockerfile) cannot be empty"),
        ("RUN echo hi\n", "no build stage in current context"),
        (
            "FROM alpine\nCOPY onlyone\n",
            "dockerfile parse error line 2: COPY requires at least two arguments",
        ),
    ],
)
def test_docker_errors(text: str, message: str) -> None:
    with pytest.raises(DockerfileError) as caught:
        parse(text)
    assert str(caught.value) == message
