"""Put the engine back to a notebook's start state so a student can retry an exercise.

On a real daemon only the course's labelled containers (and, when asked, volumes) are
removed; on the sandbox everything in its state is the course's. Then the exercise's
set-up commands run and the exercise's start is stamped (see ``grader.checks.exercises``).
"""

from __future__ import annotations

from collections.abc import Iterable

from grader.checks.exercises import start
from grader.checks.failure import fail
from grader.checks.refs import normalize_image
from grader.checks.runner import run
from grader.checks.state import course_filters, engine, list_containers
from grader.engine.errors import EngineError, NotFound


def reset(
    exercise: str | None = None,
    *,
    setup: str = "",
    images: Iterable[str] = (),
    volumes: bool = False,
    quiet: bool = False,
) -> None:
    """Remove the course's containers, then prepare and start ``exercise``.

    Args:
        exercise: the exercise that starts now (scopes ``check.ran``/``check.output``).
        setup: docker command lines that build the exercise's starting point; their output
            is shown, like any cell's.
        images: image references the exercise creates (e.g. a tag) to remove first.
        volumes: also remove the course's volumes.
        quiet: print nothing when all went well.
    """
    api = engine()
    removed = 0
    for item in list_containers(api):
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
        listed = (api.volumes(filters=course_filters(api)) or {}).get("Volumes") or []
        for volume in listed:
            try:
                api.remove_volume(volume["Name"], force=True)
            except EngineError:
                continue
    if setup:
        result = run(setup, source="setup")
        print(result.stdout, end="")
        if result.exit_code != 0:
            raise fail("the exercise's set-up failed", found=result.stderr.strip())
    if exercise:
        start(exercise)
    if not quiet:
        noun = "container" if removed == 1 else "containers"
        where = f" for {exercise}" if exercise else ""
        print(f"Ready{where}: removed {removed} {noun}.")
