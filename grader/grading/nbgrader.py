"""``TrustedExecute``: nbgrader's execute step, with the submission read as data.

nbgrader's own ``Execute`` runs the submitted notebook in a kernel, so a student's cell
can redefine the checks, forge the command history or outlive grading. This preprocessor
takes its place in ``Autograde.autograde_preprocessors`` (``nbgrader_config.py``), so
``nbgrader autograde``, the formgrader's button and ``course autograde`` all grade this
way: it runs the instructor's *source* notebook (found through the course directory) in
a forked child per submission (:mod:`grader.grading.submission`), takes only the answer
cells from the submission, and writes the outputs into the submission's cells, where
nbgrader's ``SaveAutoGrades`` scores them as usual.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from traitlets import Enum

from grader.grading.isolation import namespaces_available
from grader.grading.merge import write_outputs
from grader.grading.submission import Job, grade

PRELOADED = (
    "IPython.core.interactiveshell",
    "grader.magics",
    "grader.checks",
    "grader.checks.build",
    "grader.checks.registry",
    "grader.checks.k8s",
    "grader.dockercli",
    "grader.dockerfile_magic",
    "grader.engine.sandbox",
    "grader.engine.real",
    "grader.kubectl_magic",
    "grader.widgets",
    "ipywidgets",
)
"""Modules imported once by the grading process, so each forked submission starts warm."""

PRELOADED_PACKAGES = (
    "grader.checks",
    "grader.commands",
    "grader.compose",
    "grader.dockercli",
    "grader.dockerfile",
    "grader.engine",
    "grader.k8s",
    "grader.render",
    "grader.widgets",
)
"""Packages whose every module the grading process imports: what a replay may run.

A module first imported in a submission's child is imported again in the next one (and
its bytecode compiled again where no cache may be written)."""


REPLAY_SECONDS: list[float] = []
"""Wall-clock seconds of each replay this process ran (fork, child, result), in order.

``course autograde`` reads the ones of a submission to report where grading time goes:
the replay, or nbgrader's own converter around it."""


WARMED_KINDS = (("v1", "Pod"), ("v1", "Service"), ("v1", "ConfigMap"), ("apps/v1", "Deployment"))
"""Kubernetes kinds whose schemas the grading process parses once, for every fork to share."""


@functools.cache
def preload() -> None:
    """Import :data:`PRELOADED` and :data:`PRELOADED_PACKAGES`, parse common schemas."""
    for name in PRELOADED:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
    for name in PRELOADED_PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            importlib.import_module(module.name)
    from grader.k8s.validate import schema_problems

    for api_version, kind in WARMED_KINDS:
        schema_problems({"apiVersion": api_version, "kind": kind, "metadata": {"name": "warm"}})


def read_source(path: Path) -> NotebookNode:
    """The instructor's notebook at ``path``, read once per version of the file.

    A grading process grades many submissions of one assignment; the source is only ever
    read (the replay walks it, restored cells are copies).
    """
    stat = path.stat()
    return _read_source(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _read_source(path: Path, mtime_ns: int, size: int) -> NotebookNode:
    return nbformat.read(path, as_version=4)


class TrustedExecute(Execute):
    """Grade by running the source notebook with the submission's answers as data.

    Uses ``Execute.timeout`` per cell, ``CourseSettings.notebook_timeout`` per submission
    and ``CourseSettings.grading_engine`` as the engine.
    """

    isolate = Enum(
        ["auto", "always", "never"],
        "auto",
        help="A network namespace per submission (sandbox engine): when available, "
        "always (fail without one), or never.",
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        """Replay the submission and put the outputs into ``nb``'s cells."""
        from grader.grading.settings import CourseSettings

        coursedir = CourseDirectory(config=self.config)
        settings = CourseSettings(config=self.config)
        assignment = resources["nbgrader"]["assignment"]
        notebook = resources["nbgrader"]["notebook"]
        source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
        source_notebook = source / f"{notebook}.ipynb"
        if self.isolate == "always" and not namespaces_available():
            raise RuntimeError("TrustedExecute.isolate is 'always' but namespaces are refused")
        preload()
        job = Job(
            source=read_source(source_notebook),
            submission=nb,
            material=Path(resources.get("metadata", {}).get("path") or "."),
            engine=settings.grading_engine,
            cell_timeout=self.timeout,
            notebook_timeout=settings.notebook_timeout,
            isolate=self.isolate != "never" and namespaces_available(),
            protected=protected_places(coursedir),
        )
        self.log.info("Grading %s/%s from %s (answers as data)", assignment, notebook, source)
        started = time.perf_counter()
        try:
            runs = grade(job)
        finally:
            REPLAY_SECONDS.append(time.perf_counter() - started)
        restored = write_outputs(nb, job.source, runs)
        for grade_id in restored:
            self.log.warning("Grade cell %s was missing: restored from the source", grade_id)
        return nb, resources


def trusted_preprocessors(preprocessors: list) -> list:
    """``preprocessors`` with nbgrader's ``Execute`` (or any subclass) as ``TrustedExecute``.

    ``course autograde`` grades with this list whatever the configuration says, so a
    course whose ``nbgrader_config.py`` lost the setting still never runs a submission.
    """
    trusted = [TrustedExecute if _is_execute(item) else item for item in preprocessors]
    return trusted if TrustedExecute in trusted else [TrustedExecute, *trusted]


def _is_execute(item: object) -> bool:
    if isinstance(item, str):
        return item.rsplit(".", 1)[-1] == "Execute"
    return isinstance(item, type) and issubclass(item, Execute)


def protected_places(coursedir: CourseDirectory) -> list[Path]:
    """The course's files a submission's child may not open (see grader.grading.audit)."""
    root = Path(coursedir.root)
    places = [
        root / coursedir.source_directory,
        root / coursedir.submitted_directory,
        root / coursedir.autograded_directory,
        root / coursedir.feedback_directory,
    ]
    url = urlsplit(coursedir.db_url)
    if url.scheme.startswith("sqlite") and url.path not in ("", "/"):
        database = root / url.path[1:]
        places += [database, Path(f"{database}-journal"), Path(f"{database}-wal")]
    return places
