"""Swarm mode and plugins: ``swarm init``, the swarm object listings and ``plugin ls``.

Each makes the Docker 28 CLI's request (``POST /swarm/init``, ``GET /services``,
``/nodes``, ``/secrets``, ``/configs``, ``/plugins``), so it prints what the engine
answers: outside a swarm, dockerd's "This node is not a swarm manager..." for the
listings; on the sandbox, which runs no swarm, its refusal of ``swarm init``. Rendering a
swarm manager's listings is left to the Docker CLI itself (the course teaches single-engine
Docker): on an engine that answers one, the course says so.
"""

from __future__ import annotations

from grader.commands.model import Command
from grader.dockercli.listing import filters, natural_key
from grader.dockercli.session import CommandFailed, Session
from grader.render.contexts import PluginContext
from grader.render.formatter import FormatError, render

DEFAULT_LISTEN = "0.0.0.0:2377"
"""``swarm init --listen-addr``'s default."""
DEFAULT_POOL_MASK = 24
"""``swarm init --default-addr-pool-mask-length``'s default."""


def _swarm_listing(cmd: Command) -> CommandFailed:
    return CommandFailed(
        f"docker {cmd.name}: this engine is a swarm manager; the course does not list swarm "
        "objects (run the Docker CLI itself)"
    )


def swarm_init(cmd: Command, session: Session) -> int:
    """``docker swarm init``: the request the CLI sends, with its flags' defaults.

    On an engine that starts a swarm, the CLI's first line; the join instructions it adds
    (from more requests) are left to the Docker CLI, as the listings are.
    """
    node = session.engine.init_swarm(
        advertise_addr=cmd.option("advertise-addr") or None,
        listen_addr=cmd.option("listen-addr") or DEFAULT_LISTEN,
        force_new_cluster=bool(cmd.option("force-new-cluster")),
        default_addr_pool=cmd.option("default-addr-pool") or None,
        subnet_size=int(cmd.option("default-addr-pool-mask-length") or DEFAULT_POOL_MASK),
        data_path_addr=cmd.option("data-path-addr") or None,
        data_path_port=int(cmd.option("data-path-port") or 0) or None,
    )
    session.out(f"Swarm initialized: current node ({node}) is now a manager.\n")
    return 0


def service_ls(cmd: Command, session: Session) -> int:
    """``docker service ls``: ``GET /services?status=true``."""
    session.engine.services(filters=filters(cmd) or None, status=True)
    raise _swarm_listing(cmd)


def stack_ls(cmd: Command, session: Session) -> int:
    """``docker stack ls``: the services carrying a stack's namespace label."""
    session.engine.services(filters={"label": ["com.docker.stack.namespace"]})
    raise _swarm_listing(cmd)


def node_ls(cmd: Command, session: Session) -> int:
    """``docker node ls``."""
    session.engine.nodes(filters=filters(cmd) or None)
    raise _swarm_listing(cmd)


def secret_ls(cmd: Command, session: Session) -> int:
    """``docker secret ls``."""
    session.engine.secrets(filters=filters(cmd) or None)
    raise _swarm_listing(cmd)


def config_ls(cmd: Command, session: Session) -> int:
    """``docker config ls``."""
    session.engine.configs(filters=filters(cmd) or None)
    raise _swarm_listing(cmd)


def plugin_ls(cmd: Command, session: Session) -> int:
    """``docker plugin ls``: the installed plugins, sorted by name."""
    rows = sorted(
        (PluginContext(p, not cmd.option("no-trunc")) for p in session.engine.plugins()),
        key=lambda row: natural_key(row.Name()),
    )
    fmt = PluginContext.format_for(cmd.option("format", "") or "table", bool(cmd.option("quiet")))
    try:
        session.out(render(fmt, rows, PluginContext.HEADER))
    except FormatError as error:
        raise CommandFailed(str(error)) from None
    return 0
