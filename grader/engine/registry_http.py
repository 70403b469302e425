"""The course's registry address, and how the real engine reads a registry's content.

A registry is read the way any client reads one: ``GET /v2/<name>/tags/list`` and
``GET /v2/_catalog`` (Registry HTTP API v2). The sandbox answers the same questions from
its embedded registry's state instead (the port may belong to a real registry).
"""

from __future__ import annotations

import json
from typing import Any

from grader.engine.errors import RegistryUnreachable

REGISTRY = "127.0.0.1:5000"
"""The course's registry."""


def tags(host: str, repository: str) -> list[str] | None:
    """The tags of ``repository`` in the registry at ``host``; None when it has none.

    Raises:
        RegistryUnreachable: nothing answers at ``host``.
    """
    status, body = _get(host, f"/v2/{repository}/tags/list")
    if status == 404:
        return None
    return sorted(body.get("tags") or []) or None


def catalog(host: str) -> list[str]:
    """The repositories in the registry at ``host``.

    Raises:
        RegistryUnreachable: nothing answers at ``host``.
    """
    _, body = _get(host, "/v2/_catalog")
    return sorted(body.get("repositories") or [])


def _get(host: str, path: str) -> tuple[int, dict[str, Any]]:
    import urllib.error  # here: the Engine API imports this module, and the shim starts fast
    import urllib.request

    url = f"http://{host}{path}"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
    except (urllib.error.URLError, OSError) as error:
        raise RegistryUnreachable(f"no registry answers at {host}: {error}") from None
