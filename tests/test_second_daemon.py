"""The second daemon's tests: which tests use it, and the namespace they run in."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from second_daemon import (
    FIRST_DAEMON_NOTEBOOKS,
    HOST_VARIABLE,
    NETNS_VARIABLE,
    inside,
    uses_second_daemon,
)


def item(**params) -> pytest.Item:
    return SimpleNamespace(callspec=SimpleNamespace(params=params))  # type: ignore[return-value]


@pytest.fixture
def namespace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A network namespace kept at a file, named as CI names the second daemon's."""
    if os.geteuid() != 0:
        pytest.skip("a network namespace bound to a file needs root (CI runs as root)")
    kept = tmp_path / "netns"
    kept.touch()
    subprocess.run(["unshare", f"--net={kept}", "true"], check=True)
    monkeypatch.setenv(NETNS_VARIABLE, str(kept))
    monkeypatch.setenv(HOST_VARIABLE, "unix:///second/docker.sock")
    monkeypatch.setenv("DOCKER_HOST", "unix:///first/docker.sock")
    yield kept
    subprocess.run(["umount", str(kept)], check=True)


def test_only_the_notebooks_real_engine_tests_use_it_and_only_when_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(NETNS_VARIABLE, raising=False)
    monkeypatch.delenv(HOST_VARIABLE, raising=False)
    assert not uses_second_daemon(item(folder=Path("notebooks/05-debugging")))
    monkeypatch.setenv(NETNS_VARIABLE, "/ci/second/netns")
    monkeypatch.setenv(HOST_VARIABLE, "unix:///ci/second/docker.sock")
    assert uses_second_daemon(item(folder=Path("notebooks/05-debugging"), engine="docker"))
    assert not uses_second_daemon(item(folder=Path("notebooks/01-docker-intro")))
    assert not uses_second_daemon(item(case="logs"))
    assert not uses_second_daemon(SimpleNamespace())  # type: ignore[arg-type]


def test_the_notebooks_kept_on_the_first_daemon_exist() -> None:
    # A renamed notebook would move to the second daemon unnoticed, unbalancing the groups.
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    assert {name for name in FIRST_DAEMON_NOTEBOOKS if not (notebooks / name).is_dir()} == set()


def test_the_block_and_what_it_starts_run_in_the_namespace(namespace: Path) -> None:
    here = os.readlink("/proc/thread-self/ns/net")
    wanted = f"net:[{namespace.stat().st_ino}]"
    with inside():
        assert os.readlink("/proc/thread-self/ns/net") == wanted
        assert os.environ["DOCKER_HOST"] == "unix:///second/docker.sock"
        child = subprocess.run(
            ["sh", "-c", 'readlink /proc/self/ns/net; echo "$DOCKER_HOST"'],
            capture_output=True,
            text=True,
            check=True,
        )
        assert child.stdout.split() == [wanted, "unix:///second/docker.sock"]
    assert os.readlink("/proc/thread-self/ns/net") == here
    assert os.environ["DOCKER_HOST"] == "unix:///first/docker.sock"


def test_a_failing_block_still_comes_back(namespace: Path) -> None:
    here = os.readlink("/proc/thread-self/ns/net")
    with pytest.raises(RuntimeError), inside():
        raise RuntimeError("the test failed")
    assert os.readlink("/proc/thread-self/ns/net") == here
    assert os.environ["DOCKER_HOST"] == "unix:///first/docker.sock"
