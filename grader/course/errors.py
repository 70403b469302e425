"""The one error the ``course`` verbs raise: a message for the instructor, never a traceback."""


class CourseError(Exception):
    """A step of the instructor workflow failed; ``str(error)`` says why and what to do."""
