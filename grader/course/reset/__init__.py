"""``course reset``: remove the course's objects from an engine, never anything else.

Calls :func:`grader.engine.cleanup.reset`, which only touches objects labelled
``course=docker-k8s``: a student's or instructor's own containers on the same daemon stay.
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
