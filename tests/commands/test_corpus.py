"""The grammar against Docker 28's own verdicts, recorded by record_corpus.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.commands import DockerCLIError, parse_argv

CORPUS = Path(__file__).parents[1] / "data" / "commands" / "docker28_corpus.jsonl"
RECORDS = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]

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


@pytest.mark.parametrize("record", RECORDS, ids=[r["line"] for r in RECORDS])
def test_same_verdict_as_docker(record):
    line = record["line"]
    if record["accepted"] or line in ENVIRONMENT_DEPENDENT:
        command = parse_argv(record["argv"])
        assert command.argv == record["argv"]
        return
    with pytest.raises(DockerCLIError) as caught:
        parse_argv(record["argv"])
    assert caught.value.exit_code == record["exit_code"]
    assert caught.value.message == record["stderr"].rstrip("\n")


def test_environment_dependent_lines_are_in_the_corpus():
    assert set(ENVIRONMENT_DEPENDENT) <= {r["line"] for r in RECORDS}
