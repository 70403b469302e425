"""``course publish DIR``: the student edition, a tree to make the students' repository from.

Students must never be handed the instructor's repository: its ``notebooks/`` folder holds
the solutions and the hidden tests, and on Binder or in a lab terminal every file of the
repository is one ``cat`` away. The student edition holds only what a student runs:

- ``release/``: the student version of every assignment, rebuilt by ``course release``;
- ``grader/``: the course package (engines, checks, magics, widgets);
- ``binder/``, ``pyproject.toml``, ``nbgrader_config.py``, ``Makefile``, ``LICENSE``: what
  Binder's postBuild and ``make lab`` need to install the package and open the release;
- ``docs/setup.md`` and ``docs/glossary.md``: the students' pages of the course's docs;
- a README for students.

``DIR`` may be a clone of the students' repository: its hidden entries (``.git``) are
kept, the entries the edition owns are replaced, and anything else there (a ``notebooks/``
folder, say) makes publishing refuse, as does a ``DIR`` that is or holds the course itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from grader.course.errors import CourseError
from grader.course.release import main as release
from grader.course.settings import CONFIG_FILE, coursedir

PROJECT_FILES = ("grader", "binder", "pyproject.toml", "Makefile", "LICENSE")
"""Entries copied from the project that holds the running ``grader`` package."""
RELEASE = "release"
README = "README.md"
DOCS = "docs"
STUDENT_DOCS = ("setup.md", "glossary.md")
"""The pages of ``docs/`` written for students (the rest is for instructors)."""
OWNED = frozenset({*PROJECT_FILES, RELEASE, README, CONFIG_FILE, DOCS})
"""Top-level entries of a published tree; publishing again replaces exactly these."""
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".ipynb_checkpoints")
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")

STUDENT_README = """\
# Docker & Kubernetes: student edition

The course's notebooks are in `release/`, one folder per assignment. Every `%%docker`
cell and every `docker` command in a terminal runs on a real Docker Engine when one
answers, and on the course's built-in sandbox engine otherwise; the check cells say what
is right and what is missing.

- On mybinder.org: open the Binder link your instructor gave you (nothing to install).
- On your own machine: `make lab` installs the course into `.venv/` and opens JupyterLab
  on the first notebook.

[docs/setup.md](docs/setup.md) says what to install first on Linux, macOS and Windows, what
to know before each notebook, and what to do when something gets in the way;
[docs/glossary.md](docs/glossary.md) explains the words the course uses.

Hand in the notebooks from `release/` the way your instructor asked you to.
"""


def project_folder() -> Path:
    """The folder holding the running ``grader`` package (the course's repository)."""
    import grader

    return Path(grader.__file__).resolve().parent.parent


def check_target(target: Path, root: Path, project: Path) -> None:
    """Refuse a target that is (or holds) the course, or holds entries the edition does not own.

    Raises:
        CourseError: publishing there could overwrite the course or mix it with the edition.
    """
    for protected in {root.resolve(), project.resolve()}:
        if target == protected or protected.is_relative_to(target):
            raise CourseError(f"{target} holds the course itself: publish to another folder")
        if target.is_relative_to(protected):
            raise CourseError(
                f"{target} is inside the course at {protected}: students given it would "
                "sit next to the source notebooks; publish outside the course"
            )
    if target.exists() and not target.is_dir():
        raise CourseError(f"{target} exists and is not a folder")
    strangers = sorted(
        entry.name
        for entry in (target.iterdir() if target.is_dir() else [])
        if not entry.name.startswith(".") and entry.name not in OWNED
    )
    if strangers:
        raise CourseError(
            f"{target} holds {', '.join(strangers)}, which the student edition does not: "
            "publish to an empty folder or a clone of the students' repository"
        )


def check_release(folder: Path) -> None:
    """Refuse a release whose notebooks still carry nbgrader's region markers.

    Raises:
        CourseError: a solution or hidden-test marker survived ``course release``.
    """
    for path in sorted(folder.rglob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            found = [m for m in MARKERS if m in cell.source]
            if found:
                raise CourseError(
                    f"{path}: cell {index} still holds {found[0]!r}: the release is not "
                    "safe to publish (check the cell's nbgrader metadata)"
                )


def copy_entry(source: Path, destination: Path) -> None:
    """Copy a file or a folder (without caches) to ``destination``."""
    if source.is_dir():
        shutil.copytree(source, destination, ignore=SKIP)
    else:
        shutil.copy2(source, destination)


def main(*, root: Path, target: Path, build_release: bool = True) -> list[Path]:
    """Write the student edition of the course at ``root`` into ``target``.

    Args:
        root: the course root (holds ``nbgrader_config.py`` and the source notebooks).
        target: the folder to write (created, or a previous edition / students' clone).
        build_release: rebuild ``release/`` from the source notebooks first.

    Returns:
        The top-level entries written, sorted.

    Raises:
        CourseError: the target is unsafe, a file the edition needs is missing, or the
            release still holds a solution or hidden-test marker.
    """
    target = target.resolve()
    project = project_folder()
    check_target(target, root, project)
    if build_release:
        release(root=root)
    release_dir = root / coursedir(root).release_directory
    if not release_dir.is_dir():
        raise CourseError(f"no release in {release_dir}: run `course release` first")
    check_release(release_dir)
    sources = {name: project / name for name in PROJECT_FILES}
    sources.update({f"{DOCS}/{page}": project / DOCS / page for page in STUDENT_DOCS})
    sources[CONFIG_FILE] = root / CONFIG_FILE
    sources[RELEASE] = release_dir
    missing = [str(path) for path in sources.values() if not path.exists()]
    if missing:
        raise CourseError(f"cannot publish without {', '.join(missing)}")
    target.mkdir(parents=True, exist_ok=True)
    for name in OWNED:
        old = target / name
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        elif old.exists() or old.is_symlink():
            old.unlink()
    (target / DOCS).mkdir()
    for name, source in sources.items():
        copy_entry(source, target / name)
    (target / README).write_text(STUDENT_README, encoding="utf-8")
    return sorted(target / name for name in OWNED)
