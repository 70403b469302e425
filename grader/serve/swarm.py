"""``/swarm/init``, ``/services``, ``/nodes``, ``/secrets``, ``/configs`` and ``/plugins``.

The sandbox engine is never a swarm manager (:mod:`grader.engine.sandbox.swarm`): its
listings answer dockerd's 503, ``swarm init`` its own refusal, ``/plugins`` an empty list.
"""

from __future__ import annotations

from grader.engine.api import EngineAPI
from grader.serve.http import Reply, Request


def init(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /swarm/init`` with ``{ListenAddr, AdvertiseAddr, ..., Spec}``: the node's ID."""
    body = req.json() or {}
    reply.json(
        engine.init_swarm(
            advertise_addr=body.get("AdvertiseAddr") or None,
            listen_addr=body.get("ListenAddr") or "0.0.0.0:2377",
            force_new_cluster=bool(body.get("ForceNewCluster")),
            swarm_spec=body.get("Spec") or None,
            default_addr_pool=body.get("DefaultAddrPool") or None,
            subnet_size=body.get("SubnetSize") or None,
            data_path_addr=body.get("DataPathAddr") or None,
            data_path_port=body.get("DataPathPort") or None,
        )
    )


def services(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /services?filters=&status=``."""
    reply.json(engine.services(filters=req.filters(), status=req.flag("status") or None))


def nodes(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /nodes?filters=``."""
    reply.json(engine.nodes(filters=req.filters()))


def secrets(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /secrets?filters=``."""
    reply.json(engine.secrets(filters=req.filters()))


def configs(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /configs?filters=``."""
    reply.json(engine.configs(filters=req.filters()))


def plugins(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /plugins``."""
    reply.json(engine.plugins())
