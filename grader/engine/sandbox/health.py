"""Health checks: ``HEALTHCHECK`` / ``--health-*`` probes and ``State.Health``.

dockerd runs a container's test command every ``Interval`` (30 s unless set) once it has
started; an exit code of 0 makes it ``healthy``, and ``Retries`` (3) failures in a row make
it ``unhealthy``; until the first answer it is ``starting``. Failures during
``StartPeriod`` do not count. The sandbox probes lazily: when the engine settles, each
running container gets the probes that fell due since the last one, the test command run
once in its simulated filesystem (:mod:`grader.engine.sandbox.shell`) for the latest.
"""

from __future__ import annotations

import json
import math
from typing import Any

from grader.engine.sandbox.clock import parse_rfc3339, rfc3339_ns
from grader.gotime import parse_duration

SECOND = 1_000_000_000
DEFAULTS = {"Interval": 30 * SECOND, "Timeout": 30 * SECOND, "Retries": 3, "StartPeriod": 0}
"""dockerd's values for a health check field left at zero."""


def merge(image: dict[str, Any] | None, given: dict[str, Any] | None) -> dict[str, Any] | None:
    """The container's ``Config.Healthcheck``: the image's, with what ``run`` set over it.

    Accepts docker-py's lower-case keys (``test``, ``interval``...) as well as the API's.
    """
    given = {key[:1].upper() + key[1:]: value for key, value in (given or {}).items()}
    if "Start_period" in given:
        given["StartPeriod"] = given.pop("Start_period")
    if isinstance(given.get("Test"), str):
        given["Test"] = ["CMD-SHELL", given["Test"]]
    merged = dict(image or {})
    for key, value in given.items():
        if value not in (None, 0, [], ""):
            merged[key] = value
    return merged or None


_OPTIONS = {
    "--interval": "Interval",
    "--timeout": "Timeout",
    "--start-period": "StartPeriod",
    "--start-interval": "StartInterval",
    "--retries": "Retries",
}


def from_dockerfile(value: str) -> dict[str, Any]:
    """The image's ``Healthcheck`` for ``HEALTHCHECK [OPTIONS] CMD command`` (or ``NONE``).

    ``CMD ["curl", "-f", "..."]`` keeps the exec form (``CMD``); any other command is the
    shell form (``CMD-SHELL``); options given are kept, in nanoseconds (retries as a count).
    """
    check: dict[str, Any] = {}
    rest = value.strip()
    while rest.startswith("--"):
        option, _, rest = rest.partition(" ")
        name, _, given = option.partition("=")
        if name in _OPTIONS:
            key = _OPTIONS[name]
            check[key] = int(given) if key == "Retries" else round(parse_duration(given) * 1e9)
        rest = rest.lstrip()
    keyword, _, command = rest.partition(" ")
    if keyword.upper() == "NONE":
        return {"Test": ["NONE"]}
    command = command.strip()
    try:
        words = json.loads(command)
    except ValueError:
        words = None
    if isinstance(words, list) and all(isinstance(word, str) for word in words):
        check["Test"] = ["CMD", *words]
    else:
        check["Test"] = ["CMD-SHELL", command]
    return {"Test": check.pop("Test"), **check}


def active(check: dict[str, Any] | None) -> bool:
    """True when the check has a test to run (``NONE`` disables an image's check)."""
    test = (check or {}).get("Test") or []
    return bool(test) and test[0] != "NONE"


def argv(check: dict[str, Any]) -> list[str]:
    """The command a probe runs: ``CMD-SHELL x`` is ``/bin/sh -c x``."""
    test = check["Test"]
    if test[0] == "CMD-SHELL":
        return ["/bin/sh", "-c", " ".join(test[1:])]
    return list(test[1:])


def started(doc: dict[str, Any]) -> None:
    """A (re)started container's health begins at ``starting`` with no probe yet."""
    if active(doc["Config"].get("Healthcheck")):
        doc["State"]["Health"] = {"Status": "starting", "FailingStreak": 0, "Log": []}
        doc["_probes"] = 0
    else:
        doc["State"].pop("Health", None)


def due(doc: dict[str, Any], now: float) -> int:
    """How many probes have fallen due since the start and not been run."""
    check = doc["Config"].get("Healthcheck")
    if not active(check) or not doc["State"].get("Health") or not doc["State"]["Running"]:
        return 0
    interval = (check.get("Interval") or DEFAULTS["Interval"]) / SECOND
    elapsed = now - parse_rfc3339(doc["State"]["StartedAt"])
    return max(0, math.floor(elapsed / interval) - doc.get("_probes", 0))


def record(doc: dict[str, Any], probes: int, code: int, output: str, now: float) -> None:
    """Apply ``probes`` probes that all answered ``code`` (the latest one was run)."""
    check = doc["Config"]["Healthcheck"]
    health = doc["State"]["Health"]
    start_period = (check.get("StartPeriod") or 0) / SECOND
    in_start = now - parse_rfc3339(doc["State"]["StartedAt"]) < start_period
    doc["_probes"] = doc.get("_probes", 0) + probes
    stamp = rfc3339_ns(int(now * SECOND))
    health["Log"] = [
        *health["Log"],
        {"Start": stamp, "End": stamp, "ExitCode": code, "Output": output},
    ][-5:]
    if code == 0:
        health.update({"Status": "healthy", "FailingStreak": 0})
        return
    if in_start:
        return
    health["FailingStreak"] += probes
    if health["FailingStreak"] >= (check.get("Retries") or DEFAULTS["Retries"]):
        health["Status"] = "unhealthy"


def suffix(doc: dict[str, Any]) -> str:
    """What ``docker ps`` adds to "Up 5 seconds": `` (healthy)``, `` (health: starting)``."""
    health = doc["State"].get("Health")
    if not health or not doc["State"]["Running"]:
        return ""
    status = health["Status"]
    return " (health: starting)" if status == "starting" else f" ({status})"
