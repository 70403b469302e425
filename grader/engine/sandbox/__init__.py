"""The embedded engine: Docker's Engine API answered from SQLite, for places with no daemon.

:class:`SandboxEngine` implements :class:`grader.engine.api.EngineAPI` with the same JSON
as the Docker Engine API and Docker 28's daemon-side behaviour and messages. It is one
mixin per resource module, composed here; state lives in ``<state_dir>/state.db`` (see
:mod:`.store` for the schema), shared safely by every process using the same folder.
"""

from __future__ import annotations

from pathlib import Path

from grader.engine.sandbox.archives import ArchivesMixin
from grader.engine.sandbox.build import BuildMixin
from grader.engine.sandbox.containers import ContainersMixin
from grader.engine.sandbox.exec import ExecMixin
from grader.engine.sandbox.images import ImagesMixin
from grader.engine.sandbox.inspection import InspectionMixin
from grader.engine.sandbox.lifecycle import LifecycleMixin
from grader.engine.sandbox.logs import LogsMixin
from grader.engine.sandbox.networks import NetworksMixin
from grader.engine.sandbox.offline import OfflineMixin
from grader.engine.sandbox.ports import shutdown_all
from grader.engine.sandbox.registry import RegistryMixin
from grader.engine.sandbox.swarm import SwarmMixin
from grader.engine.sandbox.system import SystemMixin
from grader.engine.sandbox.update import UpdateMixin
from grader.engine.sandbox.volumes import VolumesMixin


class SandboxEngine(
    ArchivesMixin,
    RegistryMixin,
    BuildMixin,
    SystemMixin,
    ImagesMixin,
    ContainersMixin,
    LifecycleMixin,
    LogsMixin,
    ExecMixin,
    InspectionMixin,
    VolumesMixin,
    NetworksMixin,
    UpdateMixin,
    OfflineMixin,
    SwarmMixin,
):
    """The sandbox engine over the state folder ``state_dir``."""

    def __init__(self, state_dir: Path | str) -> None:
        super().__init__(Path(state_dir))
        self._seed_images()

    shutdown_all = staticmethod(shutdown_all)


__all__ = ["SandboxEngine", "shutdown_all"]
