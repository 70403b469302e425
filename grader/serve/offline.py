"""``POST /auth`` and ``GET /images/search`` over the engine's ``login`` and ``search``.

The sandbox engine answers as dockerd does with only the course's own registry reachable
(:mod:`grader.engine.sandbox.offline`); its refusals go out as dockerd's 500s.
"""

from __future__ import annotations

from grader.engine.api import EngineAPI
from grader.serve.http import Reply, Request


def auth(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /auth`` ``{username, password, email, serveraddress}``: {Status, IdentityToken}."""
    body = req.json() or {}
    reply.json(
        engine.login(
            str(body.get("username") or ""),
            password=body.get("password") or None,
            email=body.get("email") or None,
            registry=body.get("serveraddress") or None,
        )
    )


def search(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /images/search?term=&limit=``."""
    reply.json(engine.search(req.arg("term") or "", limit=req.number("limit")))
