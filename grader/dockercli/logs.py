"""``docker logs``: --tail/-n, --since/--until (Docker's time forms), -t, and a bounded -f."""

from __future__ import annotations

from grader.commands.model import Command
from grader.dockercli.session import CommandFailed, Session
from grader.dockercli.stream import follow, stop_note
from grader.render.timeparse import TimeValueError, get_timestamp


def _time(cmd: Command, name: str) -> float | None:
    value = cmd.option(name)
    if value in (None, ""):
        return None
    try:
        return get_timestamp(str(value))
    except TimeValueError as error:
        raise CommandFailed(f'invalid value for "{name}": {error}') from None


def logs(cmd: Command, session: Session) -> int:
    """Print a container's output (stdout lines to stdout, stderr lines to stderr)."""
    session.engine.inspect_container(cmd.args[0])  # Docker looks the container up first
    since, until = _time(cmd, "since"), _time(cmd, "until")
    tail = str(cmd.option("tail", "all")).strip()
    # The daemon reads --tail with Atoi and shows everything for anything not a count >= 0.
    tail = tail if tail.isdigit() and len(tail) < 19 else "all"
    lines = session.engine.logs(
        cmd.args[0],
        stdout=True,
        stderr=True,
        timestamps=bool(cmd.option("timestamps")),
        tail=tail,
        since=since,
        until=until,
        follow=bool(cmd.option("follow")),
    )

    def write(item: tuple[str, bytes]) -> None:
        stream, line = item
        target = session.stderr if stream == "stderr" else session.stdout
        target.write(line.decode("utf-8", "replace"))
        target.flush()

    if not cmd.option("follow"):
        for item in lines:
            write(item)
        return 0
    outcome = follow(lines, write, session.timeout)
    session.err(stop_note(outcome, session.timeout, "the container keeps running"))
    return 0
