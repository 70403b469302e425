"""Fixtures of the trusted grader's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from IPython.core.interactiveshell import InteractiveShell

from grader.grading.shell import GraderShell


@pytest.fixture(autouse=True)
def no_grader_shell_left() -> Iterator[None]:
    """Drop the grader's IPython singleton after each test.

    In grading it lives in a forked child that ends with the submission; in a test process it
    would stay, and a later test's ``get_ipython()`` (a terminal shell) could not be created.
    """
    yield
    if GraderShell.initialized():
        GraderShell.clear_instance()
        InteractiveShell.clear_instance()
