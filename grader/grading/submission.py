"""Grade one submission: private folders, a forked child, the replay, the clean-up.

The parent (the grading process) prepares the submission's scratch folder, copies the
submission's files and the release's material into it (regular files only: a student's
symbolic link is not followed), and reads the source notebook. The child
(:mod:`grader.grading.isolation`) enters its scrubbed environment and audit hook
(:mod:`grader.grading.child`), replays, stops the sandbox's helpers and sends the outputs
back. On the real engine the parent then removes the labelled objects the submission
created (:mod:`grader.grading.cleanup`).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from grader.grading import child
from grader.grading.cleanup import labelled, remove_new
from grader.grading.isolation import run_isolated
from grader.grading.replay import CellRun, answers_of, replay


@dataclass(frozen=True)
class Job:
    """Everything needed to grade one submitted notebook."""

    source: nbformat.NotebookNode
    """The instructor's notebook (the program that is run)."""
    submission: nbformat.NotebookNode
    """The submitted notebook (only its answer cells are read)."""
    material: Path
    """Folder whose files (notebooks excepted) the submission's work folder starts with."""
    engine: str = "sandbox"
    cell_timeout: float | None = 60
    notebook_timeout: float = 900
    isolate: bool = False
    """A network namespace of its own (sandbox only)."""
    protected: list[Path] = field(default_factory=list)
    """Course places the child may not open (see :mod:`grader.grading.audit`)."""


def copy_material(folder: Path, work: Path) -> None:
    """Copy ``folder``'s regular files, notebooks and checkpoints excepted, into ``work``."""
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        relative = path.relative_to(folder)
        if path.is_symlink() or not path.is_file() or path.suffix == ".ipynb":
            continue
        if any(part in (".ipynb_checkpoints", "__pycache__") for part in relative.parts):
            continue
        target = work / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def grade(job: Job) -> list[CellRun]:
    """Replay ``job`` in a forked child; return the outputs of the source's code cells.

    Raises:
        grader.grading.isolation.GradingTimeout: past ``job.notebook_timeout``.
        grader.grading.isolation.GradingCrashed: the child failed outside any cell.
    """
    from grader.grading.settings import bin_dir

    answers = answers_of(job.submission)
    daemon = _daemon() if job.engine == "docker" else None
    before = labelled(daemon) if daemon is not None else None
    folders = child.Folders(Path(tempfile.mkdtemp(prefix="course-grade-")))
    try:
        folders.create()
        copy_material(job.material, folders.work)
        env = child.environment(job.engine, folders, bin_dir())
        programs = child.allowed_programs()

        def run() -> dict:
            child.enter(env, folders, job.protected, programs)
            try:
                runs = replay(
                    job.source, answers, workdir=folders.work, cell_timeout=job.cell_timeout
                )
            finally:
                if job.engine == "sandbox":
                    _shutdown_sandbox(folders.state)
            return {"runs": [asdict(run) for run in runs]}

        network = job.isolate and job.engine == "sandbox"
        result = run_isolated(run, timeout=job.notebook_timeout, network=network)
    finally:
        if daemon is not None and before is not None:
            remove_new(daemon, before)
        shutil.rmtree(folders.scratch, ignore_errors=True)
    return [CellRun(**run) for run in result["runs"]]


def _shutdown_sandbox(state: Path) -> None:
    """Stop the helper processes (HTTP servers, registry) of the sandbox in ``state``."""
    from grader.engine.sandbox import SandboxEngine

    SandboxEngine.shutdown_all(state)


def _daemon():
    """The real engine, for the labelled objects a submission leaves behind."""
    from grader.engine import get_engine

    return get_engine("docker")
