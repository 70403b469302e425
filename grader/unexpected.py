"""What to do with an error the course's own code did not expect (a bug, not a user error).

For a student, the docker CLI emulation and the ``%%docker`` magic print one line
(``docker: unexpected error: ...``) instead of a traceback. For developers and the test
suite, ``COURSE_RAISE_UNEXPECTED=1`` makes them re-raise instead, so pytest and nbval fail
on the bug rather than on a line of output nobody reads (``tests/conftest.py`` sets it).
"""

from __future__ import annotations

import os


def raise_unexpected() -> bool:
    """True when ``COURSE_RAISE_UNEXPECTED`` is set to a true value (1, true, yes)."""
    return os.environ.get("COURSE_RAISE_UNEXPECTED", "").strip().lower() in {"1", "true", "yes"}


def unexpected_line(prefix: str, error: BaseException) -> str:
    """The one line shown for ``error``; re-raises it under ``COURSE_RAISE_UNEXPECTED=1``.

    Call it inside the ``except`` block that caught ``error``.
    """
    if raise_unexpected():
        raise error
    return f"{prefix}: unexpected error: {type(error).__name__}: {error}\n"
