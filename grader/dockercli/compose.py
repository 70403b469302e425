"""``docker compose``: Compose v2's command line over the course's Compose code.

``up [-d] [SERVICE...]``, ``down [-v]``, ``ps [-a] [-q] [--services]``, ``logs [SERVICE...]``,
``exec [-T] SERVICE COMMAND...`` and ``config [-q] [--services] [--volumes]``, with the
global ``-f/--file``, ``-p/--project-name`` and ``--project-directory``. Progress goes to
stderr as Compose prints it when stderr is not a terminal (`` Container demo-web-1  Started``)
and, on a terminal, as its display's last frame (`` ✔ Container demo-web-1  Started``).
Flag errors are worded as Compose's (cobra's) and exit 1.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.commands.model import Command
from grader.compose import loader, operations, validate
from grader.compose.loader import ComposeError
from grader.compose.operations import Event
from grader.compose.project import SERVICE, Project, build
from grader.dockercli.pulling import pull_image
from grader.dockercli.session import CommandFailed, Session
from grader.dockercli.stream import follow, stop_note
from grader.render.contexts import ContainerContext
from grader.render.tabwriter import align

_GLOBAL = {
    "-f": "file",
    "--file": "file",
    "-p": "project-name",
    "--project-name": "project-name",
    "--project-directory": "project-directory",
    "--env-file": "env-file",
    "--progress": "progress",
    "--ansi": "ansi",
}
_COMMANDS: dict[str, dict[str, tuple[str, bool]]] = {
    "up": {
        "-d": ("detach", False),
        "--detach": ("detach", False),
        "--wait": ("wait", False),
        "--no-color": ("no-color", False),
        "--remove-orphans": ("remove-orphans", False),
        "--quiet-pull": ("quiet-pull", False),
    },
    "down": {
        "-v": ("volumes", False),
        "--volumes": ("volumes", False),
        "--remove-orphans": ("remove-orphans", False),
        "-t": ("timeout", True),
        "--timeout": ("timeout", True),
    },
    "ps": {
        "-a": ("all", False),
        "--all": ("all", False),
        "-q": ("quiet", False),
        "--quiet": ("quiet", False),
        "--services": ("services", False),
        "--format": ("format", True),
    },
    "logs": {
        "-f": ("follow", False),
        "--follow": ("follow", False),
        "-t": ("timestamps", False),
        "--timestamps": ("timestamps", False),
        "-n": ("tail", True),
        "--tail": ("tail", True),
        "--no-color": ("no-color", False),
        "--no-log-prefix": ("no-log-prefix", False),
    },
    "exec": {
        "-T": ("no-tty", False),
        "--no-TTY": ("no-tty", False),
        "-d": ("detach", False),
        "--detach": ("detach", False),
        "-e": ("env", True),
        "--env": ("env", True),
        "-u": ("user", True),
        "--user": ("user", True),
        "-w": ("workdir", True),
        "--workdir": ("workdir", True),
    },
    "config": {
        "-q": ("quiet", False),
        "--quiet": ("quiet", False),
        "--services": ("services", False),
        "--volumes": ("volumes", False),
    },
}
"""Each subcommand's flags: spelling -> (name, takes a value)."""
_STOPS_AT_FIRST_ARG = {"exec"}


@dataclass
class Invocation:
    """``docker compose`` words parsed: global options, subcommand, its flags and args."""

    globals: dict[str, list[str]] = field(default_factory=dict)
    command: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)


def _flag_error(word: str) -> CommandFailed:
    if word.startswith("--"):
        return CommandFailed(f"unknown flag: {word.partition('=')[0]}")
    return CommandFailed(f"unknown shorthand flag: '{word[1:2]}' in {word}")


def parse(words: list[str]) -> Invocation:
    """Parse the words after ``docker compose`` (cobra's rules, Compose's flags).

    Raises:
        CommandFailed: an unknown flag or command, a flag without its value.
    """
    found = Invocation()
    rest = list(words)
    while rest and rest[0].startswith("-"):
        word = rest.pop(0)
        name, eq, value = word.partition("=")
        if name not in _GLOBAL:
            raise _flag_error(word)
        if not eq:
            if not rest:
                raise CommandFailed(f"flag needs an argument: {name}")
            value = rest.pop(0)
        found.globals.setdefault(_GLOBAL[name], []).append(value)
    if not rest:
        raise CommandFailed("Usage:  docker compose [OPTIONS] COMMAND")
    found.command = rest.pop(0)
    flags = _COMMANDS.get(found.command)
    if flags is None:
        raise CommandFailed(f'unknown docker command: "compose {found.command}"')
    while rest:
        word = rest.pop(0)
        if word == "--":
            found.args += rest
            break
        if not word.startswith("-") or word == "-":
            found.args.append(word)
            if found.command in _STOPS_AT_FIRST_ARG:
                found.args += rest
                break
            continue
        if word.startswith("--"):
            name, eq, value = word.partition("=")
            spec = flags.get(name)
            if spec is None:
                raise _flag_error(word)
            if spec[1] and not eq:
                if not rest:
                    raise CommandFailed(f"flag needs an argument: {name}")
                value = rest.pop(0)
            _store(found.options, spec, value if spec[1] else True)
            continue
        letters = word[1:]
        while letters:
            spec = flags.get(f"-{letters[0]}")
            if spec is None:
                raise CommandFailed(f"unknown shorthand flag: '{letters[0]}' in {word}")
            if spec[1]:
                if not letters[1:] and not rest:
                    raise CommandFailed(f"flag needs an argument: '{letters[0]}' in -{letters[0]}")
                _store(found.options, spec, letters[1:] or rest.pop(0))
                break
            _store(found.options, spec, True)
            letters = letters[1:]
    return found


def _store(options: dict[str, Any], spec: tuple[str, bool], value: Any) -> None:
    name, _ = spec
    if name == "env":
        options.setdefault(name, []).append(value)
    else:
        options[name] = value


def _source(found: Invocation, session: Session) -> loader.Source:
    folder = Path(session.cwd)
    if found.globals.get("project-directory"):
        folder = (folder / found.globals["project-directory"][-1]).resolve()
    names = found.globals.get("project-name") or []
    given = names[-1] if names else None
    return loader.load(folder, found.globals.get("file", []), given, session.environ)


def _project(found: Invocation, session: Session) -> Project:
    source = _source(found, session)
    problems = validate.problems(source.data, source.text)
    if problems:
        first = problems[0]
        text = first.compose
        if not text.startswith("service "):
            text = f"validating {source.path}: {text}"
        raise ComposeError(text)
    return build(source)


def _colour(code: str, text: str) -> str:
    return f"\x1b[{code}m{text}\x1b[0m"


class _Progress:
    """Compose's progress on stderr: plain lines, or the terminal display's last frame.

    On a terminal Compose redraws one line per resource; the frame left on screen is
    ``[+] Running 5/5`` then `` ✔ Container demo-web-1  Started`` lines, statuses aligned
    and each line's timer at the terminal's right edge, in Compose's colours.
    """

    def __init__(self, session: Session, title: str) -> None:
        self.session = session
        self.title = title
        self.tty = bool(getattr(session.stderr, "isatty", lambda: False)())
        self.events: dict[str, Event] = {}
        self.times: dict[str, list[float]] = {}

    def __call__(self, event: Event) -> None:
        if self.tty:
            self.events[event.resource] = event
            now = time.monotonic()
            self.times.setdefault(event.resource, [now, now])[1] = now
        else:
            self.session.err(f" {event.resource}  {event.status}\n")

    def finish(self) -> None:
        if not self.tty or not self.events:
            return
        import shutil

        width = shutil.get_terminal_size().columns
        done = sum(1 for event in self.events.values() if event.done)
        first = f"[+] {self.title} {done}/{len(self.events)}"
        lines = [(_colour("34", first) if done == len(self.events) else first) + "\n"]
        padding = max(len(resource) + 1 for resource in self.events)
        for event in self.events.values():
            failed = event.status == "Error"
            mark = _colour("31;1", "✘") if failed else _colour("32", "✔") if event.done else "⠿"
            status = (
                _colour("31;1" if failed else "32", event.status) if event.done else event.status
            )
            gap = " " * (padding - len(event.resource) - 1)
            left = f" {mark} {event.resource} {gap} {status}"
            shown = len(f" x {event.resource} {gap} {event.status}")
            start, end = self.times[event.resource]
            timer = f"{end - start:.1f}s "
            lines.append(
                f"{left}{' ' * max(width - shown - len(timer), 0)}{_colour('34', timer)}\n"
            )
        self.session.err("".join(lines))


def compose(cmd: Command, session: Session) -> int:
    """Run ``docker compose ...``; Compose's messages for its own errors (exit 1)."""
    found = parse(cmd.args)
    try:
        return _HANDLERS[found.command](found, session)
    except ComposeError as error:
        raise CommandFailed(str(error)) from None


def _up(found: Invocation, session: Session) -> int:
    project = _project(found, session)
    progress = _Progress(session, "Running")

    def pull(image: str) -> None:
        progress(Event(image, "Pulling", False))
        pull_image(session, image, to_stderr=True, quiet=True)
        progress(Event(image, "Pulled", True))

    try:
        operations.up(session.engine, project, progress, pull, found.args or None)
    finally:
        progress.finish()
    if not found.options.get("detach"):
        return _logs(found, session, project)
    return 0


def _down(found: Invocation, session: Session) -> int:
    source = _source(found, session)
    project = None if validate.problems(source.data, source.text) else build(source)
    progress = _Progress(session, "Running")
    try:
        removed = operations.down(
            session.engine, source.name, progress, project, bool(found.options.get("volumes"))
        )
    finally:
        progress.finish()
    if not removed:
        session.err(f'Warning: No resource found to remove for project "{source.name}".\n')
    return 0


class _Row(ContainerContext):
    """A ``docker compose ps`` row: ``docker ps``'s fields plus Name and Service."""

    def Name(self) -> str:  # noqa: N802  # Go template field
        """The container's name."""
        return self.c["Names"][0].lstrip("/")

    def Service(self) -> str:  # noqa: N802  # Go template field
        """The service it runs."""
        return (self.c.get("Labels") or {}).get(SERVICE, "")


def _ps(found: Invocation, session: Session) -> int:
    source = _source(found, session)
    containers = operations.project_containers(
        session.engine, source.name, all_=bool(found.options.get("all"))
    )
    rows = [_Row(container) for container in containers]
    if found.options.get("services"):
        session.out("".join(f"{row.Service()}\n" for row in rows))
        return 0
    if found.options.get("quiet"):
        session.out("".join(f"{row.c['Id']}\n" for row in rows))
        return 0
    table = ["NAME\tIMAGE\tCOMMAND\tSERVICE\tCREATED\tSTATUS\tPORTS"]
    table += [
        f"{r.Name()}\t{r.Image()}\t{r.Command()}\t{r.Service()}\t{r.RunningFor()}\t"
        f"{r.Status()}\t{r.Ports()}"
        for r in rows
    ]
    session.out(align("\n".join(table) + "\n"))
    return 0


def _logs(found: Invocation, session: Session, project: Project | None = None) -> int:
    """``logs [-f] [-t] [--tail N] [SERVICE...]``, and the attached part of ``up``."""
    name = project.name if project else _source(found, session).name
    containers = operations.project_containers(session.engine, name)
    attached = found.command == "up"
    wanted = set(found.args)
    containers = [
        c for c in containers if not wanted or (c.get("Labels") or {}).get(SERVICE) in wanted
    ]
    prefixes = {c["Id"]: _log_prefix(c) for c in containers}
    if attached:
        session.out(f"Attaching to {', '.join(prefixes.values())}\n")
    width = max((len(p) for p in prefixes.values()), default=0)
    tail = found.options.get("tail")
    following = attached or bool(found.options.get("follow"))

    def lines(container: dict[str, Any]) -> Any:
        return session.engine.logs(
            container["Id"],
            stdout=True,
            stderr=True,
            timestamps=bool(found.options.get("timestamps")),
            tail="all" if tail in (None, "all") else int(tail),
            follow=following,
        )

    def write(item: tuple[str, str, bytes]) -> None:
        cid, stream, line = item
        prefix = "" if found.options.get("no-log-prefix") else f"{prefixes[cid]:<{width + 1}} | "
        text = line.decode(errors="replace").rstrip("\n")
        (session.err if stream == "stderr" else session.out)(f"{prefix}{text}\n")

    if not following:
        for container in containers:
            for stream, line in lines(container):
                write((container["Id"], stream, line))
        return 0
    outcome = follow(_merged(containers, lines), write, session.timeout)
    session.err(stop_note(outcome, session.timeout, "the containers keep running"))
    return 0


def _merged(containers: list[dict[str, Any]], lines: Any) -> Iterator[tuple[str, str, bytes]]:
    """The followed logs of several containers, as they come: (container id, stream, line)."""
    pipe: queue.Queue[tuple[str, str, bytes] | None] = queue.Queue()
    stop = threading.Event()

    def pump(container: dict[str, Any]) -> None:
        iterator = iter(lines(container))
        try:
            for stream, line in iterator:
                if stop.is_set():
                    break
                pipe.put((container["Id"], stream, line))
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()
            pipe.put(None)

    for container in containers:
        threading.Thread(target=pump, args=(container,), daemon=True).start()
    try:
        ended = 0
        while ended < len(containers):
            item = pipe.get()
            if item is None:
                ended += 1
            else:
                yield item
    finally:
        stop.set()


def _log_prefix(container: dict[str, Any]) -> str:
    """``web-1``: Compose's log prefix (the container name without the project)."""
    labels = container.get("Labels") or {}
    name = container["Names"][0].lstrip("/")
    service, number = labels.get(SERVICE, ""), labels.get("com.docker.compose.container-number")
    return f"{service}-{number}" if name.endswith(f"-{service}-{number}") else name


def _exec(found: Invocation, session: Session) -> int:
    if len(found.args) < 2:
        raise CommandFailed('"docker compose exec" requires at least 2 arguments.')
    project = _project(found, session)
    service = project.services.get(found.args[0])
    if service is None:
        raise CommandFailed(f'service "{found.args[0]}" is not running')
    running = [
        c
        for c in operations.project_containers(session.engine, project.name, all_=False)
        if (c.get("Labels") or {}).get(SERVICE) == service.name
    ]
    if not running:
        raise CommandFailed(f'service "{service.name}" is not running')
    code, out, err = session.engine.exec_run(
        running[0]["Id"],
        found.args[1:],
        user=found.options.get("user") or "",
        environment=found.options.get("env"),
        workdir=found.options.get("workdir"),
        detach=bool(found.options.get("detach")),
    )
    session.out(out.decode(errors="replace"))
    session.err(err.decode(errors="replace"))
    return code or 0


def _config(found: Invocation, session: Session) -> int:
    project = _project(found, session)
    if found.options.get("services"):
        session.out("".join(f"{name}\n" for name in project.order()))
    elif found.options.get("volumes"):
        session.out("".join(f"{key}\n" for key in project.volumes))
    elif not found.options.get("quiet"):
        import yaml

        session.out(
            yaml.safe_dump({"name": project.name, **_source(found, session).data}, sort_keys=True)
        )
    return 0


_HANDLERS = {
    "up": _up,
    "down": _down,
    "ps": _ps,
    "logs": _logs,
    "exec": _exec,
    "config": _config,
}
