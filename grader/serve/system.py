"""System endpoints: ``/_ping``, ``/version``, ``/info``, ``/system/df`` and ``/events``.

The sandbox keeps no event log, so ``/events`` watches the containers' states and reports
their changes (create, start, die, destroy) as dockerd's event messages, until ``until``
passes or the client goes.
"""

from __future__ import annotations

import select
import socket

from grader.dockercli.diskusage import disk_usage as usage_document
from grader.dockercli.events import states, watch
from grader.engine.api import EngineAPI
from grader.serve.http import Reply, Request


def ping(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET|HEAD /_ping``: "OK" with the API version headers the CLI negotiates from."""
    reply.data(
        200,
        b"OK",
        "text/plain; charset=utf-8",
        **{"Builder-Version": "2", "Cache-Control": "no-cache, no-store, must-revalidate"},
        Pragma="no-cache",
    )


def version(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /version``."""
    reply.json(engine.version())


def info(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /info``."""
    reply.json(engine.info())


def disk_usage(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /system/df``: images, containers and volumes with what uses them."""
    reply.json(usage_document(engine))


def events(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /events?since=&until=&filters=``: container state changes from now on."""
    until = float(req.arg("until") or 0) or None
    # The first look is taken before the answer's headers go out: a client may act as soon
    # as it has them, and a change made then must already count as one.
    before = states(engine)

    def pause(seconds: float) -> bool:
        """Wait between two looks; False once the client went away."""
        connection = reply.handler.connection
        readable, _, _ = select.select([connection], [], [], seconds)
        return not readable or bool(connection.recv(1, socket.MSG_PEEK))

    reply.json_stream(watch(engine, before, until, req.filters() or {}, pause))
