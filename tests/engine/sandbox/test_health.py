"""Health checks on the sandbox: probes by virtual time, ``State.Health`` and ``ps``'s status."""

from __future__ import annotations

from grader.engine.sandbox import SandboxEngine
from grader.engine.sandbox.containers import status_text

SECOND = 1_000_000_000


def _start(engine: SandboxEngine, image: str, command, check: dict, name: str) -> dict:
    cid = engine.create_container(image, command, name=name, healthcheck=check)["Id"]
    engine.start(cid)
    return engine.inspect_container(cid)


def test_a_passing_check_turns_healthy_after_one_interval(engine: SandboxEngine, clock) -> None:
    check = {"Test": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "Interval": 5 * SECOND}
    doc = _start(engine, "nginx", None, check, "web")
    assert doc["State"]["Health"] == {"Status": "starting", "FailingStreak": 0, "Log": []}
    assert status_text(doc, clock.now).endswith("(health: starting)")
    clock.advance(4)
    assert engine.inspect_container("web")["State"]["Health"]["Status"] == "starting"
    clock.advance(2)
    doc = engine.inspect_container("web")
    assert doc["State"]["Health"]["Status"] == "healthy"
    assert doc["State"]["Health"]["Log"][-1]["ExitCode"] == 0
    assert "Welcome to nginx!" in doc["State"]["Health"]["Log"][-1]["Output"]
    assert status_text(doc, clock.now) == "Up 6 seconds (healthy)"


def test_retries_failures_make_it_unhealthy(engine: SandboxEngine, clock) -> None:
    check = {"test": ["CMD", "wget", "-q", "http://localhost"], "interval": SECOND, "retries": 2}
    _start(engine, "busybox", ["sleep", "300"], check, "box")
    clock.advance(1)
    health = engine.inspect_container("box")["State"]["Health"]
    assert (health["Status"], health["FailingStreak"]) == ("starting", 1)
    assert "Connection refused" in health["Log"][0]["Output"]
    clock.advance(1)
    assert engine.inspect_container("box")["State"]["Health"]["Status"] == "unhealthy"


def test_the_start_period_forgives_early_failures(engine: SandboxEngine, clock) -> None:
    check = {"Test": ["CMD-SHELL", "exit 1"], "Interval": SECOND, "StartPeriod": 10 * SECOND}
    _start(engine, "busybox", ["sleep", "300"], check, "slow")
    clock.advance(5)
    assert engine.inspect_container("slow")["State"]["Health"]["FailingStreak"] == 0


def test_an_image_check_is_inherited_and_none_disables_it(
    engine: SandboxEngine, clock, tmp_path
) -> None:
    context = tmp_path / "context"  # not tmp_path: it holds the sandbox's state folder
    context.mkdir()
    (context / "Dockerfile").write_text(
        'FROM busybox\nHEALTHCHECK --interval=5s --retries=2 CMD ["true"]\n'
    )
    list(engine.build(str(context), tag="checked"))
    image_check = engine.inspect_image("checked")["Config"]["Healthcheck"]
    assert image_check == {"Test": ["CMD", "true"], "Interval": 5 * SECOND, "Retries": 2}
    doc = _start(engine, "checked", ["sleep", "300"], {"Interval": 2 * SECOND}, "kid")
    assert doc["Config"]["Healthcheck"] == {**image_check, "Interval": 2 * SECOND}
    clock.advance(2)
    assert engine.inspect_container("kid")["State"]["Health"]["Status"] == "healthy"
    doc = _start(engine, "checked", ["sleep", "300"], {"Test": ["NONE"]}, "quiet")
    assert "Health" not in doc["State"]


def test_dockerfile_forms() -> None:
    from grader.engine.sandbox.health import from_dockerfile

    assert from_dockerfile("CMD curl -f http://localhost/ || exit 1") == {
        "Test": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]
    }
    assert from_dockerfile("--timeout=3s --start-period=1m CMD pg_isready") == {
        "Test": ["CMD-SHELL", "pg_isready"],
        "Timeout": 3 * SECOND,
        "StartPeriod": 60 * SECOND,
    }
    assert from_dockerfile("NONE") == {"Test": ["NONE"]}
