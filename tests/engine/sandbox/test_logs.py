"""Logs on the sandbox: timestamps, tail, since, until, follow, and nginx's own lines."""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timedelta

from grader.engine.sandbox import SandboxEngine
from grader.engine.sandbox.clock import parse_rfc3339


def test_nginx_writes_its_startup_lines(engine: SandboxEngine) -> None:
    cid = engine.create_container("nginx")["Id"]
    engine.start(cid)
    lines = list(engine.logs(cid))
    assert lines[0] == (
        "stdout",
        b"/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform "
        b"configuration\n",
    )
    assert (
        "stdout",
        b"/docker-entrypoint.sh: Configuration complete; ready for start up\n",
    ) in lines
    notices = [line.decode() for stream, line in lines if stream == "stderr"]
    assert re.fullmatch(
        r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[notice\] 1#1: nginx/1\.27\.5\n", notices[1]
    )
    engine.restart(cid)
    again = [line for _, line in engine.logs(cid)]
    assert b"10-listen-on-ipv6-by-default.sh: info: IPv6 listen already enabled\n" in again


def test_timestamps_tail_since_until(engine: SandboxEngine) -> None:
    cid = engine.create_container("busybox", ["sh", "-c", "echo one; echo two; echo three"])["Id"]
    engine.start(cid)
    stamped = [line.decode() for _, line in engine.logs(cid, timestamps=True)]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \w+\n", s) for s in stamped)
    assert [line for _, line in engine.logs(cid, tail=2)] == [b"two\n", b"three\n"]
    assert list(engine.logs(cid, tail=0)) == []
    written = parse_rfc3339(stamped[0].split()[0])
    assert list(engine.logs(cid, since=int(written) + 5)) == []
    assert len(list(engine.logs(cid, since=datetime.now() - timedelta(minutes=5)))) == 3
    assert list(engine.logs(cid, until=written - 1.0)) == []
    assert len(list(engine.logs(cid, until=time.time() + 1))) == 3
    assert [s for s, _ in engine.logs(cid, stdout=False)] == []


def test_tty_containers_write_crlf_on_stdout(engine: SandboxEngine) -> None:
    cid = engine.create_container("busybox", ["sh", "-c", "echo a; echo b >&2"], tty=True)["Id"]
    engine.start(cid)
    assert list(engine.logs(cid)) == [("stdout", b"a\r\n"), ("stdout", b"b\r\n")]


def test_follow_streams_until_the_container_ends(engine: SandboxEngine, clock) -> None:
    cid = engine.create_container("busybox", ["sh", "-c", "echo start; sleep 0.5; echo end"])["Id"]
    engine.start(cid)
    seen: list[bytes] = []
    reader = threading.Thread(
        target=lambda: seen.extend(line for _, line in engine.logs(cid, follow=True))
    )
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive()
    assert seen == [b"start\n", b"end\n"]


def test_a_looping_container_logs_as_time_passes(engine: SandboxEngine) -> None:
    script = "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.3; done"
    cid = engine.create_container("busybox", ["sh", "-c", script])["Id"]
    engine.start(cid)
    started = parse_rfc3339(engine.inspect_container(cid)["State"]["StartedAt"])
    time.sleep(0.7)
    before = time.time()
    lines = [line for _, line in engine.logs(cid)]
    after = time.time()
    assert int((before - started) / 0.3) + 1 <= len(lines) <= int((after - started) / 0.3) + 1
    assert lines == [f"tick {i}\n".encode() for i in range(len(lines))]
    assert engine.inspect_container(cid)["State"]["Running"]
