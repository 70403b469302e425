"""``POST /auth`` and ``GET /images/search``: dockerd's answers with no registry reachable.

The texts are :mod:`grader.dockercli.offline`'s (the course's own ``docker search`` prints
the same); dockerd sends them as a 500.
"""

from __future__ import annotations

from grader.dockercli.offline import login_refusal, search_refusal
from grader.engine.api import EngineAPI
from grader.engine.errors import EngineError
from grader.serve.http import Reply, Request


def auth(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /auth`` ``{username, password, serveraddress}``: the registry cannot be reached."""
    del engine, reply
    raise EngineError(login_refusal(str((req.json() or {}).get("serveraddress") or "")), 500)


def search(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /images/search?term=&limit=``: Docker Hub cannot be reached."""
    del engine, reply
    raise EngineError(search_refusal(req.arg("term") or "", req.number("limit")), 500)
