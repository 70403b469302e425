"""Every accepted corpus line asks the engine for what the Docker 28 CLI asks the daemon for.

``tests/data/commands/requests.jsonl`` holds, for each line the CLI accepts, the first
Engine API request the real CLI sends (recorded by ``record_requests.py``). Two roads lead
from a line to the engine, and they must meet:

- the course's own: ``grader.commands`` parses the line and ``grader.dockercli`` calls
  the engine (a notebook cell, or a terminal through the daemon's workers);
- the real CLI's: the recorded request goes through the daemon's route
  (``grader.serve.routes``), which calls the engine.

The course's commands run where the recording ran: in a folder like its working folder,
with its ``DOCKER_HOST`` (a socket in that folder) and its standard input (a terminal that
types "y", or the record's ``stdin``). Both run on a recording engine that stops at the
first call; the calls are compared in a canonical form (arguments bound to the Engine
API's signature, defaults and empty values dropped, image names normalised, HostConfig
completed with the daemon's defaults, a Dockerfile from outside the context named alike).
Where the CLI sends one request per container all at once (:data:`CONCURRENT`), the
recording's order is chance: there every request is compared, as a set that must match
exactly, the recording engine answering each call with an error as the recording daemon
did, so the course goes on to the next container as the CLI does.

Where the roads part, :data:`DIFFERENCES` says why, per line (strict ``xfail``: a line
that starts to agree must leave the table); a line whose first request depended on a
daemon's earlier answers, or on a command the sandbox does not serve, would go there too.
It is empty today: every recorded line agrees.
"""

from __future__ import annotations

import inspect
import io
import json
import os
import re
import tarfile
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlencode

import pytest

from grader import reference
from grader.commands import parse_argv
from grader.dockercli.executor import execute
from grader.engine.errors import EngineError, ImageNotFound
from grader.engine.sandbox import SandboxEngine, hostconfig
from grader.serve import routes
from grader.serve.http import parse_request

DATA = Path(__file__).parents[1] / "data" / "commands"
RECORDS = [
    json.loads(line)
    for line in (DATA / "requests.jsonl").read_text().splitlines()
    if line.strip() and json.loads(line)["requests"]
]
DIFFERENCES: dict[str, str] = json.loads((DATA / "request_differences.json").read_text())
WORKDIR = "$WORKDIR"
"""The recording's working folder, as ``record_requests.py`` wrote it."""
FILES = {"Dockerfile": "FROM busybox\n", "app/Dockerfile": "FROM busybox\n", "env.list": "A=1\n"}
"""What that folder held (``record_requests.py``)."""
DEFAULTS = {"driver": "local", "tag": "latest", "dockerfile": "Dockerfile"}
"""Values the daemon treats as absent."""
OUTSIDE = "<a Dockerfile from outside the context>"
OUTSIDE_NAME = re.compile(r"\.dockerfile\.[0-9a-f]+")
"""How a Dockerfile from outside the context reaches the engine: the CLI (and docker-py)
adds it to the context's archive under a random name (``.dockerfile.<hex>``); the course
hands the engine its path outside the context (for ``-f -``, a file it wrote stdin to)."""


CONCURRENT = frozenset(
    {
        "container rm",
        "container stop",
        "container restart",
        "container kill",
        "container pause",
        "container unpause",
        "container stats",
    }
)
"""Commands whose per-container requests the Docker 28 CLI sends concurrently: through
``parallelOperation`` (docker/cli v28.2.2 ``cli/command/container/utils.go``: one goroutine
per container, up to 50 at once) for rm, stop, restart, kill, pause and unpause, and one
``collect`` goroutine per named container for stats (``cli/command/container/stats.go``).
(``start``, ``wait`` and ``inspect`` loop over their arguments one after the other.)"""

DOCKERD_UNROUTED = frozenset({("DELETE", "/images"), ("GET", "/images/history")})
"""Paths the CLI asks for with an empty image name (``rmi ""``, ``history ""``: the Go client
puts the name in the path as is) that dockerd's router does not serve either: it answers
404 "page not found" without an engine call (moby v28.2.2 ``api/server/server.go``; seen on
the real engine), and the course makes none."""


class _Stop(Exception):
    """Raised by the recording engine at its first call."""


LOOKUPS = frozenset({"inspect_image"})
"""Calls the CLI emulation may make before the one the line is about: BuildKit's
``load metadata for`` looks the base image up first (the daemon does that inside its build).
The recorder answers them "not found" and goes on."""


class RecordingEngine:
    """Records the first Engine API call and stops (``create_host_config`` is real)."""

    kind = "sandbox"
    attaches_terminal = False
    autoremove_keeps_logs = True

    def __init__(self, lookups: frozenset[str] = frozenset(), refuse: bool = False) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.lookups = lookups
        self.refuse = refuse
        """Answer every call with an error (as the recording daemon did) instead of stopping."""

    def create_host_config(self, **kwargs: Any) -> dict[str, Any]:
        """docker-py's HostConfig, as the sandbox builds it."""
        return hostconfig.create_host_config(**kwargs)

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args, kwargs))
            if name in self.lookups:
                raise ImageNotFound(f"No such image: {args[0] if args else ''}")
            if self.refuse:
                raise EngineError("recorded", 500)
            raise _Stop

        return call


class _NoReply:
    """A reply that is never reached: the engine call stops the endpoint first.

    A stream handed to it (``json_stream``) is started, since that is where it calls.
    """

    def __getattr__(self, name: str) -> Any:
        def answer(*args: Any, **kwargs: Any) -> None:
            for item in args:
                if hasattr(item, "__next__"):
                    next(item)
            raise AssertionError(f"the endpoint answered ({name}) without calling the engine")

        return answer


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder like the recording's, which the course's commands run in."""
    folder = tmp_path_factory.mktemp("workdir")
    for name, text in FILES.items():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text(text)
    return folder


class _Terminal(io.StringIO):
    """Standard input as ``record_requests.py`` gave the CLI: a terminal that answers "y"."""

    def isatty(self) -> bool:
        return True


def course_calls(
    argv: list[str], cwd: Path, refuse: bool = False, stdin: str = "y\n"
) -> list[tuple[str, Any]]:
    """The engine calls the course makes for ``docker ARGV`` run in ``cwd``, ``stdin`` typed.

    Only the first unless ``refuse``: then every call is answered with an error and the
    command goes on.
    """
    engine = RecordingEngine(LOOKUPS, refuse)
    out = io.StringIO()
    host = {"DOCKER_HOST": f"unix://{cwd}/docker.sock"}  # the recording's (record_requests.py)
    try:  # the recorder stops the command at its first engine call
        with mock.patch("sys.stdin", _Terminal(stdin)), mock.patch.dict(os.environ, host):
            execute(list(argv), engine, stdout=out, stderr=out, cwd=str(cwd))  # type: ignore[arg-type]
    except _Stop:
        pass
    calls = [call for call in engine.calls if call[0] not in LOOKUPS] or engine.calls
    return [json.loads(json.dumps(canonical(*call)).replace(str(cwd), WORKDIR)) for call in calls]


def course_call(argv: list[str], cwd: Path, stdin: str = "y\n") -> tuple[str, Any] | None:
    """The first engine call the course makes for ``docker ARGV`` run in ``cwd``."""
    calls = course_calls(argv, cwd, stdin=stdin)
    return (calls[0][0], calls[0][1]) if calls else None


def daemon_call(request: dict[str, Any]) -> tuple[str, dict[str, Any]] | str | None:
    """The first engine call the daemon makes for a recorded request (or why it makes none).

    None for a path dockerd does not route either (:data:`DOCKERD_UNROUTED`).
    """
    query = urlencode([(k, v) for k, values in request["query"].items() for v in values])
    target = request["path"] + (f"?{query}" if query else "")
    req = parse_request(request["method"], target, {}, _body(request["body"]))
    found = routes.find(req.method, req.path)
    if found is None:
        if (req.method, req.path) in DOCKERD_UNROUTED:
            return None
        return f"no route for {req.method} {req.path}"
    endpoint, req.groups = found
    engine = RecordingEngine()
    try:
        endpoint(engine, req, _NoReply())  # type: ignore[arg-type]
    except _Stop:
        pass
    except EngineError as error:
        return f"refused: {error.explanation}"
    return canonical(*engine.calls[0])


def _body(body: Any) -> bytes:
    if body is None or "bytes" in body:
        return b""
    if "tar" not in body:
        return json.dumps(body).encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name in body["tar"]:
            info = tarfile.TarInfo(name)
            if name == "app":
                info.type = tarfile.DIRTYPE
                archive.addfile(info)
                continue
            data = b"FROM busybox\n" if name.endswith("Dockerfile") else b""
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def canonical(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[str, Any]:
    """A call with its arguments bound by name, defaults and empty values dropped."""
    bound = inspect.signature(getattr(SandboxEngine, name)).bind(None, *args, **kwargs)
    values = dict(bound.arguments)
    values.pop("self", None)
    values.update(values.pop("kwargs", {}) or {})
    for key in ("repository", "image"):
        if isinstance(values.get(key), str):
            try:
                values[key] = reference.parse_normalized_named(values[key]).familiar_string()
            except reference.ReferenceError:
                pass
    if name == "images" and values.get("name"):  # docker-py's name is a reference filter
        filters = dict(values.get("filters") or {})
        filters["reference"] = [*filters.get("reference", []), values.pop("name")]
        values["filters"] = filters
    if name == "create_container":
        # The Docker 28 CLI sends -e variables in a Go map's (random) order: seen as
        # ["B=3", "C=1", "A=2"] for "-e C=1 -e A=2 -e B=3".
        values["environment"] = sorted(values.get("environment") or [])
        values["host_config"] = hostconfig.full(dict(values.get("host_config") or {}))
        values["ports"] = sorted(
            hostconfig.port_key(p if not isinstance(p, tuple | list) else f"{p[0]}/{p[1]}")
            for p in values.get("ports") or []
        )
    if name == "create_network" and isinstance(values.get("ipam"), dict):
        # one IPAM pool per --subnet, in a Go map's (random) order
        pools = values["ipam"].get("Config") or []
        values["ipam"] = {**values["ipam"], "Config": sorted(pools, key=json.dumps)}
    if name == "build":
        dockerfile = values.get("dockerfile")
        if dockerfile and os.path.isabs(dockerfile):
            dockerfile = values["dockerfile"] = os.path.relpath(dockerfile, values["path"])
        if dockerfile and (dockerfile.startswith("..") or OUTSIDE_NAME.fullmatch(dockerfile)):
            values["dockerfile"] = OUTSIDE
        values["path"] = "<context>"
        # Which builder runs is not the line's meaning: the recording CLI had no buildx
        # plugin, so it asked for the legacy builder; the course builds with BuildKit
        # (``version=2``), as Docker 28 with buildx does.
        values.pop("version", None)
    if isinstance(values.get("data"), bytes):  # an archive's bytes (import, load)
        values["data"] = "<archive>"
    return name, _clean(values)


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {
            k: v
            for k, v in cleaned.items()
            if v not in (None, False, "", [], {}, 0) and DEFAULTS.get(k) != v
        }
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


@pytest.mark.parametrize("record", RECORDS, ids=[r["line"] for r in RECORDS])
def test_the_course_asks_what_the_cli_asks(record: dict[str, Any], workdir: Path) -> None:
    cmd = parse_argv(record["argv"])
    course: Any
    daemon: Any
    if cmd.name in CONCURRENT and cmd.args:
        course = sorted(map(json.dumps, course_calls(record["argv"], workdir, refuse=True)))
        daemon = sorted(json.dumps(daemon_call(request)) for request in record["requests"])
    else:
        course = course_call(record["argv"], workdir, record.get("stdin", "y\n"))
        daemon = daemon_call(record["requests"][0])
    if record["line"] in DIFFERENCES:
        assert course != daemon, "this line now agrees: take it out of DIFFERENCES"
        pytest.xfail(DIFFERENCES[record["line"]])
    assert course == daemon


def test_differences_name_corpus_lines() -> None:
    assert set(DIFFERENCES) <= {r["line"] for r in RECORDS}
