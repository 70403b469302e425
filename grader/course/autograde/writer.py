"""The lean autograde writer: nbgrader's ``Autograde`` steps in one pass, in memory.

nbgrader's converter reads a submission, runs its sanitising preprocessors, writes the
notebook, reads it back, runs the autograde preprocessors (the trusted grader's
``TrustedExecute`` among them) and writes it again, validating the notebook after every
preprocessor and opening the gradebook about nine times. :class:`Writer` does the same
steps for ``course autograde`` with the same configured preprocessor lists
(``Autograde.sanitize_preprocessors`` and ``autograde_preprocessors``, with
``TrustedExecute`` always in the place of ``Execute``), but once: the notebook stays in
memory between the two lists, is validated once and written once, the preprocessors and the
configuration are built once per grading process, and the gradebook steps go through one
open :class:`~nbgrader.api.Gradebook` (:mod:`grader.course.autograde.gradebook`). What it
writes is what nbgrader writes: ``autograded/<student>/<assignment>/`` (the hand-in's
files, the release material over them, the graded notebook) and the gradebook's
submission, grade and comment rows, so manual grading, ``course feedback``, ``export``
and the formgrader read it unchanged. Plain ``nbgrader autograde`` keeps nbgrader's
converter (and the same ``TrustedExecute``).

What it leaves to its caller or does not do: the students and the released assignment must
be in the gradebook already (``course autograde`` adds them before grading starts), and
nbgrader's ``pre_convert_hook``/``post_convert_hook`` and group-shared folder permissions
(settings the course does not use) are not applied.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import find_all_files
from traitlets.config import Config
from traitlets.utils.importstring import import_item

from grader.course.autograde.gradebook import GRADEBOOK, SNAPSHOT_TWINS, SOURCE, NotebookSource
from grader.grading.isolation import GradingTimeout
from grader.grading.nbgrader import REPLAY_SECONDS, trusted_preprocessors


@dataclass(frozen=True)
class Written:
    """What grading one submission did."""

    ok: bool
    log: str
    timed_out: bool = False


@dataclass
class Writer:
    """Autogrades submissions of one course, in this process; build once, grade many.

    Args:
        config: the course's configuration (``nbgrader_config.py``, with the course's
            grading settings applied by the caller).
    """

    config: Config
    coursedir: CourseDirectory = field(init=False)
    log: logging.Logger = field(init=False)
    sanitize: list[Preprocessor] = field(init=False)
    autograde: list[Preprocessor] = field(init=False)
    permissions: int = field(init=False)
    exclude_overwriting: dict[str, list[str]] = field(init=False)
    _gradebook: Gradebook | None = field(init=False, default=None)
    _sources: dict[tuple[str, str], NotebookSource] = field(init=False, default_factory=dict)
    _buffer: io.StringIO = field(init=False, default_factory=io.StringIO)

    def __post_init__(self) -> None:
        self.coursedir = CourseDirectory(config=self.config)
        self.log = logging.getLogger(f"{__name__}.{id(self)}")
        self.log.propagate = False
        self.log.setLevel(logging.INFO)
        handler = logging.StreamHandler(self._buffer)
        handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
        self.log.addHandler(handler)
        converter = Autograde(coursedir=self.coursedir, config=self.config)
        self.sanitize = [self._build(item) for item in converter.sanitize_preprocessors]
        graders = trusted_preprocessors(list(converter.autograde_preprocessors))
        self.autograde = [self._build(item) for item in graders]
        self.permissions = int(str(converter.permissions), 8)
        self.exclude_overwriting = dict(converter.exclude_overwriting)

    def _build(self, item: Any) -> Preprocessor:
        cls = import_item(item) if isinstance(item, str) else item
        return SNAPSHOT_TWINS.get(cls, cls)(config=self.config, log=self.log)

    @property
    def gradebook(self) -> Gradebook:
        """The process's gradebook connection (opened on first use, after the fork)."""
        if self._gradebook is None:
            self._gradebook = Gradebook(self.coursedir.db_url, self.coursedir.course_id)
        return self._gradebook

    def grade(self, assignment: str, student: str) -> Written:
        """Autograde ``student``'s ``assignment`` (as ``nbgrader autograde --force``)."""
        self._buffer.seek(0)
        self._buffer.truncate()
        REPLAY_SECONDS.clear()
        directory = self.coursedir
        dest = Path(directory.format_path(directory.autograded_directory, student, assignment))
        try:
            self._grade(assignment, student, dest)
        except Exception as error:  # noqa: BLE001 - one submission's failure is recorded
            if self._gradebook is not None:
                self._gradebook.db.rollback()
            self.log.error("There was an error processing assignment: %s", dest)
            self.log.error(traceback.format_exc())
            if dest.exists():
                self.log.warning("Removing failed assignment: %s", dest)
                shutil.rmtree(dest)
            return Written(False, self._buffer.getvalue(), isinstance(error, GradingTimeout))
        return Written(True, self._buffer.getvalue())

    def _grade(self, assignment: str, student: str, dest: Path) -> None:
        directory = self.coursedir
        submitted = Path(directory.format_path(directory.submitted_directory, student, assignment))
        source = Path(directory.format_path(directory.source_directory, ".", assignment))
        if not submitted.is_dir():
            raise FileNotFoundError(f"no submission in {submitted}")
        self.gradebook.db.expire_all()
        if dest.exists():
            self.log.warning("Removing existing assignment: %s", dest)
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        self._copy(submitted, dest, directory.ignore + ["*.ipynb"])
        self._record_submission(assignment, student, submitted)
        kept = self.exclude_overwriting.get(assignment, [])
        self._copy(source, dest, directory.ignore + ["*.ipynb"], {str(source / n) for n in kept})
        for notebook in self.gradebook.find_assignment(assignment).notebooks:
            path = submitted / f"{notebook.name}.ipynb"
            if path.is_file():
                self._grade_notebook(path, dest, assignment, student)
            else:
                self._score_missing(notebook.name, assignment, student, path)
        for folder, _, files in os.walk(dest):
            for name in files:
                os.chmod(os.path.join(folder, name), self.permissions)

    def _copy(
        self, folder: Path, dest: Path, ignore: list[str], excluded: set[str] | None = None
    ) -> None:
        """Copy ``folder``'s files (but ``ignore`` globs and ``excluded`` paths) into ``dest``."""
        excluded = excluded or set()
        for filename in find_all_files(str(folder), ignore):
            if filename in excluded:
                continue
            target = dest / os.path.relpath(filename, folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.unlink()
            shutil.copy(filename, target)

    def _record_submission(self, assignment: str, student: str, submitted: Path) -> None:
        """Create or update the submission's rows, with its ``timestamp.txt`` when it has one."""
        timestamp = self.coursedir.get_existing_timestamp(str(submitted))
        extra = {"timestamp": timestamp} if timestamp else {}
        submission = self.gradebook.update_or_create_submission(assignment, student, **extra)
        if timestamp and submission.total_seconds_late > 0:
            self.log.warning("%s is %s seconds late", submission, submission.total_seconds_late)

    def _grade_notebook(self, path: Path, dest: Path, assignment: str, student: str) -> None:
        name = path.stem
        key = (assignment, name)
        if key not in self._sources:
            self._sources[key] = NotebookSource.read(self.gradebook, name, assignment)
        resources: dict[str, Any] = {
            "unique_key": name,
            "output_files_dir": f"{name}_files",
            "metadata": {"name": name, "path": str(dest)},
            "nbgrader": {
                "student": student,
                "assignment": assignment,
                "notebook": name,
                "db_url": self.coursedir.db_url,
            },
            GRADEBOOK: self.gradebook,
            SOURCE: self._sources[key],
        }
        _, notebook = nbformat.validator.normalize(nbformat.read(path, as_version=4))
        notebook = nbformat.from_dict(notebook)
        self.log.info("Autograding %s", path)
        for preprocessor in (*self.sanitize, *self.autograde):
            notebook, resources = preprocessor(notebook, resources)
        _, notebook = nbformat.validator.normalize(notebook)  # ids for restored cells
        notebook = nbformat.from_dict(notebook)
        nbformat.validate(notebook, relax_add_props=True)
        nbformat.write(notebook, dest / f"{name}.ipynb")

    def _score_missing(self, notebook: str, assignment: str, student: str, path: Path) -> None:
        """A notebook the student did not hand in scores 0 (as nbgrader does)."""
        self.log.warning("No submitted file: %s", path)
        submitted = self.gradebook.find_submission_notebook(notebook, assignment, student)
        for grade in submitted.grades:
            grade.auto_score = 0
            grade.needs_manual_grade = False
        self.gradebook.db.commit()
