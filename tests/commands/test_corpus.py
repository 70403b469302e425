"""The grammar against Docker 28's own CLI: its verdicts, and what accepted lines mean.

``docker28_corpus.jsonl`` (record_corpus.py) holds the CLI's verdict on each line;
``parsed.jsonl`` (record_parsed.py, reviewed against the requests) what each accepted line
means to the grammar; ``requests.jsonl`` (record_requests.py) the Engine API request the
real CLI sent for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest

from grader.commands import DockerCLIError, parse_argv
from grader.commands.parser import (
    BUILDKIT_DISABLED_WARNING,
    BUILDX_FLAGS,
    LEGACY_BUILDER_WARNING,
)

DATA = Path(__file__).parents[1] / "data" / "commands"
CORPUS = DATA / "docker28_corpus.jsonl"
RECORDS = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]
PARSED = {
    item["line"]: item["command"]
    for item in map(json.loads, (DATA / "parsed.jsonl").read_text().splitlines())
}
REQUESTS = [
    item
    for item in map(json.loads, (DATA / "requests.jsonl").read_text().splitlines())
    if item["requests"]
]

# Lines Docker refused for reasons outside the grammar: a missing local file, the network,
# or the daemon's operating system being unknown without a daemon. The grammar accepts them;
# the engine reports these problems when it runs the command.
ENVIRONMENT_DEPENDENT = {
    "docker run --env-file missing.list alpine": "reads the env file",
    "docker run --device /dev/null alpine": "needs the daemon's OS",
    "docker build missingdir": "reads the build context",
    "docker build https://github.com/example/repo.git": "clones a repository",
    "docker cp ./index.html web:/usr/share/nginx/html/": "reads the local file",
    "docker login -u student -p secret localhost:5000": "contacts the registry",
    "docker load -i nginx.tar": "reads the archive",
    "docker manifest inspect nginx": "contacts the registry",
    "docker cp - web:/tmp": "asks the daemon about the destination",
}


def test_corpus_is_large_and_mixed():
    assert len(RECORDS) >= 900
    refused = [r for r in RECORDS if not r["accepted"]]
    assert len(refused) >= 300
    assert {r["exit_code"] for r in refused} >= {1, 125}


def _builds(argv: list[str]) -> bool:
    return argv[:1] in (["build"], ["builder"]) or argv[:2] == ["image", "build"]


@pytest.mark.parametrize("record", RECORDS, ids=[r["line"] for r in RECORDS])
def test_same_verdict_as_docker(record, monkeypatch):
    """The corpus's client has no buildx, so its builds are the legacy builder's: the course
    gives the same verdicts under ``DOCKER_BUILDKIT=0``, whose banner says so instead."""
    line = record["line"]
    if _builds(record["argv"]):
        monkeypatch.setenv("DOCKER_BUILDKIT", "0")
        record = {
            **record,
            "stderr": record["stderr"].replace(LEGACY_BUILDER_WARNING, BUILDKIT_DISABLED_WARNING),
        }
    if record["accepted"] or line in ENVIRONMENT_DEPENDENT:
        command = parse_argv(record["argv"])
        assert command.argv == record["argv"]
        assert command.to_json() == PARSED[line]
        return
    with pytest.raises(DockerCLIError) as caught:
        parse_argv(record["argv"])
    assert caught.value.exit_code == record["exit_code"]
    assert caught.value.message == record["stderr"].rstrip("\n")


def test_environment_dependent_lines_are_in_the_corpus():
    assert set(ENVIRONMENT_DEPENDENT) <= {r["line"] for r in RECORDS}


@pytest.mark.parametrize("record", [r for r in RECORDS if _builds(r["argv"])], ids=str)
def test_buildkit_builds_print_no_banner(record, monkeypatch):
    """With BuildKit (Docker 28's default) the client's refusals have no legacy banner."""
    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    if record["accepted"] or record["line"] in ENVIRONMENT_DEPENDENT:
        parse_argv(record["argv"])
        return
    try:
        parse_argv(record["argv"])
    except DockerCLIError as error:
        assert "DEPRECATED" not in error.message
        assert error.message == record["stderr"].replace(LEGACY_BUILDER_WARNING + "\n", "").rstrip()
        return
    flags = {word.lstrip("-").partition("=")[0] for word in record["argv"] if word.startswith("--")}
    assert flags & {name for name, _, _ in BUILDX_FLAGS}, "only buildx's own flags become valid"


def test_buildx_flags_exist_only_with_buildkit(monkeypatch):
    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    command = parse_argv(["build", "--progress=plain", "--load", "-t", "web:1", "."])
    assert command.options["progress"] == "plain"
    monkeypatch.setenv("DOCKER_BUILDKIT", "0")
    with pytest.raises(DockerCLIError, match="unknown flag: --progress"):
        parse_argv(["build", "--progress=plain", "."])


def test_every_accepted_line_has_a_recorded_meaning():
    accepted = {r["line"] for r in RECORDS if r["accepted"]}
    assert set(PARSED) == accepted | set(ENVIRONMENT_DEPENDENT)


NOT_SENT = {
    "container exec": "the CLI inspects the container first; the recorder refuses that",
    "container port": "the port is filtered client-side from the container's inspect",
    "image build": "the context folder travels as a tar, not by name",
}
"""Commands whose arguments do not appear in the first request the CLI sends."""


def _sent(argument: str, request_text: str) -> bool:
    """Whether an argument reaches the request: whole, or split as name:tag, name@digest
    or container:path (the CLI sends the two parts apart)."""
    if argument in request_text:
        return True
    splits = (argument.rpartition(":"), argument.rpartition("@"), argument.partition(":"))
    return any(sep and head in request_text and tail in request_text for head, sep, tail in splits)


@pytest.mark.parametrize("record", REQUESTS, ids=[r["line"] for r in REQUESTS])
def test_arguments_reach_the_request_docker28_sends(record):
    """Each argument the grammar found is one the real CLI sent to the Engine API."""
    command = parse_argv(record["argv"])
    if command.name in NOT_SENT:
        return
    text = unquote(json.dumps(record["requests"]))
    # "-" is the CLI's own standard input or output (docker cp ... -), never sent.
    args = [arg for arg in command.args if arg != "-"]
    if command.name == "container cp" and ":" in command.args[-1]:
        # Copying into a container: the host source travels as the tar's content, under the
        # target's name, never as a path.
        args = args[1:]
    missing = [arg for arg in args if not _sent(json.dumps(arg)[1:-1], text)]
    assert missing == []
