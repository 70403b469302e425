"""The course's swarm listings, ``plugin ls``, ``swarm init``, ``login``, ``search`` and
``run --use-api-socket`` on the sandbox: what the Docker 28 CLI prints on dockerd.

The expected texts are the Docker 28 CLI's on the sandbox daemon (``/usr/local/bin/docker``
with ``DOCKER_HOST`` on ``python -m grader serve``), which answers as dockerd does outside
a swarm and without internet access.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from grader.dockercli import execute
from grader.engine import get_engine
from grader.engine.sandbox import SandboxEngine

NOT_A_MANAGER = (
    'Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or '
    '"docker swarm join" to connect this node to swarm and try again.\n'
)
PAT_NOTE = (
    "\n Info -> A Personal Access Token (PAT) can be used instead.\n"
    "         To create a PAT, visit \x1b[4mhttps://app.docker.com/settings\x1b[0m\n"
    "         \n         \n"
)
HUB_UNREACHABLE = (
    'Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup '
    "registry-1.docker.io: no such host\n"
)


@pytest.fixture
def engine(sandbox_dir: Path) -> SandboxEngine:
    found = get_engine("sandbox")
    assert isinstance(found, SandboxEngine)
    return found


class Terminal(io.StringIO):
    """Standard input typed on a terminal."""

    def isatty(self) -> bool:
        return True


def run(engine: Any, *argv: str, stdin: io.StringIO | None = None) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    with mock.patch("sys.stdin", stdin if stdin is not None else io.StringIO()):
        code = execute(list(argv), engine, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), code


@pytest.mark.parametrize(
    "argv", [["service", "ls"], ["stack", "ls"], ["node", "ls"], ["secret", "ls"], ["config", "ls"]]
)
def test_swarm_listings_say_the_node_is_no_manager(engine: SandboxEngine, argv: list[str]) -> None:
    assert run(engine, *argv) == ("", NOT_A_MANAGER, 1)


def test_swarm_init_is_refused_by_the_sandbox(engine: SandboxEngine) -> None:
    assert run(engine, "swarm", "init") == (
        "",
        "Error response from daemon: the course's sandbox engine does not run swarm mode: "
        "services, stacks and swarm nodes need a real Docker Engine\n",
        1,
    )


def test_a_swarm_managers_listing_is_left_to_the_docker_cli(engine: SandboxEngine) -> None:
    with mock.patch.object(SandboxEngine, "services", return_value=[]):
        out, err, code = run(engine, "service", "ls")
    assert (out, code) == ("", 1)
    assert err == (
        "docker service ls: this engine is a swarm manager; the course does not list swarm "
        "objects (run the Docker CLI itself)\n"
    )


def test_plugin_ls_lists_the_engines_plugins(engine: SandboxEngine) -> None:
    assert run(engine, "plugin", "ls") == ("ID        NAME      DESCRIPTION   ENABLED\n", "", 0)
    assert run(engine, "plugin", "ls", "-q") == ("", "", 0)
    plugin = {
        "Id": "5a3b" * 16,
        "Name": "vieux/sshfs:latest",
        "Enabled": True,
        "PluginReference": "docker.io/vieux/sshfs:latest",
        "Config": {"Description": "sshFS plugin for Docker, mounting remote folders over ssh"},
    }
    with mock.patch.object(SandboxEngine, "plugins", return_value=[plugin]):
        table, _, code = run(engine, "plugin", "ls")
        quiet = run(engine, "plugin", "ls", "-q")[0]
        whole = run(engine, "plugin", "ls", "--no-trunc", "--format", "{{.ID}} {{.Description}}")
    assert code == 0
    assert table.splitlines()[1].split("   ") == [
        "5a3b5a3b5a3b",
        "vieux/sshfs:latest",
        "sshFS plugin for Docker, mounting remote fol…",
        "true",
    ]
    assert quiet == "5a3b5a3b5a3b\n"
    assert whole[0] == f"{'5a3b' * 16} {plugin['Config']['Description']}\n"


def test_login_to_the_course_registry_succeeds(engine: SandboxEngine) -> None:
    argv = ["login", "--username", "student", "--password-stdin"]
    for registry in ("localhost:5000", "127.0.0.1:5000"):
        assert run(engine, *argv, registry, stdin=io.StringIO("secret\n")) == (
            "Login Succeeded\n",
            "",
            0,
        )
    assert run(engine, "login", "localhost:5000", stdin=Terminal("student\nsecret\n")) == (
        "Username: Password: \nLogin Succeeded\n",
        "",
        0,
    )


def test_login_elsewhere_reaches_no_registry(engine: SandboxEngine) -> None:
    assert run(engine, "login", "-u", "me", "-p", "pw", "localhost:5001") == (
        "",
        "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n"
        'Error response from daemon: Get "http://localhost:5001/v2/": dial tcp localhost:5001: '
        "connect: connection refused\n",
        1,
    )
    assert run(engine, "login", "-u", "student", stdin=Terminal("secret\n")) == (
        "Password: \n",
        PAT_NOTE + HUB_UNREACHABLE,
        1,
    )


def test_a_bare_login_falls_back_to_the_prompts(engine: SandboxEngine) -> None:
    out, err, code = run(engine, "login", stdin=Terminal("student\nsecret\n"))
    assert out.startswith("Log in with your Docker ID or email address to push and pull images")
    assert out.endswith("access-tokens/\n\nUsername: Password: \n")
    assert err == (
        "Failed to start web-based login - falling back to command line login...\n\n"
        + PAT_NOTE
        + HUB_UNREACHABLE
    )
    assert code == 1


def test_login_without_a_terminal_or_a_name_is_refused(engine: SandboxEngine) -> None:
    refusal = "Error: Cannot perform an interactive login from a non TTY device\n"
    assert run(engine, "login", "-u", "student") == ("", refusal, 1)
    assert run(engine, "login", "-u", "s", "--password-stdin", stdin=io.StringIO("\n")) == (
        "",
        refusal,
        1,
    )
    assert run(engine, "login", "localhost:5000", stdin=Terminal("\n")) == (
        "Username: ",
        "Error: Non-null Username Required\n",
        1,
    )
    assert run(engine, "login", "-u", "s", "localhost:5000", stdin=Terminal("\n")) == (
        "Password: \n",
        "Error: Password Required\n",
        1,
    )


def test_search_renders_and_filters_the_engines_results(engine: SandboxEngine) -> None:
    found = [
        {"name": "nginx", "description": "Official build of Nginx.", "star_count": 20000,
         "is_official": True},
        {"name": "someone/nginx", "description": "A copy", "star_count": 3, "is_official": False},
    ]  # fmt: skip
    with mock.patch.object(SandboxEngine, "search", return_value=found) as search:
        table = run(engine, "search", "--limit", "5", "nginx")[0]
        official = run(engine, "search", "-f", "is-official=true", "--format", "{{.Name}}", "x")
        starred = run(engine, "search", "-f", "stars=10", "--format", "{{.StarCount}}", "x")
    assert search.call_args_list[0] == mock.call("nginx", limit=5)
    assert table.splitlines() == [
        "NAME            DESCRIPTION                STARS     OFFICIAL",
        "nginx           Official build of Nginx.   20000     [OK]",
        "someone/nginx   A copy                     3         ",
    ]
    assert official == ("nginx\n", "", 0)
    assert starred == ("20000\n", "", 0)


def test_use_api_socket_binds_the_engines_socket(engine: SandboxEngine, tmp_path: Path) -> None:
    (tmp_path / "docker.sock").touch()  # the engine's socket, as DOCKER_HOST names it
    with mock.patch.dict(os.environ, {"DOCKER_HOST": f"unix://{tmp_path}/docker.sock"}):
        out, _, code = run(engine, "create", "--name", "tool", "--use-api-socket", "alpine")
    assert code == 0
    assert engine.inspect_container("tool")["HostConfig"]["Mounts"] == [
        {
            "Type": "bind",
            "Source": f"{tmp_path}/docker.sock",
            "Target": "/var/run/docker.sock",
            "BindOptions": {},
        }
    ]
    with mock.patch.dict(os.environ, {"DOCKER_HOST": "tcp://127.0.0.1:2375"}):
        refused = "flag --use-api-socket can only be used with unix sockets: docker endpoint "
        assert run(engine, "create", "--use-api-socket", "alpine") == (
            "",
            refused + "tcp://127.0.0.1:2375 incompatible\n",
            1,
        )
        assert run(engine, "run", "--use-api-socket", "alpine") == (
            "",
            "docker: " + refused + "tcp://127.0.0.1:2375 incompatible\n\n"
            "Run 'docker run --help' for more information\n",
            125,
        )
