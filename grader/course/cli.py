"""The ``course`` command: one thin click group that forwards to each verb's ``main``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.course.errors import CourseError
from grader.course.settings import find_root


def _root(value: str | None) -> Path:
    try:
        return Path(value).resolve() if value else find_root()
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from error


def _run(verb, **kwargs):
    try:
        return verb(**kwargs)
    except CourseError as error:
        raise click.ClickException(str(error)) from error


@click.group()
@click.option("--root", envvar="COURSE_ROOT", help="Course root (default: found from cwd).")
@click.pass_context
def cli(ctx: click.Context, root: str | None) -> None:
    """Instructor workflow over nbgrader: release, collect, autograde, feedback, export, publish."""
    ctx.obj = root


@cli.command()
@click.argument("assignments", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Release every assignment (the default).")
@click.pass_obj
def release(root: str | None, assignments: tuple[str, ...], all_: bool) -> None:
    """Build the student versions into release/."""
    from grader.course.release import main

    if all_ and assignments:
        raise click.UsageError("give assignment names or --all, not both")
    _run(main, root=_root(root), assignments=list(assignments))


@cli.command()
@click.argument("assignment")
@click.argument("folder", type=click.Path(path_type=Path))
@click.pass_obj
def collect(root: str | None, assignment: str, folder: Path) -> None:
    """File hand-ins from FOLDER (<student>.ipynb or <student>/) into submitted/."""
    from grader.course.collect import main

    students = _run(main, root=_root(root), assignment=assignment, folder=folder)
    click.echo(f"collected {len(students)} submission(s) of {assignment}")


@cli.command()
@click.argument("assignment", required=False)
@click.option("--student", help="Grade (or regrade) only this student.")
@click.option(
    "--workers", type=click.IntRange(min=1), help="Parallel graders (default: three per core)."
)
@click.option("--engine", type=click.Choice(["sandbox", "docker"]), help="Grading engine.")
@click.option(
    "--isolate/--no-isolate",
    default=None,
    help="Own network namespace per sandbox submission (default: when available).",
)
@click.pass_obj
def autograde(
    root: str | None,
    assignment: str | None,
    student: str | None,
    workers: int | None,
    engine: str | None,
    isolate: bool | None,
) -> None:
    """Grade submitted/ in parallel (sandbox engine, per-cell and per-notebook timeouts)."""
    from grader.course.autograde import main

    outcomes = _run(
        main,
        root=_root(root),
        assignment=assignment,
        student=student,
        workers=workers,
        engine=engine,
        isolate=isolate,
    )
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        click.echo(f"--- {outcome.student} {outcome.assignment} ---\n{outcome.log}", err=True)
    if failed:
        sys.exit(1)


@cli.command()
@click.argument("assignment", required=False)
@click.option("--student", help="Only this student.")
@click.pass_obj
def feedback(root: str | None, assignment: str | None, student: str | None) -> None:
    """Write HTML feedback into feedback/ (hidden tests removed)."""
    from grader.course.feedback import main

    _run(main, root=_root(root), assignment=assignment, student=student)


@cli.command()
@click.argument("assignments", nargs=-1)
@click.option("--output", "-o", default="grades.csv", show_default=True, type=click.Path())
@click.pass_obj
def export(root: str | None, assignments: tuple[str, ...], output: str) -> None:
    """Write the grades CSV for the LMS (student_id, assignment, score, max_score)."""
    from grader.course.export import main

    click.echo(_run(main, root=_root(root), output=Path(output), assignments=list(assignments)))


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--no-release", is_flag=True, help="Publish release/ as it is (no rebuild).")
@click.pass_obj
def publish(root: str | None, directory: Path, no_release: bool) -> None:
    """Write the student edition (release/, grader/, binder/; never notebooks/) into DIRECTORY."""
    from grader.course.publish import main

    for path in _run(main, root=_root(root), target=directory, build_release=not no_release):
        click.echo(path)


@cli.command()
@click.option(
    "--engine",
    type=click.Choice(["docker", "sandbox"]),
    help="Engine to clean (default: COURSE_ENGINE's choice).",
)
@click.option("--prefix", default="", help="Only objects whose name starts with this.")
@click.option(
    "--sandbox",
    is_flag=True,
    help="Start the sandbox's state afresh (a damaged state.db is kept aside, not deleted).",
)
@click.option("--restore", is_flag=True, help="With --sandbox: put back the sandbox's backup.")
def reset(engine: str | None, prefix: str, sandbox: bool, restore: bool) -> None:
    """Remove the course's labelled containers, volumes, networks and images."""
    if sandbox or restore:
        from grader.course.reset import reset_sandbox

        click.echo(_run(reset_sandbox, restore=restore))
        return
    from grader.course.reset import main

    click.echo(str(_run(main, engine=engine, prefix=prefix)))


@cli.group()
def images() -> None:
    """The course's images on a daemon without registry access."""


@images.command("build")
@click.argument("tags", nargs=-1)
@click.option("--force", is_flag=True, help="Rebuild images that are present.")
@click.option("--cache-dir", type=click.Path(path_type=Path), help="Cache for root filesystems.")
@click.option("--host", help="Daemon address (default: DOCKER_HOST).")
def images_build(tags: tuple[str, ...], force: bool, cache_dir: Path | None, host: str | None):
    """Build TAGS (default: every image the course uses) offline."""
    from grader.course.images import main

    sys.exit(main(tags=list(tags), force=force, cache_dir=cache_dir, docker_host=host))


@cli.command("prepare-lab")
@click.option(
    "--prefix",
    type=click.Path(path_type=Path),
    default=sys.prefix,
    show_default="this environment",
    help="Environment to install the shims and lab settings into.",
)
@click.option("--no-release", is_flag=True, help="Skip building the student release.")
@click.pass_obj
def prepare_lab(root: str | None, prefix: Path, no_release: bool) -> None:
    """Student environment: release, docker/kubectl shims, quiet JupyterLab settings."""
    from grader.course.lab import main

    for path in _run(main, root=_root(root), prefix=prefix, build_release=not no_release):
        click.echo(path)


def main() -> None:
    """Entry point of the ``course`` console script."""
    cli(prog_name="course")


if __name__ == "__main__":
    main()
