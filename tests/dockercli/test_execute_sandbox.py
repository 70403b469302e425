"""The executor over the sandbox engine: formats, exit codes, bounded commands, errors."""

from __future__ import annotations

import io
import json
import threading
import time
from pathlib import Path

import pytest

from grader.dockercli import execute, run_script
from grader.dockercli.stream import follow, stop_note
from grader.engine import get_engine
from grader.engine.api import FOLLOW_QUIET


@pytest.fixture
def engine(sandbox_dir: Path):
    return get_engine("sandbox")


def run(engine, *argv: str, timeout: float | None = 10) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = execute(list(argv), engine, stdout=out, stderr=err, timeout=timeout)
    return out.getvalue(), err.getvalue(), code


def test_foreground_run_exit_code_and_rm(engine) -> None:
    out, err, code = run(
        engine, "run", "--rm", "--name", "fg", "busybox", "sh", "-c", "echo hi; exit 3"
    )
    assert (out, code) == ("hi\n", 3)
    assert run(engine, "ps", "-aq", "--filter", "name=fg") == ("", "", 0)


def test_detached_run_prints_the_full_id(engine) -> None:
    out, _, code = run(engine, "run", "-d", "--name", "bg", "busybox", "sleep", "300")
    assert code == 0 and len(out.strip()) == 64
    assert run(engine, "ps", "-q")[0] == out[:12] + "\n"
    assert run(engine, "ps", "--no-trunc", "-q")[0] == out
    assert run(engine, "ps", "--format", "{{.Names}} {{.State}} {{.Command}}")[0] == (
        'bg running "sleep 300"\n'
    )
    row = json.loads(run(engine, "ps", "--format", "json")[0])
    assert (row["Names"], row["State"], row["ID"]) == ("bg", "running", out[:12])


def test_follow_stops_at_the_bound(engine) -> None:
    run(engine, "run", "-d", "--name", "talker", "busybox", "sh", "-c", "echo one; sleep 300")
    out, err, code = run(engine, "logs", "-f", "talker", timeout=2)
    assert (out, err, code) == (
        "one\n",
        "(stopped following after 2s; the container keeps running)\n",
        0,
    )
    assert run(engine, "inspect", "-f", "{{.State.Running}}", "talker")[0] == "true\n"


def test_foreground_server_run_is_bounded(engine) -> None:
    out, err, code = run(
        engine, "run", "--name", "srv", "busybox", "sh", "-c", "echo up; sleep 300", timeout=2
    )
    assert (out, code) == ("up\n", 0)
    assert err.endswith("(stopped following after 2s; the container keeps running)\n")


def test_while_grading_a_quiet_follow_ends_as_the_bound_would(engine, monkeypatch) -> None:
    monkeypatch.setenv("COURSE_GRADING", "1")
    run(engine, "run", "-d", "--name", "web", "nginx:latest")
    readers = {t for t in threading.enumerate() if t.name == "docker-follow"}
    started = time.monotonic()
    logs = run(engine, "logs", "-f", "--tail", "1", "web", timeout=600)
    foreground = run(engine, "run", "--name", "fg", "nginx:latest", timeout=600)
    assert time.monotonic() - started < 60, "nothing can come: no reason to wait the bound"
    note = "(stopped following after 600s; the container keeps running)\n"
    assert logs[1].endswith("start worker process 30\n" + note) and logs[2] == 0
    assert foreground[1].endswith(note) and foreground[2] == 0
    assert run(engine, "inspect", "-f", "{{.State.Running}}", "fg")[0] == "true\n"
    left = {t for t in threading.enumerate() if t.name == "docker-follow"} - readers
    assert not left, "no reader of the engine's state outlives a quiet follow"


def test_while_grading_a_container_with_more_to_say_is_followed(engine, monkeypatch, clock) -> None:
    monkeypatch.setenv("COURSE_GRADING", "1")
    script = "echo one; sleep 5; echo two"
    assert run(engine, "run", "--name", "slow", "busybox", "sh", "-c", script, timeout=600) == (
        "one\ntwo\n",
        "",
        0,
    )


def test_follow_ends_at_the_quiet_marker_as_at_the_bound() -> None:
    closed = threading.Event()

    def stream():
        try:
            yield ("stdout", b"a\n")
            while True:
                yield FOLLOW_QUIET
        finally:
            closed.set()

    seen: list[object] = []
    assert follow(stream(), seen.append, timeout=None) == "timeout"
    assert seen == [("stdout", b"a\n")]
    assert closed.is_set(), "the engine's stream is closed before following returns"


def test_stop_start_rm_lines_and_errors(engine) -> None:
    run(engine, "run", "-d", "--name", "web", "busybox", "sleep", "300")
    assert run(engine, "stop", "web", "nosuch") == (
        "web\n",
        "Error response from daemon: No such container: nosuch\n",
        1,
    )
    assert run(engine, "start", "web") == ("web\n", "", 0)
    assert run(engine, "start", "nosuch") == (
        "",
        "Error response from daemon: No such container: nosuch\n"
        "Error: failed to start containers: nosuch\n",
        1,
    )
    assert run(engine, "rm", "-f", "web", "nosuch") == (
        "web\n",
        "Error response from daemon: No such container: nosuch\n",
        0,
    )


def test_inspect_formats_and_missing_objects(engine) -> None:
    run(engine, "run", "-d", "--name", "i1", "-p", "127.0.0.1::80", "nginx")
    out, _, _ = run(engine, "inspect", "i1")
    [info] = json.loads(out)
    assert out.startswith('[\n    {\n        "Id": ')
    assert info["Name"] == "/i1"
    assert run(engine, "inspect", "--format", "{{json .Config.Cmd}}", "i1")[0] == (
        '["nginx","-g","daemon off;"]\n'
    )
    assert run(engine, "inspect", "nosuch") == ("[]\n", "Error: No such object: nosuch\n", 1)
    assert run(engine, "inspect", "-f", "{{.Nope}}", "i1") == (
        "\n",
        'template parsing error: template: :1:2: executing "" at <.Nope>: '
        'map has no entry for key "Nope"\n',
        1,
    )
    assert run(engine, "inspect", "-f", "{{.Nope", "i1") == (
        "",
        "template parsing error: template: :1: unclosed action\n",
        64,
    )
    run(engine, "rm", "-f", "i1")


def test_images_tag_rmi(engine) -> None:
    assert run(engine, "tag", "busybox:latest", "mybox:1.0") == ("", "", 0)
    out = run(engine, "images", "--format", "{{.Repository}}:{{.Tag}}")[0]
    assert "mybox:1.0" in out.splitlines()
    assert run(engine, "rmi", "mybox:1.0") == ("Untagged: mybox:1.0\n", "", 0)
    assert run(engine, "rmi", "mybox:1.0")[1:] == (
        "Error response from daemon: No such image: mybox:1.0\n",
        1,
    )


def test_volumes_networks_and_prunes(engine) -> None:
    assert run(engine, "volume", "create", "data") == ("data\n", "", 0)
    assert run(engine, "volume", "ls") == ("DRIVER    VOLUME NAME\nlocal     data\n", "", 0)
    assert run(engine, "volume", "rm", "data") == ("data\n", "", 0)
    net_id = run(engine, "network", "create", "backend")[0].strip()
    assert len(net_id) == 64
    assert "backend" in run(engine, "network", "ls", "--format", "{{.Name}}")[0].split()
    assert run(engine, "network", "rm", "backend") == ("backend\n", "", 0)
    assert run(engine, "container", "prune", "-f") == ("Total reclaimed space: 0B\n", "", 0)


def test_follow_helper_reports_each_outcome() -> None:
    seen: list[int] = []
    assert follow(iter([1, 2]), seen.append, timeout=5) == "end"
    assert seen == [1, 2]

    closed = threading.Event()

    def endless():
        try:
            while True:
                time.sleep(0.05)
                yield 0
        finally:
            closed.set()

    assert follow(endless(), lambda item: None, timeout=0.2) == "timeout"
    assert closed.wait(2), "the engine's stream is closed once following stops"
    assert stop_note("end", 1, "x") == ""
    assert stop_note("timeout", 10.0, "the container keeps running") == (
        "(stopped following after 10s; the container keeps running)\n"
    )


def test_cp_both_ways_is_quiet_off_a_terminal(engine, tmp_path: Path) -> None:
    run(engine, "run", "-d", "--name", "box", "busybox", "sleep", "300")
    (tmp_path / "page.txt").write_text("hello\n")
    out = io.StringIO()
    code = execute(
        ["cp", "page.txt", "box:/etc/page.txt"], engine, stdout=out, stderr=out, cwd=str(tmp_path)
    )
    assert (out.getvalue(), code) == ("", 0)
    assert run(engine, "exec", "box", "cat", "/etc/page.txt") == ("hello\n", "", 0)
    code = execute(
        ["cp", "box:/etc/page.txt", "back.txt"], engine, stdout=out, stderr=out, cwd=str(tmp_path)
    )
    assert (out.getvalue(), code) == ("", 0)
    assert (tmp_path / "back.txt").read_text() == "hello\n"
    err = io.StringIO()
    code = execute(
        ["cp", "page.txt", "box:/nosuch/"], engine, stdout=out, stderr=err, cwd=str(tmp_path)
    )
    assert (err.getvalue(), code) == ("no such directory\n", 1)
    assert run(engine, "cp", "missing.txt", "box:/etc/")[1:] == (
        f"lstat {Path.cwd() / 'missing.txt'}: no such file or directory\n",
        1,
    )


def test_terminal_shell_session_runs_each_line(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from grader.dockercli.execing import is_shell, shell_session
    from grader.dockercli.session import Session

    run(engine, "run", "-d", "--name", "term", "busybox", "sleep", "300")
    out = io.StringIO()
    session = Session(engine, out, out)
    assert is_shell(session, "term", ["sh"])
    assert not is_shell(session, "term", ["bash"])  # busybox has no bash
    assert not is_shell(session, "term", ["ls", "/"])
    monkeypatch.setattr("sys.stdin", io.StringIO("echo hi\n\nfalse\nexit\n"))
    assert shell_session(session, "term", "sh", {"user": ""}) == 1
    assert out.getvalue() == "# hi\n# # # "
    monkeypatch.setattr("sys.stdin", io.StringIO("exit 3\n"))
    assert shell_session(session, "term", "sh", {"user": "nobody"}) == 3


@pytest.mark.parametrize(
    ("typed", "shown", "code"),
    [
        ("echo hi; exit\necho never\n", "# hi\n", 0),
        ("echo hi && exit\necho never\n", "# hi\n", 0),
        ("false && exit\necho still here; exit 4\necho never\n", "# # still here\n", 4),
        ("false; exit\n", "# ", 1),
        ("printf 'no newline'\nexit\n", "# no newline# ", 0),
    ],
)
def test_terminal_shell_session_ends_when_a_line_runs_exit(
    engine, monkeypatch: pytest.MonkeyPatch, typed: str, shown: str, code: int
) -> None:
    from grader.dockercli.execing import shell_session
    from grader.dockercli.session import Session

    run(engine, "run", "-d", "--name", "leave", "busybox", "sleep", "300")
    out = io.StringIO()
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    assert shell_session(Session(engine, out, out), "leave", "sh", {"user": ""}) == code
    assert out.getvalue() == shown


BANNER = "DEPRECATED: The legacy builder is deprecated and will be removed in a future release."
DISABLED = "            BuildKit is currently disabled; enable it by removing the DOCKER_BUILDKIT=0"


@pytest.mark.parametrize(
    ("argv", "first"),
    [
        (["-h"], "Flag shorthand -h has been deprecated, use --help\n"),
        (["build", "--help"], BANNER + "\n" + DISABLED + "\n"),
        (["builder", "prune", "-f"], BANNER + "\n"),
        (["image", "build", "/nonexistent-context"], BANNER + "\n"),
    ],
)
def test_what_the_legacy_client_prints_first(engine, monkeypatch, argv, first: str) -> None:
    monkeypatch.setenv("DOCKER_BUILDKIT", "0")
    _, err, _ = run(engine, *argv)
    assert err.startswith(first)
    assert err.count(BANNER) == (argv != ["-h"])


@pytest.mark.parametrize(
    "argv", [["build", "--help"], ["builder", "prune", "-f"], ["image", "build", "/nowhere"]]
)
def test_buildkit_prints_no_legacy_banner(engine, monkeypatch, argv: list[str]) -> None:
    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    assert "DEPRECATED" not in run(engine, *argv)[1]


def test_no_banner_for_other_commands(engine) -> None:
    assert "DEPRECATED" not in run(engine, "images")[1]


def test_bare_env_name_reads_the_environment(engine, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POLISH_SET", "from-env")
    monkeypatch.delenv("POLISH_UNSET", raising=False)
    (tmp_path / "vars.env").write_text("# comment\nFILE_VAR=1\nPOLISH_SET\n")
    out, err, code = run(
        engine,
        "run",
        "--rm",
        "--env-file",
        str(tmp_path / "vars.env"),
        "-e",
        "POLISH_SET",
        "-e",
        "POLISH_UNSET",
        "busybox",
        "env",
    )
    assert (err, code) == ("", 0)
    lines = out.splitlines()
    assert "POLISH_SET=from-env" in lines and "FILE_VAR=1" in lines
    assert not [line for line in lines if line.startswith("POLISH_UNSET")]


def test_bad_env_file_is_refused_as_docker_does(engine, tmp_path: Path) -> None:
    (tmp_path / "bad.env").write_text("A B=1\n")
    out, err, code = run(engine, "run", "--rm", "--env-file", str(tmp_path / "bad.env"), "busybox")
    assert (out, code) == ("", 125)
    assert err == (
        "docker: invalid env file (" + str(tmp_path / "bad.env") + "): variable 'A B' contains"
        " whitespaces\n\nRun 'docker run --help' for more information\n"
    )


def test_exported_variable_reaches_a_bare_env_flag(engine) -> None:
    out, err = io.StringIO(), io.StringIO()
    text = "export GREETING=hello\ndocker run --rm -e GREETING busybox sh -c 'echo $GREETING'"
    code = run_script(text, engine=engine, stdout=out, stderr=err, env={})
    assert (out.getvalue(), err.getvalue(), code) == ("hello\n", "", 0)


def test_images_digests_when_filtered_by_name(engine) -> None:
    for tag in ("a", "b"):
        run(engine, "tag", "busybox", f"127.0.0.1:5000/digested:{tag}")
        assert run(engine, "push", "-q", f"127.0.0.1:5000/digested:{tag}")[2] == 0
    fmt = "{{.Tag}} {{.Digest}}"
    everything = run(engine, "images", "--digests", "--format", fmt)[0].splitlines()
    digest = next(line for line in everything if line.startswith("a ")).split()[1]
    assert digest.startswith("sha256:")
    by_name = run(engine, "images", "--digests", "--format", fmt, "127.0.0.1:5000/digested")[0]
    assert by_name.splitlines() == [f"a {digest}", f"b {digest}"]
    # dockerd matches a digest on its name or "name@digest", never on "name:tag"
    by_tag = run(engine, "images", "--digests", "--format", fmt, "127.0.0.1:5000/digested:a")[0]
    assert by_tag == "a <none>\n"


def test_rm_run_left_at_the_time_bound_is_removed_once_stopped(engine) -> None:
    out, err, code = run(
        engine, "run", "--rm", "--name", "lingers", "busybox", "sleep", "300", timeout=0.5
    )
    assert code == 0 and "the container keeps running" in err
    assert run(engine, "ps", "-q", "--filter", "name=lingers")[0] != ""
    assert run(engine, "stop", "-t", "0", "lingers")[2] == 0
    assert run(engine, "ps", "-aq", "--filter", "name=lingers") == ("", "", 0)


def test_build_file_flag_is_relative_to_the_current_folder(
    engine, tmp_path: Path, monkeypatch
) -> None:
    (tmp_path / "ctx").mkdir()
    (tmp_path / "dockerfiles").mkdir()
    (tmp_path / "ctx" / "page.txt").write_text("hi\n")
    (tmp_path / "dockerfiles" / "Dockerfile.dev").write_text("FROM busybox\nCOPY page.txt /\n")

    def build(*argv: str) -> tuple[str, str, int]:
        out, err = io.StringIO(), io.StringIO()
        code = execute(["build", *argv], engine, stdout=out, stderr=err, cwd=str(tmp_path))
        return out.getvalue(), err.getvalue(), code

    out, _, code = build("-q", "-t", "devbuild", "-f", "dockerfiles/Dockerfile.dev", "ctx")
    assert code == 0 and out.startswith("sha256:")
    assert run(engine, "run", "--rm", "devbuild", "cat", "/page.txt")[0] == "hi\n"
    out, err, code = build("-f", "dockerfiles/missing", "ctx")
    assert (out, code) == ("", 1)
    assert err.endswith(
        "\n#1 DONE 0.0s\nERROR: failed to build: failed to solve: "
        "failed to read dockerfile: open missing: no such file or directory\n"
    )
    monkeypatch.setenv("DOCKER_BUILDKIT", "0")
    out, err, code = build("-f", "dockerfiles/missing", "ctx")
    assert (out, code) == ("", 1)
    assert err.endswith(
        "\nunable to prepare context: unable to evaluate symlinks in Dockerfile path: "
        f"lstat {tmp_path}/dockerfiles/missing: no such file or directory\n"
    )
    assert "Error response from daemon" not in err


@pytest.mark.parametrize(
    ("argv", "stream"),
    [
        (["image"], "stderr"),
        ([], "stderr"),
        (["image", "--help"], "stdout"),
        (["help", "image"], "stdout"),
        (["--help"], "stdout"),
    ],
)
def test_usage_goes_where_docker_prints_it(engine, argv: list[str], stream: str) -> None:
    out, err, code = run(engine, *argv)
    assert code == 0
    assert "Usage:" in (out if stream == "stdout" else err)
    assert "Usage:" not in (err if stream == "stdout" else out)


def test_network_alias_connect_and_disconnect_on_the_command_line(engine) -> None:
    assert run(engine, "network", "create", "appnet")[2] == 0
    run(
        engine,
        "run",
        "-d",
        "--name",
        "web",
        "--network",
        "appnet",
        "--network-alias",
        "site",
        "nginx",
    )
    run(engine, "run", "-d", "--name", "box", "busybox", "sleep", "300")
    assert run(engine, "exec", "box", "wget", "-qO-", "http://site") == (
        "",
        "wget: bad address 'site'\n",
        1,
    )
    assert run(engine, "network", "connect", "appnet", "box") == ("", "", 0)
    out, err, code = run(engine, "exec", "box", "wget", "-qO-", "http://site")
    assert code == 0 and "Welcome to nginx!" in out
    assert run(engine, "network", "connect", "appnet", "box") == (
        "",
        "Error response from daemon: endpoint with name box already exists in network appnet\n",
        1,
    )
    assert run(engine, "network", "disconnect", "appnet", "box") == ("", "", 0)
    out, err, code = run(engine, "network", "disconnect", "appnet", "box")
    assert code == 1 and err.endswith("is not connected to network appnet\n")
    assert run(engine, "run", "--rm", "--network-alias", "x", "busybox", "true") == (
        "",
        "docker: network-scoped aliases are only supported for user-defined networks\n\n"
        "Run 'docker run --help' for more information\n",
        125,
    )


EMPTY = "invalid container name or ID: value is empty\n"
MISSING = "Error response from daemon: No such container: nosuch\n"


@pytest.mark.parametrize(
    ("argv", "err"),
    [
        # What the Docker 28.2 CLI printed against the real engine (the empty name refused
        # by its client before any request; an empty image name leaves a path dockerd does
        # not route). Errors come in the order typed.
        (["stop", "", "nosuch"], EMPTY + MISSING),
        (["stop", "nosuch", ""], MISSING + EMPTY),
        (["stats", "--no-stream", "", "nosuch"], EMPTY + MISSING),
        (["rm", "", "nosuch"], "container name cannot be empty\n" + MISSING),
        (["rmi", ""], "Error response from daemon: page not found\n"),
        (["history", ""], "Error response from daemon: page not found\n"),
    ],
)
def test_empty_names_are_refused_as_the_cli_refuses_them(engine, argv, err: str) -> None:
    assert run(engine, *argv) == ("", err, 1)


def test_volume_update_looks_the_volume_up_then_refuses_a_local_one(engine) -> None:
    assert run(engine, "volume", "create", "data") == ("data\n", "", 0)
    assert run(engine, "volume", "update", "data") == ("", "can only update cluster volumes\n", 1)
    _, err, code = run(engine, "volume", "update", "nosuch")
    assert (err, code) == ("Error response from daemon: get nosuch: no such volume\n", 1)
