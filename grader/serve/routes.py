"""The Engine API's routes, each mapped to the endpoint function that answers it.

A route is a method and a path pattern (without the ``/v1.xx`` prefix); named groups
(``id``, ``name``) become :attr:`grader.serve.http.Request.groups`. Image names may hold
slashes and colons ("localhost:5000/app:v1"), so their patterns are greedy.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from grader.engine.api import EngineAPI
from grader.serve import containers, execs, images, objects, offline, swarm, system
from grader.serve.http import Reply, Request

Endpoint = Callable[[EngineAPI, Request, Reply], None]

_ID = r"(?P<id>[^/]+)"
_NAME = r"(?P<name>.+)"
ROUTES: list[tuple[str, str, Endpoint]] = [
    ("GET", "/_ping", system.ping),
    ("HEAD", "/_ping", system.ping),
    ("GET", "/version", system.version),
    ("GET", "/info", system.info),
    ("GET", "/system/df", system.disk_usage),
    ("GET", "/events", system.events),
    ("POST", "/auth", offline.auth),
    ("GET", "/containers/json", containers.listing),
    ("POST", "/containers/create", containers.create),
    ("POST", "/containers/prune", containers.prune),
    ("GET", f"/containers/{_ID}/json", containers.inspect),
    ("POST", f"/containers/{_ID}/start", containers.start),
    ("POST", f"/containers/{_ID}/stop", containers.stop),
    ("POST", f"/containers/{_ID}/restart", containers.restart),
    ("POST", f"/containers/{_ID}/kill", containers.kill),
    ("POST", f"/containers/{_ID}/pause", containers.pause),
    ("POST", f"/containers/{_ID}/unpause", containers.unpause),
    ("POST", f"/containers/{_ID}/rename", containers.rename),
    ("POST", f"/containers/{_ID}/update", containers.update),
    ("GET", f"/containers/{_ID}/export", containers.export),
    ("POST", f"/containers/{_ID}/wait", containers.wait),
    ("POST", f"/containers/{_ID}/attach", containers.attach),
    ("POST", f"/containers/{_ID}/resize", containers.resize),
    ("GET", f"/containers/{_ID}/logs", containers.logs),
    ("GET", f"/containers/{_ID}/top", containers.top),
    ("GET", f"/containers/{_ID}/changes", containers.changes),
    ("GET", f"/containers/{_ID}/stats", containers.stats),
    ("HEAD", f"/containers/{_ID}/archive", containers.archive_stat),
    ("GET", f"/containers/{_ID}/archive", containers.get_archive),
    ("PUT", f"/containers/{_ID}/archive", containers.put_archive),
    ("DELETE", f"/containers/{_ID}", containers.remove),
    ("POST", "/commit", containers.commit),
    ("POST", f"/containers/{_ID}/exec", execs.create),
    ("POST", f"/exec/{_ID}/start", execs.start),
    ("POST", f"/exec/{_ID}/resize", containers.resize),
    ("GET", f"/exec/{_ID}/json", execs.inspect),
    ("GET", "/images/json", images.listing),
    ("POST", "/images/create", images.pull),
    ("POST", "/images/prune", images.prune),
    ("GET", "/images/get", images.save),
    ("POST", "/images/load", images.load),
    ("GET", "/images/search", offline.search),
    ("POST", "/build", images.build),
    ("POST", "/build/prune", images.build_prune),
    ("GET", f"/images/{_NAME}/json", images.inspect),
    ("GET", f"/images/{_NAME}/history", images.history),
    ("GET", f"/images/{_NAME}/get", images.save),
    ("POST", f"/images/{_NAME}/push", images.push),
    ("POST", f"/images/{_NAME}/tag", images.tag),
    ("DELETE", f"/images/{_NAME}", images.remove),
    ("GET", "/volumes", objects.volumes),
    ("POST", "/volumes/create", objects.volume_create),
    ("POST", "/volumes/prune", objects.volume_prune),
    ("GET", f"/volumes/{_NAME}", objects.volume_inspect),
    ("DELETE", f"/volumes/{_NAME}", objects.volume_remove),
    ("GET", "/networks", objects.networks),
    ("POST", "/networks/create", objects.network_create),
    ("POST", "/networks/prune", objects.network_prune),
    ("GET", f"/networks/{_ID}", objects.network_inspect),
    ("DELETE", f"/networks/{_ID}", objects.network_remove),
    ("POST", f"/networks/{_ID}/connect", objects.network_connect),
    ("POST", f"/networks/{_ID}/disconnect", objects.network_disconnect),
    ("POST", "/swarm/init", swarm.init),
    ("GET", "/services", swarm.services),
    ("GET", "/nodes", swarm.nodes),
    ("GET", "/secrets", swarm.secrets),
    ("GET", "/configs", swarm.configs),
    ("GET", "/plugins", swarm.plugins),
]

_COMPILED = [(method, re.compile(f"^{pattern}$"), endpoint) for method, pattern, endpoint in ROUTES]


def find(method: str, path: str) -> tuple[Endpoint, dict[str, str]] | None:
    """The endpoint for ``method path`` and its path groups, or None (404)."""
    for route_method, pattern, endpoint in _COMPILED:
        if route_method == method:
            match = pattern.match(path)
            if match:
                return endpoint, match.groupdict()
    return None
