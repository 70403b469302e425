"""The course's ``docker update``, ``export``, ``attach`` and ``builder prune`` on the sandbox."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from watched_engine import Watched

from grader.dockercli import execute
from grader.engine import get_engine


@pytest.fixture
def engine(sandbox_dir: Path):
    return get_engine("sandbox")


def run(engine, *argv: str, timeout: float | None = 10, cwd: Path | None = None):
    out, err = io.StringIO(), io.StringIO()
    code = execute(
        list(argv), engine, stdout=out, stderr=err, timeout=timeout, cwd=str(cwd) if cwd else None
    )
    return out.getvalue(), err.getvalue(), code


def test_update_sets_limits_and_policy_and_reports_refusals(engine) -> None:
    run(engine, "run", "-d", "--name", "web", "nginx")
    assert run(
        engine, "update", "-m", "1g", "--cpus", "1.5", "--restart", "on-failure:2", "web"
    ) == (
        "web\n",
        "",
        0,
    )
    host = engine.inspect_container("web")["HostConfig"]
    assert (host["Memory"], host["NanoCpus"]) == (1 << 30, 1_500_000_000)
    assert host["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 2}
    out, err, code = run(engine, "update", "--restart", "sometimes", "web", "nope")
    assert (out, code) == ("", 1)
    assert err == (
        "Error response from daemon: invalid restart policy: unknown policy 'sometimes'; "
        "use one of 'no', 'always', 'on-failure', or 'unless-stopped'\n"
        "Error response from daemon: No such container: nope\n"
    )


def test_export_writes_the_container_files(engine, tmp_path: Path) -> None:
    run(engine, "run", "-d", "--name", "box", "busybox", "sleep", "300")
    run(engine, "exec", "box", "sh", "-c", "echo kept > /tmp/note.txt")
    assert run(engine, "export", "-o", "box.tar", "box", cwd=tmp_path) == ("", "", 0)
    with tarfile.open(tmp_path / "box.tar") as archive:
        note = archive.extractfile("tmp/note.txt")
        assert note is not None and note.read() == b"kept\n"
        assert "bin/busybox" in archive.getnames()


def test_attach_refuses_a_stopped_container(engine) -> None:
    run(engine, "create", "--name", "idle", "busybox")
    assert run(engine, "attach", "idle") == (
        "",
        "You cannot attach to a stopped container, start it first\n",
        1,
    )
    assert run(engine, "attach", "nope")[1:] == (
        "Error response from daemon: No such container: nope\n",
        1,
    )


def test_attach_registers_its_wait_before_it_looks(engine) -> None:
    run(engine, "create", "--name", "idle", "busybox")
    watched = Watched(engine)
    assert run(watched, "attach", "idle")[1:] == (
        "You cannot attach to a stopped container, start it first\n",
        1,
    )
    assert watched.calls == ["register_wait", "inspect_container"]
    run(engine, "run", "-d", "--name", "web", "nginx")
    run(engine, "pause", "web")
    assert run(engine, "attach", "web")[1:] == (
        "You cannot attach to a paused container, unpause it first\n",
        1,
    )


def test_attach_exits_with_the_code_of_a_container_that_stops_while_attached(engine, clock) -> None:
    run(engine, "run", "-d", "--name", "job", "busybox", "sh", "-c", "sleep 5; echo after; exit 3")
    watched = Watched(engine)
    assert run(watched, "attach", "job") == ("after\n", "", 3)
    assert watched.calls[:2] == ["register_wait", "inspect_container"]


def test_attach_does_not_miss_an_exit_before_it_follows(engine) -> None:
    """The container is killed after the look-up, before its output is followed."""
    run(engine, "run", "-d", "--name", "web", "busybox", "sleep", "600")
    watched = Watched(engine, after_lookup=lambda: engine.kill("web"))
    assert run(watched, "attach", "web") == ("", "", 137)


def test_attach_shows_only_what_comes_after(engine) -> None:
    run(engine, "run", "-d", "--name", "talker", "busybox", "sh", "-c", "echo before; sleep 300")
    out, err, code = run(engine, "attach", "talker", timeout=0.5)
    assert (out, code) == ("", 0)
    assert err == "(stopped following after 0.5s; the container keeps running)\n"


def test_builder_prune_forgets_the_build_cache(engine, tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM busybox\nRUN echo one > /one\n")
    run(engine, "build", "-t", "cached", ".", cwd=tmp_path)
    out, _, code = run(engine, "builder", "prune", "-f")
    assert code == 0
    assert out.startswith("Deleted build cache objects:\n")
    assert out.endswith("\n\nTotal reclaimed space: 0B\n")
    assert run(engine, "builder", "prune", "-f")[0] == "Total reclaimed space: 0B\n"


def test_system_df_summarises_what_could_be_reclaimed(engine) -> None:
    from grader.dockercli.diskusage import summary

    usage = {
        "LayersSize": 1000,
        "Images": [
            {"Size": 600, "SharedSize": 0, "Containers": 1},
            {"Size": 400, "SharedSize": 0, "Containers": 0},
        ],
        "Containers": [{"SizeRw": 30, "State": "running"}, {"SizeRw": 10, "State": "exited"}],
        "Volumes": [{"UsageData": {"Size": 0, "RefCount": 0}}],
        "BuildCache": [],
    }
    rows = [
        (r.Type(), r.TotalCount(), r.Active(), r.Size(), r.Reclaimable()) for r in summary(usage)
    ]
    assert rows == [
        ("Images", "2", "1", "1kB", "400B (40%)"),
        ("Containers", "2", "1", "40B", "10B (25%)"),
        ("Local Volumes", "1", "0", "0B", "0B"),
        ("Build Cache", "0", "0", "0B", "0B"),
    ]
    out, _, code = run(engine, "system", "df", "--format", "{{.Type}}")
    assert (out, code) == ("Images\nContainers\nLocal Volumes\nBuild Cache\n", 0)


def test_search_answers_as_dockerd_without_internet(engine) -> None:
    assert run(engine, "search", "--limit", "5", "nginx") == (
        "",
        'Error response from daemon: Get "https://index.docker.io/v1/search?q=nginx&n=5": '
        "dial tcp: lookup index.docker.io: no such host\n",
        1,
    )
