"""``course collect``: file downloaded submissions into nbgrader's ``submitted/`` layout.

Students on Binder download their notebook and hand it in through the LMS; the instructor
downloads the lot into one folder holding either ``<student>.ipynb`` files or
``<student>/`` folders with the notebook inside. Each lands in
``submitted/<student>/<assignment>/<notebook>.ipynb`` under the release notebook's name, which
is the name nbgrader grades. (With nbgrader's exchange on JupyterHub, ``nbgrader collect``
fills ``submitted/`` instead.)
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

from grader.course.errors import CourseError
from grader.course.settings import coursedir

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")


def release_notebook(root: Path, assignment: str) -> str:
    """The file name of the assignment's (single) notebook in the source folder."""
    source = root / coursedir(root).source_directory / assignment
    notebooks = sorted(p.name for p in source.glob("*.ipynb"))
    if len(notebooks) != 1:
        raise CourseError(
            f"{source} should hold exactly one notebook to collect into, found {len(notebooks)}"
        )
    return notebooks[0]


def handed_in(folder: Path) -> dict[str, Path]:
    """``student id -> notebook`` for every hand-in found in ``folder``."""
    found: dict[str, Path] = {}
    for entry in sorted(folder.iterdir()):
        if entry.is_file() and entry.suffix == ".ipynb":
            found[entry.stem] = entry
        elif entry.is_dir():
            notebooks = sorted(entry.rglob("*.ipynb"))
            notebooks = [p for p in notebooks if ".ipynb_checkpoints" not in p.parts]
            if len(notebooks) != 1:
                raise CourseError(f"{entry} should hold one notebook, found {len(notebooks)}")
            found[entry.name] = notebooks[0]
    bad = [s for s in found if not STUDENT_ID.match(s)]
    if bad:
        raise CourseError(f"not usable as student ids: {', '.join(bad)}")
    return found


def main(*, root: Path, assignment: str, folder: Path) -> list[str]:
    """Copy every hand-in in ``folder`` into ``submitted/`` and return the student ids.

    Raises:
        CourseError: the folder is missing, empty, or holds something that is not a notebook.
    """
    if not folder.is_dir():
        raise CourseError(f"{folder}: no such folder")
    name = release_notebook(root, assignment)
    students = handed_in(folder)
    if not students:
        raise CourseError(f"{folder} holds no notebook")
    submitted = root / coursedir(root).submitted_directory
    for student, notebook in students.items():
        try:
            nbformat.read(notebook, as_version=4)
        except Exception as error:  # nbformat raises several unrelated types
            raise CourseError(f"{notebook} is not a readable notebook: {error}") from error
        target = submitted / student / assignment
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, target / name)
    return sorted(students)
