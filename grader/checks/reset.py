"""Put the engine back to a notebook's start state so a student can retry an exercise.

On the sandbox everything in its state is the course's, so a reset removes every container.
On a real daemon only the course's labelled objects are candidates, and a notebook narrows
them further with :func:`configure` (the container names, volumes and host ports it uses):
several notebooks, terminals or test runs can share one daemon without a reset in one of
them removing the containers of another. Then the exercise's set-up commands run and its
start is stamped (see ``grader.checks.exercises``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from grader.checks.exercises import start
from grader.checks.failure import engine_refusal, fail
from grader.checks.progress import forget
from grader.checks.refs import normalize_image
from grader.checks.runner import run
from grader.checks.state import container_name, course_filters, engine, list_containers
from grader.engine.api import JSON, EngineAPI
from grader.engine.errors import EngineError, NotFound


@dataclass(frozen=True)
class Scope:
    """What a notebook owns on a real daemon (empty: every course-labelled object)."""

    containers: frozenset[str] = frozenset()
    volumes: frozenset[str] = frozenset()
    ports: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.containers or self.volumes or self.ports)


_scope = Scope()


def configure(
    *, containers: Iterable[str] = (), volumes: Iterable[str] = (), ports: Iterable[int] = ()
) -> None:
    """Declare the containers, volumes and host ports this notebook's exercises use.

    On a real daemon a reset then removes only course containers with one of these names
    or publishing one of these ports, and only these volumes. The sandbox ignores it.
    """
    global _scope
    _scope = Scope(frozenset(containers), frozenset(volumes), frozenset(int(p) for p in ports))


def _owned(api: EngineAPI, summary: JSON) -> bool:
    if not api.shared or not _scope:
        return True
    if container_name(summary) in _scope.containers:
        return True
    if any(item.get("PublicPort") in _scope.ports for item in summary.get("Ports") or []):
        return True
    return _binds_scope_port(api, summary)


def _binds_scope_port(api: EngineAPI, summary: JSON) -> bool:
    """A stopped container lists no ports: its configured bindings still hold them."""
    if not _scope.ports or summary.get("State") == "running":
        return False
    try:
        bound = (api.inspect_container(summary["Id"]).get("HostConfig") or {}).get("PortBindings")
    except NotFound:
        return False
    return any(
        str((host or {}).get("HostPort")) in {str(port) for port in _scope.ports}
        for hosts in (bound or {}).values()
        for host in hosts or []
    )


def reset(
    exercise: str | None = None,
    *,
    setup: str = "",
    images: Iterable[str] = (),
    volumes: bool = False,
    pull: Iterable[str] = (),
    quiet: bool = False,
) -> None:
    """Remove the course's containers, then prepare and start ``exercise``.

    Args:
        exercise: the exercise that starts now (scopes ``check.ran``/``check.output``).
        setup: docker command lines that build the exercise's starting point, run one by
            one (the first that fails stops the set-up); their output is shown.
        images: image references the exercise creates (e.g. a tag) to remove first.
        volumes: also remove the course's volumes (those :func:`configure` named, on a real
            daemon).
        pull: images the notebook uses: those missing are pulled (quietly), so exercises
            find them local as on a machine where they were pulled before.
        quiet: print nothing when all went well.
    """
    api = engine()
    removed = 0
    for item in list_containers(api):
        if not _owned(api, item):
            continue
        try:
            api.remove_container(item["Id"], v=True, force=True)
            removed += 1
        except NotFound:
            continue
        except EngineError as error:
            raise fail("the reset could not remove a container", found=error.explanation) from None
    for ref in images:
        try:
            api.remove_image(normalize_image(ref))
        except NotFound:
            continue
        except EngineError as error:
            raise fail(f"the reset could not remove {ref}", found=error.explanation) from None
    if volumes:
        _remove_volumes(api)
    for ref in pull:
        _ensure_image(api, normalize_image(ref))
    for line in setup.splitlines():
        if not line.strip():
            continue
        result = run(line, source="setup")
        print(result.stdout, end="")
        if result.exit_code != 0:
            raise fail(
                "the exercise's set-up failed",
                found=result.stderr.strip(),
                hint="run this cell again; if it fails again, restart the kernel",
            )
    if exercise:
        start(exercise)
    forget()
    if not quiet:
        noun = "container" if removed == 1 else "containers"
        where = f" for {exercise}" if exercise else ""
        print(f"Ready{where}: removed {removed} {noun}.")


def _remove_volumes(api: EngineAPI) -> None:
    listed = (api.volumes(filters=course_filters(api)) or {}).get("Volumes") or []
    for volume in listed:
        if api.shared and _scope and volume["Name"] not in _scope.volumes:
            continue
        try:
            api.remove_volume(volume["Name"], force=True)
        except EngineError:
            continue


def _ensure_image(api: EngineAPI, ref: str) -> None:
    """Pull ``ref`` unless it is already local."""
    try:
        api.inspect_image(ref)
        return
    except NotFound:
        pass
    repository, _, tag = ref.rpartition(":")
    with engine_refusal(
        f"the image {ref} is not here and could not be pulled",
        hint="on a machine without internet access, ask for the course's image bundle",
    ):
        for item in api.pull(repository, tag=tag):
            if isinstance(item, dict) and item.get("error"):
                raise EngineError(str(item["error"]))
