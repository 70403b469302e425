"""Container lifecycle on the sandbox: Docker's states, exit codes, names and refusals."""

from __future__ import annotations

import re
import time

import pytest

from grader.engine.errors import Conflict, EngineError, ImageNotFound, InvalidArgument, NotFound
from grader.engine.sandbox import SandboxEngine
from grader.engine.sandbox.lifecycle import RESTART_DELAY
from grader.engine.sandbox.names import LEFT, RIGHT


def run(engine: SandboxEngine, image: str, command=None, **kwargs) -> str:
    cid = engine.create_container(image, command, **kwargs)["Id"]
    engine.start(cid)
    return cid


def output(engine: SandboxEngine, cid: str) -> str:
    return "".join(line.decode() for _, line in engine.logs(cid))


def test_create_start_stop_remove(engine: SandboxEngine) -> None:
    created = engine.create_container("nginx:latest", name="website")
    assert set(created) == {"Id", "Warnings"}
    assert re.fullmatch(r"[0-9a-f]{64}", created["Id"])
    info = engine.inspect_container("website")
    assert info["State"]["Status"] == "created"
    assert info["Path"] == "/docker-entrypoint.sh"
    assert info["Args"] == ["nginx", "-g", "daemon off;"]
    assert info["Config"]["Hostname"] == created["Id"][:12]
    assert engine.containers() == []
    engine.start("website")
    [listed] = engine.containers()
    assert listed["Names"] == ["/website"]
    assert listed["State"] == "running"
    assert listed["Status"].startswith("Up ")
    assert listed["Command"] == "/docker-entrypoint.sh nginx -g 'daemon off;'".replace("'", "")
    engine.stop("website")
    stopped = engine.inspect_container("website")["State"]
    assert (stopped["Status"], stopped["ExitCode"], stopped["Running"]) == ("exited", 0, False)
    assert engine.containers(all=True)[0]["Status"].startswith("Exited (0) ")
    engine.remove_container("website")
    with pytest.raises(NotFound, match="^No such container: website$"):
        engine.inspect_container("website")


def test_container_found_by_id_prefix_and_name(engine: SandboxEngine) -> None:
    cid = engine.create_container("busybox", "true", name="box")["Id"]
    assert engine.inspect_container(cid[:5])["Id"] == cid
    assert engine.inspect_container("/box")["Id"] == cid


def test_short_commands_finish_with_their_output_and_code(engine: SandboxEngine) -> None:
    echo = run(engine, "busybox", ["echo", "hi"])
    assert output(engine, echo) == "hi\n"
    assert engine.wait(echo) == {"Error": None, "StatusCode": 0}
    failing = run(engine, "alpine", ["sh", "-c", "echo out; echo err >&2; exit 3"])
    assert engine.wait(failing)["StatusCode"] == 3
    assert list(engine.logs(failing)) == [("stdout", b"out\n"), ("stderr", b"err\n")]
    listing = run(engine, "alpine", "ls /")
    assert "etc\n" in output(engine, listing) and "usr\n" in output(engine, listing)
    assert engine.inspect_container(listing)["State"]["Status"] == "exited"


def test_hello_world_prints_its_message(engine: SandboxEngine) -> None:
    cid = run(engine, "hello-world")
    text = output(engine, cid)
    assert text.startswith("\nHello from Docker!\nThis message shows that your installation")
    assert "$ docker run -it ubuntu bash" in text
    assert engine.wait(cid)["StatusCode"] == 0


def test_shells_wait_for_input_only_with_stdin_open(engine: SandboxEngine) -> None:
    plain = run(engine, "busybox")
    assert engine.inspect_container(plain)["State"]["Status"] == "exited"
    interactive = run(engine, "busybox", stdin_open=True, tty=True)
    assert engine.inspect_container(interactive)["State"]["Running"]
    engine.kill(interactive)
    assert engine.inspect_container(interactive)["State"]["ExitCode"] == 137


def test_sleep_runs_for_its_time(engine: SandboxEngine, clock) -> None:
    cid = run(engine, "busybox", ["sleep", "0.3"])
    assert engine.inspect_container(cid)["State"]["Running"]
    assert engine.wait(cid, timeout=5)["StatusCode"] == 0
    assert engine.inspect_container(cid)["State"]["Status"] == "exited"


def test_scripts_keep_output_order_and_virtual_time(engine: SandboxEngine, clock) -> None:
    cid = run(engine, "busybox", ["sh", "-c", "echo one; echo two >&2; sleep 0.2; echo three"])
    assert engine.inspect_container(cid)["State"]["Running"]
    engine.wait(cid, timeout=5)
    assert [line for _, line in engine.logs(cid)] == [b"one\n", b"two\n", b"three\n"]


def test_stop_codes_follow_the_stop_signal(engine: SandboxEngine) -> None:
    sleeper = run(engine, "busybox", ["sleep", "1000"])
    engine.stop(sleeper)
    assert engine.inspect_container(sleeper)["State"]["ExitCode"] == 137
    web = run(engine, "nginx")
    engine.stop(web)
    assert engine.inspect_container(web)["State"]["ExitCode"] == 0
    assert b"signal 3 (SIGQUIT) received, shutting down\n" in b"".join(
        line for _, line in engine.logs(web)
    )


def test_kill_with_an_ignored_signal_keeps_pid_1_running(engine: SandboxEngine) -> None:
    cid = run(engine, "busybox", ["sleep", "1000"])
    engine.kill(cid, "SIGTERM")
    assert engine.inspect_container(cid)["State"]["Running"]
    with pytest.raises(InvalidArgument, match="^Invalid signal: NOPE$"):
        engine.kill(cid, "NOPE")
    engine.kill(cid)
    assert engine.inspect_container(cid)["State"]["Status"] == "exited"
    with pytest.raises(Conflict) as error:
        engine.kill(cid)
    assert error.value.explanation == (
        f"cannot kill container: {cid}: container {cid} is not running"
    )


def test_name_conflict_and_rename(engine: SandboxEngine) -> None:
    first = engine.create_container("nginx", name="website")["Id"]
    with pytest.raises(Conflict) as error:
        engine.create_container("nginx", name="website")
    assert error.value.explanation == (
        f'Conflict. The container name "/website" is already in use by container "{first}". '
        "You have to remove (or rename) that container to be able to reuse that name."
    )
    other = engine.create_container("nginx", name="other")["Id"]
    with pytest.raises(Conflict, match="^Error when allocating new name: Conflict. The container"):
        engine.rename(other, "website")
    engine.rename(first, "site")
    assert engine.inspect_container(first)["Name"] == "/site"
    with pytest.raises(InvalidArgument, match=r"^Invalid container name \(bad name\)"):
        engine.create_container("nginx", name="bad name")


def test_random_names_come_from_dockers_lists(engine: SandboxEngine) -> None:
    names = {
        engine.inspect_container(engine.create_container("busybox", "true")["Id"])["Name"]
        for _ in range(5)
    }
    for name in names:
        left, right = name.lstrip("/").split("_")
        assert left in LEFT and right.rstrip("0123456789") in RIGHT


def test_removing_a_running_container_needs_force(engine: SandboxEngine) -> None:
    run(engine, "nginx", name="website")
    with pytest.raises(Conflict) as error:
        engine.remove_container("website")
    assert error.value.explanation == (
        'cannot remove container "/website": container is running: stop the container '
        "before removing or force remove"
    )
    engine.remove_container("website", force=True)
    assert engine.containers(all=True) == []


def test_pause_unpause_and_their_refusals(engine: SandboxEngine) -> None:
    cid = run(engine, "nginx")
    engine.pause(cid)
    assert engine.containers()[0]["Status"].endswith("(Paused)")
    assert engine.inspect_container(cid)["State"]["Status"] == "paused"
    with pytest.raises(Conflict, match=f"^Container {cid} is already paused$"):
        engine.pause(cid)
    with pytest.raises(Conflict, match="unpause the container before exec"):
        engine.exec_run(cid, ["ls"])
    engine.unpause(cid)
    with pytest.raises(EngineError, match=f"^Container {cid} is not paused$"):
        engine.unpause(cid)
    engine.stop(cid)
    with pytest.raises(Conflict, match=f"^container {cid} is not running$"):
        engine.pause(cid)


def test_missing_program_fails_the_start_like_runc(engine: SandboxEngine) -> None:
    cid = engine.create_container("busybox", "bash")["Id"]
    with pytest.raises(EngineError) as error:
        engine.start(cid)
    assert error.value.explanation.endswith(
        'error during container init: exec: "bash": executable file not found in $PATH: unknown'
    )
    state = engine.inspect_container(cid)["State"]
    assert (state["Status"], state["ExitCode"]) == ("created", 127)


def test_create_of_a_missing_image_is_image_not_found(engine: SandboxEngine) -> None:
    with pytest.raises(ImageNotFound, match="^No such image: ubuntu:24.04$"):
        engine.create_container("ubuntu:24.04")
    list(engine.pull("ubuntu", tag="24.04"))
    assert engine.create_container("ubuntu:24.04")["Id"]


def test_auto_remove_keeps_output_until_waited(engine: SandboxEngine) -> None:
    hc = engine.create_host_config(auto_remove=True)
    cid = run(engine, "busybox", ["echo", "bye"], host_config=hc)
    assert output(engine, cid) == "bye\n"
    assert engine.wait(cid)["StatusCode"] == 0
    assert engine.containers(all=True) == []
    assert engine.wait(cid)["StatusCode"] == 0


def test_stopping_an_auto_remove_container_removes_it(engine: SandboxEngine) -> None:
    cid = run(engine, "nginx", host_config=engine.create_host_config(auto_remove=True))
    engine.stop(cid)
    with pytest.raises(NotFound):
        engine.inspect_container(cid)


def test_restart_policies(engine: SandboxEngine, clock) -> None:
    policy = {"Name": "on-failure", "MaximumRetryCount": 2}
    cid = run(
        engine,
        "busybox",
        ["sh", "-c", "echo try; exit 1"],
        host_config=engine.create_host_config(restart_policy=policy),
    )
    assert engine.inspect_container(cid)["State"]["Status"] == "restarting"
    clock.advance(3 * RESTART_DELAY)  # two restarts, each after RESTART_DELAY
    assert engine.inspect_container(cid)["State"]["Status"] == "exited"
    info = engine.inspect_container(cid)
    assert (info["State"]["ExitCode"], info["RestartCount"]) == (1, 2)
    assert output(engine, cid) == "try\n" * 3
    always = run(
        engine,
        "busybox",
        "true",
        host_config=engine.create_host_config(restart_policy={"Name": "always"}),
    )
    assert engine.containers()[0]["Status"].startswith("Restarting (0) ")
    engine.stop(always)
    assert engine.inspect_container(always)["State"]["Status"] == "exited"
    with pytest.raises(InvalidArgument, match="AutoRemove"):
        engine.create_container(
            "busybox",
            host_config=engine.create_host_config(
                auto_remove=True, restart_policy={"Name": "always"}
            ),
        )


def test_restart_keeps_ports_and_mounts(engine: SandboxEngine, port: int, tmp_path) -> None:
    hc = engine.create_host_config(port_bindings={80: port}, binds=[f"{tmp_path}:/data:ro"])
    cid = run(engine, "nginx", host_config=hc, ports=[80])
    engine.stop(cid)
    assert engine.inspect_container(cid)["NetworkSettings"]["Ports"] == {}
    engine.restart(cid)
    info = engine.inspect_container(cid)
    assert info["NetworkSettings"]["Ports"]["80/tcp"][0] == {
        "HostIp": "0.0.0.0",
        "HostPort": str(port),
    }
    assert info["Mounts"][0]["Source"] == str(tmp_path)
    assert info["RestartCount"] == 0


def test_container_times_are_wall_clock(engine: SandboxEngine) -> None:
    from grader.engine.sandbox.clock import parse_rfc3339

    before = time.time()
    cid = run(engine, "busybox", "true")
    info = engine.inspect_container(cid)
    for key in ("StartedAt", "FinishedAt"):
        assert before - 1 < parse_rfc3339(info["State"][key]) < time.time() + 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", info["Created"])
    assert abs(engine.containers(all=True)[0]["Created"] - before) < 2


def test_list_filters(engine: SandboxEngine) -> None:
    run(engine, "nginx", name="web", labels={"tier": "front"})
    run(engine, "busybox", ["sh", "-c", "exit 2"], name="job")
    assert [c["Names"] for c in engine.containers(filters={"label": "tier=front"})] == [["/web"]]
    assert [c["Names"] for c in engine.containers(filters={"status": "exited"})] == [["/job"]]
    assert [c["Names"] for c in engine.containers(all=True, filters={"exited": 2})] == [["/job"]]
    assert [c["Names"] for c in engine.containers(all=True, filters={"ancestor": "nginx"})] == [
        ["/web"]
    ]
    assert len(engine.containers(all=True, quiet=True)) == 2
    assert engine.containers(all=True, limit=1)[0]["Names"] == ["/job"]


def test_containers_listing_is_fast(engine: SandboxEngine) -> None:
    """Listing ten containers costs well under 2 ms of CPU (CPU time: load-independent)."""
    for _ in range(10):
        run(engine, "busybox", ["sleep", "1000"])
    engine.containers(all=True)
    start = time.process_time()
    for _ in range(50):
        engine.containers(all=True)
    assert (time.process_time() - start) / 50 < 0.002


def test_prune_containers(engine: SandboxEngine) -> None:
    running = run(engine, "nginx")
    done = run(engine, "busybox", "true")
    pruned = engine.prune_containers()
    assert pruned["ContainersDeleted"] == [done]
    assert [c["Id"] for c in engine.containers(all=True)] == [running]


def test_listed_ports_only_while_running(engine: SandboxEngine, port: int) -> None:
    hc = engine.create_host_config(port_bindings={81: port})
    cid = engine.create_container("busybox", ["sleep", "100"], ports=[80, 81], host_config=hc)["Id"]
    assert engine.containers(all=True)[0]["Ports"] == []
    engine.start(cid)
    assert engine.containers()[0]["Ports"] == [
        {"PrivatePort": 80, "Type": "tcp"},
        {"IP": "0.0.0.0", "PrivatePort": 81, "PublicPort": port, "Type": "tcp"},
        {"IP": "::", "PrivatePort": 81, "PublicPort": port, "Type": "tcp"},
    ]
    engine.stop(cid)
    assert engine.containers(all=True)[0]["Ports"] == []


def test_grading_refuses_privileged_and_system_binds(engine: SandboxEngine, monkeypatch) -> None:
    from grader.engine.errors import GradingRefused

    monkeypatch.setenv("COURSE_GRADING", "1")
    with pytest.raises(GradingRefused):
        engine.create_container("busybox", host_config=engine.create_host_config(privileged=True))
    with pytest.raises(GradingRefused):
        engine.create_container("busybox", host_config=engine.create_host_config(binds=["/:/host"]))
    assert engine.containers(all=True) == []


def test_create_refusals_leave_nothing_and_warnings_are_dockers(engine: SandboxEngine) -> None:
    with pytest.raises(InvalidArgument, match="^Minimum memory limit allowed is 6MB$"):
        engine.create_container("busybox", host_config=engine.create_host_config(mem_limit="1m"))
    assert engine.containers(all=True) == []
    hc = engine.create_host_config(network_mode="host", port_bindings={80: 8080})
    created = engine.create_container("nginx", host_config=hc)
    assert created["Warnings"] == ["Published ports are discarded when using host network mode"]


@pytest.mark.parametrize(
    ("image", "command"),
    [
        ("node:20", ["node", "-e", "console.log(42)"]),
        ("python:3.12-slim", ["python", "-c", "print(1)"]),
    ],
)
def test_inline_code_ends_with_the_sandboxs_refusal(
    engine: SandboxEngine, image: str, command: list[str]
) -> None:
    """The sandbox cannot run JavaScript or Python code: it says so and the container exits."""
    repository, tag = image.split(":")
    list(engine.pull(repository, tag))
    cid = run(engine, image, command)
    state = engine.inspect_container(cid)["State"]
    assert (state["Status"], state["ExitCode"]) == ("exited", 1)
    assert output(engine, cid) == (
        f"{command[0]}: running programs is not available in the course sandbox\n"
    )


def test_a_node_server_keeps_running(engine: SandboxEngine) -> None:
    cid = run(engine, "node:20", ["node", "server.js"])
    assert engine.inspect_container(cid)["State"]["Running"]
