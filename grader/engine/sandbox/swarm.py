"""Swarm mode and plugins on a node that never joins a swarm.

The sandbox is one engine without swarm mode. Asked for services, nodes, secrets or
configs, dockerd outside a swarm answers 503 with :data:`NOT_A_MANAGER`, and so does the
sandbox. It cannot start a swarm either: ``POST /swarm/init`` is refused with
:data:`NO_SWARM_MODE` (501, dockerd's status for what a daemon does not implement). No
plugin is installed, as on a fresh dockerd: ``GET /plugins`` answers an empty list.
"""

from __future__ import annotations

from typing import Any

from grader.engine.errors import EngineError
from grader.engine.sandbox.base import JSON, SandboxBase

NOT_A_MANAGER = (
    'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to '
    "connect this node to swarm and try again."
)
"""dockerd's answer (503) to a swarm object request on a node outside a swarm (moby
``daemon/cluster/helpers.go``, ``errNoManager``)."""
NO_SWARM_MODE = (
    "the course's sandbox engine does not run swarm mode: "
    "services, stacks and swarm nodes need a real Docker Engine"
)
"""The sandbox's answer (501) to ``POST /swarm/init``."""


def _not_a_manager() -> EngineError:
    return EngineError(NOT_A_MANAGER, 503)


class SwarmMixin(SandboxBase):
    """``/swarm/init``, ``/services``, ``/nodes``, ``/secrets``, ``/configs``, ``/plugins``."""

    def init_swarm(
        self,
        advertise_addr: str | None = None,
        listen_addr: str = "0.0.0.0:2377",
        force_new_cluster: bool = False,
        swarm_spec: dict[str, Any] | None = None,
        default_addr_pool: list[str] | None = None,
        subnet_size: int | None = None,
        data_path_addr: str | None = None,
        data_path_port: int | None = None,
    ) -> str:
        """``POST /swarm/init``: refused, the sandbox runs no swarm.

        Raises:
            EngineError: :data:`NO_SWARM_MODE` (501).
        """
        raise EngineError(NO_SWARM_MODE, 501)

    def services(
        self, filters: dict[str, Any] | None = None, status: bool | None = None
    ) -> list[JSON]:
        """``GET /services``: not a swarm manager (503)."""
        raise _not_a_manager()

    def nodes(self, filters: dict[str, Any] | None = None) -> list[JSON]:
        """``GET /nodes``: not a swarm manager (503)."""
        raise _not_a_manager()

    def secrets(self, filters: dict[str, Any] | None = None) -> list[JSON]:
        """``GET /secrets``: not a swarm manager (503)."""
        raise _not_a_manager()

    def configs(self, filters: dict[str, Any] | None = None) -> list[JSON]:
        """``GET /configs``: not a swarm manager (503)."""
        raise _not_a_manager()

    def plugins(self) -> list[JSON]:
        """``GET /plugins``: none installed."""
        return []
