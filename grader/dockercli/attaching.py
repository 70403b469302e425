"""``docker attach CONTAINER``: follow a running container's output from now on.

As the Docker 28 CLI, the container is looked up first, and a container that is not
running is refused with the CLI's own words; the output then comes as a foreground
``run`` shows it, and the exit code is the container's. The course's terminal sends no
input to the container's main process (the sandbox runs none that reads it), so
``--no-stdin`` and ``--detach-keys`` change nothing; Ctrl-C stops following and leaves
the container running, as a foreground ``run`` does here.
"""

from __future__ import annotations

import time

from grader.commands.model import Command
from grader.dockercli.session import CommandFailed, Session

REFUSALS = (
    ("Paused", "You cannot attach to a paused container, unpause it first"),
    ("Restarting", "You cannot attach to a restarting container, wait until it is running"),
)


def attach(cmd: Command, session: Session) -> int:
    """``docker attach [--no-stdin] [--sig-proxy=false] CONTAINER``."""
    from grader.dockercli.run import attach_and_wait

    container = cmd.args[0]
    state = session.engine.inspect_container(container)["State"]
    if not state.get("Running"):
        raise CommandFailed("You cannot attach to a stopped container, start it first")
    for flag, refusal in REFUSALS:
        if state.get(flag):
            raise CommandFailed(refusal)
    return attach_and_wait(session, container, remove=False, since=time.time())
