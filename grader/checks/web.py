"""The behaviour check: a real HTTP request to a published port on localhost.

Both engines serve HTTP on published ports (the sandbox's nginx containers answer too), so
the check is the same everywhere. When nothing answers, the engine's state explains why.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from grader.checks.failure import fail
from grader.checks.progress import EvidenceText, passed
from grader.checks.state import container_name, engine, list_containers
from grader.engine.safety import grading_mode


def fetch(port: int, path: str = "/", timeout: float = 2.0, wait: float = 0.0) -> tuple[int, str]:
    """GET ``http://localhost:PORT/PATH``: (status, body).

    Args:
        port: the host port.
        path: the URL path.
        timeout: seconds one request may take.
        wait: seconds to keep retrying while nothing answers (a server still starting).

    Raises:
        OSError: nothing answered (after ``wait``).
    """
    url = f"http://localhost:{int(port)}{path}"
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")
        except OSError:
            if time.monotonic() >= deadline or not _may_answer_later(port):
                raise
            time.sleep(0.25)


def _may_answer_later(port: int) -> bool:
    """Whether retrying can help: a container that publishes ``port`` may still be starting.

    While grading, nothing outside the replayed cell changes the engine, so when no running
    (or restarting) container publishes ``port``, nothing will while the check waits: it
    fails at once instead of waiting its seconds out (a blank hand-in waited 5 s a check).
    In a student's kernel a terminal may start one meanwhile: there it always waits.
    """
    if not grading_mode():
        return True
    api = engine()
    for item in list_containers(api):
        if item.get("State") not in ("running", "restarting"):
            continue
        if any(p.get("PublicPort") == port for p in item.get("Ports") or []):
            return True
        bound = (api.inspect_container(item["Id"]).get("HostConfig") or {}).get("PortBindings")
        hosts = [h or {} for entries in (bound or {}).values() for h in entries or []]
        if any(str(h.get("HostPort")) == str(port) for h in hosts):
            return True
    return False


def show(port: int, path: str = "/", lines: int = 12) -> None:
    """Print what ``http://localhost:PORT/PATH`` answers, as a browser would fetch it.

    For demonstration cells: when nothing answers, it says why instead of raising.
    """
    try:
        status, body = fetch(port, path, wait=3.0)
    except OSError:
        problem, hint = _why_unreachable(port)
        print(f"{problem}\n({hint})")
        return
    shown = body.strip().splitlines()
    print(f"HTTP {status} from localhost:{port}{path}")
    print("\n".join(shown[:lines]) + ("\n..." if len(shown) > lines else ""))


def _why_unreachable(port: int) -> tuple[str, str]:
    """Explain from the engine's state why nothing answers on ``port``."""
    for item in list_containers(engine()):
        for published in item.get("Ports") or []:
            if published.get("PublicPort") == port and item.get("State") == "running":
                return (
                    f"{container_name(item)} publishes port {port} but its server does not answer",
                    "is the container port right? docker logs shows what the server says",
                )
    for item in list_containers(engine()):
        if item.get("State") != "running":
            info = engine().inspect_container(item["Id"])
            bound = (info.get("HostConfig") or {}).get("PortBindings") or {}
            for container_port, hosts in bound.items():
                if any(str((h or {}).get("HostPort")) == str(port) for h in hosts or []):
                    return (
                        f"port {port} is published to {container_port} by "
                        f"{container_name(item)}, but the container is not running: "
                        "did you use -d?",
                        "docker ps -a shows its status; docker start starts it again",
                    )
    return (
        f"nothing answers on localhost:{port}: no running container publishes port {port}",
        "-p HOST:CONTAINER publishes a container's port on the host",
    )


def http(
    port: int,
    *,
    path: str = "/",
    contains: str | None = None,
    status: int = 200,
    wait: float = 5.0,
    hint: str = "",
) -> str:
    """Check that ``http://localhost:PORT/PATH`` answers with ``status`` and ``contains``.

    Args:
        port: the host port.
        path: the URL path.
        contains: text the page must contain.
        status: the expected HTTP status.
        wait: seconds to keep retrying while a server starts.
        hint: replaces the default hint of the first failure.

    Returns:
        The page's text.
    """
    try:
        code, body = fetch(port, path, wait=wait)
    except OSError:
        problem, default_hint = _why_unreachable(port)
        raise fail(problem, hint=hint or default_hint) from None
    where = f"localhost:{port}{path}"
    if code != status:
        raise fail(
            f"{where} answered HTTP {code}, not {status}",
            found=body.strip()[:200],
            hint=hint or "is the right folder mounted, with the file the exercise names?",
        )
    if contains is not None and contains not in body:
        raise fail(
            f"the page at {where} does not contain {contains!r}",
            found=body.strip()[:300] or "an empty page",
            hint=hint or "the page comes from the folder the container serves",
        )
    passed(f"{where} answers" + (f" with {contains!r}" if contains else ""))
    return EvidenceText(body)
