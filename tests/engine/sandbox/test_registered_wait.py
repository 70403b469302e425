"""A wait registered now and read later (``register_wait``): the sandbox's side.

Registration is the point from which an exit counts: whatever happens to the container
between it and the reading (an exit, a start again, an exit settled by another process)
is answered by the first exit after the registration.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from grader.engine.errors import EngineError, NotFound
from grader.engine.sandbox import SandboxEngine


def run(
    engine: SandboxEngine, command: list[str] | None, name: str, image: str = "busybox", **kwargs
) -> str:
    cid = engine.create_container(image, command, name=name, **kwargs)["Id"]
    engine.start(cid)
    return cid


def test_an_exit_between_registration_and_reading_is_not_missed(engine: SandboxEngine) -> None:
    run(engine, ["sleep", "600"], "web")
    registered = engine.register_wait("web")
    engine.kill("web")
    engine.start("web")  # running again: its state no longer shows that exit
    assert engine.inspect_container("web")["State"]["Running"]
    with pytest.raises(EngineError) as late:
        engine.wait("web", timeout=0)  # a wait made only now would wait for the next exit
    assert late.value.status_code == 408
    assert registered.result() == {"Error": None, "StatusCode": 137}


def test_the_first_exit_after_the_registration_counts(engine: SandboxEngine) -> None:
    run(engine, None, "web", image="nginx")
    engine.kill("web")
    engine.start("web")  # an exit before the registration does not count
    registered = engine.register_wait("web")
    engine.stop("web")  # nginx leaves cleanly on its stop signal (SIGQUIT): 0
    assert engine.inspect_container("web")["State"]["ExitCode"] == 0
    engine.start("web")
    engine.kill("web")
    assert registered.result()["StatusCode"] == 0


def test_an_exit_settled_by_another_process_is_read(sandbox_dir: Path, clock) -> None:
    """The container ends by itself; another engine on the same folder settles the exit."""
    engine = SandboxEngine(sandbox_dir)
    run(engine, ["sh", "-c", "sleep 5; exit 3"], "job")
    registered = engine.register_wait("job")
    clock.advance(6)
    assert SandboxEngine(sandbox_dir).inspect_container("job")["State"]["ExitCode"] == 3
    assert registered.result() == {"Error": None, "StatusCode": 3}


def test_reading_blocks_until_the_container_stops(engine: SandboxEngine) -> None:
    run(engine, ["sleep", "600"], "web")
    registered = engine.register_wait("web")
    reading = threading.Event()
    answers: list[object] = []

    def read() -> None:
        reading.set()
        answers.append(registered.result())

    reader = threading.Thread(target=read)
    reader.start()
    reading.wait(10)
    assert answers == []  # it has not returned: the container still runs
    engine.kill("web")
    reader.join(30)
    assert answers == [{"Error": None, "StatusCode": 137}]


def test_a_container_not_running_is_answered_at_registration(engine: SandboxEngine) -> None:
    run(engine, ["sh", "-c", "exit 5"], "done")
    registered = engine.register_wait("done")
    engine.start("done")  # what happens after the answer was fixed does not change it
    assert registered.result() == {"Error": None, "StatusCode": 5}
    engine.create_container("busybox", ["true"], name="fresh")
    assert engine.register_wait("fresh").result()["StatusCode"] == 0


def test_an_unknown_container_is_refused_at_registration(engine: SandboxEngine) -> None:
    with pytest.raises(NotFound, match="^No such container: nope$"):
        engine.register_wait("nope")


def test_an_auto_removed_container_answers_with_its_exit(engine: SandboxEngine) -> None:
    run(engine, ["sleep", "600"], "gone", host_config=engine.create_host_config(auto_remove=True))
    registered = engine.register_wait("gone")
    engine.kill("gone")
    assert registered.result()["StatusCode"] == 137
    with pytest.raises(NotFound):
        engine.inspect_container("gone")
