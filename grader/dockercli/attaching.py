"""``docker attach CONTAINER``: follow a running container's output from now on.

As the Docker 28 CLI (docker/cli ``cli/command/container/attach.go``, ``RunAttach``), the
wait for the container's exit is registered first (``POST /wait``, its answer read at the
end), then the container is looked up: one that is not running is refused with the CLI's
own words. The output then comes as a foreground ``run`` shows it, and the exit code is
the registered wait's, so an exit after the registration is never missed. The course's
terminal sends no input to the container's main process (the sandbox runs none that reads
it), so ``--no-stdin`` and ``--detach-keys`` change nothing; Ctrl-C stops following and
leaves the container running, as a foreground ``run`` does here.

The CLI looks the container up a second time once its attach stream is open, refusing a
container that stopped in between; the course's output stream opens in the background as
it is read (:func:`grader.dockercli.stream.follow`), so it does not: a container that stops
before its output is followed ends the command with that exit's code.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from grader.commands.model import Command
from grader.dockercli.session import CommandFailed, Session, client_id
from grader.engine.api import RegisteredWait
from grader.engine.errors import EngineError

REFUSALS = (
    ("Paused", "You cannot attach to a paused container, unpause it first"),
    ("Restarting", "You cannot attach to a restarting container, wait until it is running"),
)


class FailedWait:
    """A wait the engine refused to register: reading it gives the refusal.

    The CLI reads a wait's error only at the end (``getExitStatus``); the look-up that
    follows it usually reports the same error first ("No such container").
    """

    def __init__(self, error: EngineError) -> None:
        self.error = error

    def result(self) -> Mapping[str, Any]:
        """Raise the registration's error."""
        raise self.error

    def close(self) -> None:
        """Nothing was registered."""


def attach(cmd: Command, session: Session) -> int:
    """``docker attach [--no-stdin] [--sig-proxy=false] CONTAINER``."""
    from grader.dockercli.run import attach_and_wait

    container = client_id(cmd.args[0])
    exited: RegisteredWait
    try:
        exited = session.engine.register_wait(container)
    except EngineError as error:
        exited = FailedWait(error)
    try:
        state = session.engine.inspect_container(container)["State"]
        if not state.get("Running"):
            raise CommandFailed("You cannot attach to a stopped container, start it first")
        for flag, refusal in REFUSALS:
            if state.get(flag):
                raise CommandFailed(refusal)
        return attach_and_wait(session, container, remove=False, since=time.time(), exited=exited)
    finally:
        exited.close()
