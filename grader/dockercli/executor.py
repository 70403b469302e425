"""Run one parsed docker command on an engine, printing what Docker 28's CLI prints.

:func:`execute` parses ``argv`` with Docker's grammar (a refused line prints Docker's error
and exits with its code without touching the engine), dispatches to the command's handler,
and turns the engine's refusals into ``Error response from daemon: ...`` lines.
"""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from typing import TextIO

from grader.commands import parse_argv
from grader.commands.model import Command, DockerCLIError
from grader.dockercli.safety import refuse_unsafe_command
from grader.dockercli.session import CommandFailed, Session, daemon_text
from grader.engine.api import EngineAPI
from grader.engine.errors import EngineError, GradingRefused
from grader.render.formatter import FormatError
from grader.unexpected import unexpected_line

Handler = Callable[[Command, Session], int]

HANDLERS: dict[str, str] = {
    "container ls": "listing.ps",
    "container run": "run.run",
    "container create": "run.create",
    "container rm": "lifecycle.rm",
    "container stop": "lifecycle.stop",
    "container start": "lifecycle.start",
    "container restart": "lifecycle.restart",
    "container kill": "lifecycle.kill",
    "container pause": "lifecycle.pause",
    "container unpause": "lifecycle.unpause",
    "container rename": "lifecycle.rename",
    "container wait": "lifecycle.wait",
    "container update": "update.update",
    "container export": "exporting.export",
    "container attach": "attaching.attach",
    "system df": "diskusage.system_df",
    "system events": "events.events",
    "search": "offline.search",
    "login": "offline.login",
    "swarm init": "swarm.swarm_init",
    "service ls": "swarm.service_ls",
    "stack ls": "swarm.stack_ls",
    "node ls": "swarm.node_ls",
    "secret ls": "swarm.secret_ls",
    "config ls": "swarm.config_ls",
    "plugin ls": "swarm.plugin_ls",
    "builder prune": "images.builder_prune",
    "container port": "lifecycle.port",
    "container top": "lifecycle.top",
    "container diff": "lifecycle.diff",
    "container commit": "lifecycle.commit",
    "container stats": "lifecycle.stats",
    "container prune": "lifecycle.prune",
    "container logs": "logs.logs",
    "container exec": "execing.exec_",
    "container cp": "copying.cp",
    "container inspect": "inspecting.inspect",
    "image inspect": "inspecting.inspect",
    "volume inspect": "inspecting.inspect",
    "network inspect": "inspecting.inspect",
    "inspect": "inspecting.inspect",
    "image ls": "listing.images",
    "image history": "listing.history",
    "image pull": "pulling.pull",
    "image rm": "images.rmi",
    "image tag": "images.tag",
    "image push": "images.push",
    "image save": "imagearchives.save",
    "image load": "imagearchives.load",
    "image import": "imagearchives.import_",
    "image build": "images.build",
    "image prune": "images.prune",
    "volume ls": "listing.volumes",
    "volume create": "objects.volume_create",
    "volume rm": "objects.volume_rm",
    "volume update": "objects.volume_update",
    "volume prune": "objects.volume_prune",
    "network ls": "listing.networks",
    "network create": "objects.network_create",
    "network rm": "objects.network_rm",
    "network connect": "objects.network_connect",
    "network disconnect": "objects.network_disconnect",
    "network prune": "objects.network_prune",
    "compose": "compose.compose",
    "version": "system.version",
    "system info": "system.info",
    "system prune": "system.system_prune",
}
"""The handler of each canonical command name (see ``grader.commands.table``), as
"module.function" under ``grader.dockercli``: imported on first use, so one command
loads only its own module (the shim starts faster)."""


def handler_for(name: str) -> Handler | None:
    """The handler function of a canonical command name, importing its module."""
    target = HANDLERS.get(name)
    if target is None:
        return None
    module, _, function = target.partition(".")
    return getattr(importlib.import_module(f"grader.dockercli.{module}"), function)


def _help(cmd: Command, session: Session) -> int:
    """Print a command's usage as Docker's CLI does.

    On stdout when asked for (``--help``, ``-h``, ``docker help``), on stderr for a bare
    group such as ``docker image`` or ``docker``.
    """
    from grader.commands.parser import SPECS

    asked = (
        bool(cmd.global_options.get("help"))
        or cmd.used_alias == "help"
        or any(word in ("--help", "-h") for word in cmd.argv)
    )
    if not asked:
        session = replace(session, stdout=session.stderr)
    topic = cmd.args[0] if cmd.args else ""
    spec = SPECS.get(topic)
    if spec is None:
        words = f"docker {topic} COMMAND" if topic else "docker [OPTIONS] COMMAND"
        session.out(
            f"\nUsage:  {words}\n\nRun 'docker {topic + ' ' if topic else ''}COMMAND --help'"
            " for more information on a command.\n"
        )
        return 0
    session.out(f"\nUsage:  docker {spec.name} {spec.usage}\n")
    aliases = [a for a in spec.aliases if a != spec.name]
    if aliases:
        session.out(f"\nAliases:\n  docker {', docker '.join([spec.name, *aliases])}\n")
    flags = sorted((n, f) for n, f in spec.flags.items() if n != "help")
    if flags:
        lines = [f"  {'-' + f.shorthand + ',' if f.shorthand else '   '} --{n}\n" for n, f in flags]
        session.out("\nOptions:\n" + "".join(lines))
    return 0


def _uses_builder(cmd: Command) -> bool:
    """Whether Docker 28 prints its legacy-builder banner first for ``cmd`` (when legacy).

    It does whenever the command words start with ``build``, ``builder`` or ``image build``,
    help and ``builder prune`` included.
    """
    words = cmd.used_alias.split()
    return words[:1] in (["build"], ["builder"]) or words[:2] == ["image", "build"]


def run_command(cmd: Command, session: Session) -> int:
    """Run an already-parsed command; return Docker's exit code.

    What Docker's client prints before running (``cmd.warnings``, the legacy-builder
    banner) goes to stderr first.
    """
    for warning in cmd.warnings:
        session.err(warning + "\n")
    if _uses_builder(cmd):
        from grader.commands.parser import builder_banner

        banner = builder_banner(session.environ)
        if banner:
            session.err(banner + "\n")
    if cmd.name == "help":
        return _help(cmd, session)
    try:
        refuse_unsafe_command(cmd)
    except GradingRefused as error:
        session.err(f"docker: {error.explanation}\n")
        return 125
    handler = handler_for(cmd.name)
    if handler is None:
        session.err(
            f"docker {cmd.name}: not available in the course's sandbox engine "
            "(it runs on a real Docker Engine)\n"
        )
        return 1
    try:
        return handler(cmd, session)
    except CommandFailed as failure:
        session.err(failure.message + "\n")
        return failure.code
    except FormatError as error:
        session.err(f"{error}\n")
        return 1
    except EngineError as error:
        session.err(daemon_text(error) + "\n")
        return 1
    except KeyboardInterrupt:
        session.err("\n")
        return 130
    except sqlite3.OperationalError as error:  # the sandbox's database is busy or unwritable
        session.err(f"docker: the sandbox's state cannot be used right now ({error})\n")
        return 1
    except sqlite3.DatabaseError as error:  # damaged under the command: say so, never crash
        session.err(
            f"docker: the sandbox's state database is damaged ({error}). Put back its backup "
            "with `course reset --sandbox --restore`, or start afresh with "
            "`course reset --sandbox`.\n"
        )
        return 1
    except Exception as error:  # a fault of the course's own code: one line, no traceback
        session.err(unexpected_line("docker", error))
        return 1


def execute(
    argv: list[str],
    engine: EngineAPI,
    *,
    stdout: TextIO,
    stderr: TextIO,
    timeout: float | None = None,
    cwd: str | None = None,
) -> int:
    """Run one docker invocation (``argv`` = the words after ``docker``) on ``engine``.

    Args:
        argv: the words after ``docker``.
        engine: the engine to run on (sandbox or real).
        stdout: where Docker's standard output goes.
        stderr: where Docker's error output goes.
        timeout: bound in seconds for commands that would run on (a foreground ``run`` of a
            server, ``logs -f``); None waits until the end or Ctrl-C.
        cwd: folder relative host paths are resolved against (default: the process's).

    Returns:
        Docker's exit code.
    """
    try:
        cmd = parse_argv(list(argv))
    except DockerCLIError as error:
        stderr.write(error.message + "\n")
        return error.exit_code
    session = Session(engine, stdout, stderr, timeout)
    if cwd is not None:
        session.cwd = cwd
    return run_command(cmd, session)
