"""``course reset``: remove the course's objects from an engine, never anything else.

Calls :func:`grader.engine.cleanup.reset`, which only touches objects labelled
``course=docker-k8s``: a student's or instructor's own containers on the same daemon stay.
``course reset --sandbox [--restore]`` (:func:`reset_sandbox`) is the way out of a damaged
sandbox state database.
"""

from __future__ import annotations

from grader.course.errors import CourseError
from grader.engine.cleanup import ResetSummary, reset
from grader.engine.errors import EngineError


def main(*, engine: str | None = None, prefix: str = "") -> ResetSummary:
    """Reset the selected engine (``COURSE_ENGINE`` when ``engine`` is None).

    Args:
        engine: ``docker``, ``sandbox`` or None for the usual selection.
        prefix: only objects whose name starts with it.

    Raises:
        CourseError: the engine cannot be selected or reached.
    """
    from grader.engine import get_engine, selected_kind

    try:
        kind = engine or selected_kind()
        return reset(get_engine(kind), prefix=prefix)
    except ValueError as error:
        raise CourseError(str(error)) from error
    except EngineError as error:
        raise CourseError(f"cannot reset the {kind} engine: {error}") from error


def reset_sandbox(*, restore: bool = False) -> str:
    """Set the sandbox's state aside and start afresh, or put back its backup.

    For a sandbox whose ``state.db`` is damaged or lost (the CLI says so and points here):
    its helper processes are stopped, the old database is kept beside the new one.

    Raises:
        CourseError: ``restore`` when there is no backup.
    """
    from grader.engine import sandbox_dir
    from grader.engine.sandbox.ports import shutdown_all
    from grader.engine.sandbox.store import SandboxStateError, reset_state

    folder = sandbox_dir()
    shutdown_all(folder)
    try:
        return reset_state(folder, restore=restore)
    except SandboxStateError as error:
        raise CourseError(error.explanation) from error
