"""``/volumes`` and ``/networks`` endpoints over the sandbox's calls."""

from __future__ import annotations

from grader.engine.api import EngineAPI
from grader.serve.http import Reply, Request


def volumes(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /volumes?filters=``."""
    reply.json(engine.volumes(filters=req.filters()))


def volume_create(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /volumes/create`` with ``{Name, Driver, DriverOpts, Labels}``."""
    body = req.json()
    volume = engine.create_volume(
        name=body.get("Name") or None,
        driver=body.get("Driver") or None,
        driver_opts=body.get("DriverOpts") or None,
        labels=body.get("Labels") or None,
    )
    reply.json(volume, 201)


def volume_inspect(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /volumes/{name}``."""
    reply.json(engine.inspect_volume(req.groups["name"]))


def volume_remove(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``DELETE /volumes/{name}?force=``."""
    engine.remove_volume(req.groups["name"], force=req.flag("force"))
    reply.empty()


def volume_prune(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /volumes/prune?filters=``."""
    reply.json(engine.prune_volumes(filters=req.filters()))


def networks(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /networks?filters=``."""
    reply.json(engine.networks(filters=req.filters()))


def network_inspect(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /networks/{id}``."""
    reply.json(engine.inspect_network(req.groups["id"]))


def network_create(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /networks/create``: ``{Name, Driver, Labels, Options, IPAM, Internal, ...}``."""
    body = req.json()
    created = engine.create_network(
        body.get("Name") or "",
        driver=body.get("Driver") or None,
        labels=body.get("Labels") or None,
        options=body.get("Options") or None,
        ipam=body.get("IPAM") or None,
        internal=bool(body.get("Internal")),
        enable_ipv6=bool(body.get("EnableIPv6")),
        attachable=bool(body.get("Attachable")) or None,
    )
    reply.json(created, 201)


def network_remove(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``DELETE /networks/{id}``."""
    engine.remove_network(req.groups["id"])
    reply.empty()


def network_prune(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /networks/prune?filters=``."""
    reply.json(engine.prune_networks(filters=req.filters()))


def network_connect(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /networks/{id}/connect`` with ``{Container, EndpointConfig: {Aliases}}``."""
    body = req.json()
    aliases = (body.get("EndpointConfig") or {}).get("Aliases") or None
    engine.connect_container_to_network(
        body.get("Container") or "", req.groups["id"], aliases=aliases
    )
    reply.empty(200)


def network_disconnect(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /networks/{id}/disconnect`` with ``{Container, Force}``."""
    body = req.json()
    engine.disconnect_container_from_network(
        body.get("Container") or "", req.groups["id"], bool(body.get("Force"))
    )
    reply.empty(200)
