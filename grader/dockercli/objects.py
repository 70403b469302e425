"""Volume and network commands: create, rm, prune, connect (ls and inspect live elsewhere)."""

from __future__ import annotations

from grader.commands.model import Command
from grader.dockercli.listing import filters
from grader.dockercli.session import CommandFailed, Session, client_id, daemon_text
from grader.engine.errors import EngineError, NotFound
from grader.render import units


def _labels(items: list[str]) -> dict[str, str] | None:
    labels = {}
    for item in items:
        key, _, value = item.partition("=")
        labels[key] = value
    return labels or None


def volume_create(cmd: Command, session: Session) -> int:
    """``docker volume create [NAME]``: print the volume's name."""
    name = cmd.args[0] if cmd.args else cmd.option("name")
    options = {}
    for item in cmd.option("opt", []):
        key, _, value = item.partition("=")
        options[key] = value
    created = session.engine.create_volume(
        name=name or None,
        driver=cmd.option("driver") or None,
        driver_opts=options or None,
        labels=_labels(cmd.option("label", [])),
    )
    session.out(f"{created.get('Name', name)}\n")
    return 0


def volume_rm(cmd: Command, session: Session) -> int:
    """``docker volume rm [-f] VOLUME...``."""
    failures = []
    for name in cmd.args:
        try:
            session.engine.remove_volume(name, force=bool(cmd.option("force")))
        except EngineError as error:
            failures.append(daemon_text(error))
            continue
        session.out(f"{name}\n")
    if failures:
        raise CommandFailed("\n".join(failures))
    return 0


def volume_update(cmd: Command, session: Session) -> int:
    """``docker volume update VOLUME``: refused for a local volume, as by the CLI.

    The CLI looks the volume up, then updates only a Swarm cluster volume (docker/cli
    ``cli/command/volume/update.go``).
    """
    volume = session.engine.inspect_volume(client_id(cmd.args[0], "volume"))
    if volume.get("ClusterVolume"):  # Swarm's: neither of the course's engines updates one
        raise CommandFailed("docker volume update: cluster volumes are not available here")
    raise CommandFailed("can only update cluster volumes")


def volume_prune(cmd: Command, session: Session) -> int:
    """``docker volume prune [-a] [-f]``."""
    from grader.dockercli.lifecycle import confirm

    everything = bool(cmd.option("all"))
    warning = (
        "WARNING! This will remove all local volumes not used by at least one container."
        if everything
        else "WARNING! This will remove anonymous local volumes not used by at least one container."
    )
    if not cmd.option("force") and not confirm(
        session, warning + "\nAre you sure you want to continue?"
    ):
        return 0
    wanted = filters(cmd)
    if everything:
        wanted.setdefault("all", ["true"])
    report = session.engine.prune_volumes(filters=wanted or None)
    deleted = report.get("VolumesDeleted") or []
    if deleted:
        session.out("Deleted Volumes:\n" + "".join(f"{v}\n" for v in deleted) + "\n")
    session.out(f"Total reclaimed space: {units.human_size(report.get('SpaceReclaimed') or 0)}\n")
    return 0


def network_create(cmd: Command, session: Session) -> int:
    """``docker network create NAME``: print the network's id."""
    from grader.dockercli.ipam import ipam_config

    options = dict(item.partition("=")[::2] for item in cmd.option("opt", []))
    created = session.engine.create_network(
        cmd.args[0],
        driver=cmd.option("driver") or "bridge",
        options=options or None,
        ipam=ipam_config(cmd),
        labels=_labels(cmd.option("label", [])),
        internal=bool(cmd.option("internal")),
        enable_ipv6=bool(cmd.option("ipv6")),
        attachable=bool(cmd.option("attachable")) or None,
    )
    for warning in [created.get("Warning")] if created.get("Warning") else []:
        session.err(f"WARNING: {warning}\n")
    session.out(f"{created.get('Id', '')}\n")
    return 0


def network_connect(cmd: Command, session: Session) -> int:
    """``docker network connect [--alias NAME] NETWORK CONTAINER``: silent when it works."""
    session.engine.connect_container_to_network(
        cmd.args[1], cmd.args[0], aliases=cmd.option("alias") or None
    )
    return 0


def network_disconnect(cmd: Command, session: Session) -> int:
    """``docker network disconnect [-f] NETWORK CONTAINER``: silent when it works."""
    session.engine.disconnect_container_from_network(
        cmd.args[1], cmd.args[0], force=bool(cmd.option("force"))
    )
    return 0


def network_rm(cmd: Command, session: Session) -> int:
    """``docker network rm [-f] NETWORK...`` (errors as they come, then "exit status 1").

    Like the CLI, each network is looked up first (the CLI asks before removing an ingress
    network, which the course has none of); ``-f`` passes over networks that do not exist.
    """
    failed = False
    for name in cmd.args:
        try:
            session.engine.inspect_network(name)
        except EngineError:
            pass  # the removal below reports it
        try:
            session.engine.remove_network(name)
        except EngineError as error:
            if cmd.option("force") and isinstance(error, NotFound):
                continue
            session.err(daemon_text(error) + "\n")
            failed = True
            continue
        session.out(f"{name}\n")
    if failed:
        raise CommandFailed("exit status 1")
    return 0


def network_prune(cmd: Command, session: Session) -> int:
    """``docker network prune [-f]``."""
    from grader.dockercli.lifecycle import confirm

    warning = "WARNING! This will remove all custom networks not used by at least one container."
    if not cmd.option("force") and not confirm(
        session, warning + "\nAre you sure you want to continue?"
    ):
        return 0
    report = session.engine.prune_networks(filters=filters(cmd) or None)
    deleted = report.get("NetworksDeleted") or []
    if deleted:
        session.out("Deleted Networks:\n" + "".join(f"{n}\n" for n in deleted) + "\n")
    return 0
