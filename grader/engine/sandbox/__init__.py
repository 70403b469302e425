"""The embedded engine: Docker's Engine API answered from SQLite, for places with no daemon.

:class:`SandboxEngine` implements :class:`grader.engine.api.EngineAPI` with the same JSON
as the Docker Engine API and Docker 28's daemon-side behaviour and messages. It is one
mixin per resource module, composed here; state lives in ``<state_dir>/state.db`` (see
:mod:`.store` for the schema), shared safely by every process using the same folder.

The engine is imported on first use of :class:`SandboxEngine` (:mod:`.engine`), not with
the package: the port helper (:mod:`.server`) needs only :mod:`.store` and :mod:`.fs`,
and starts once per published container.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.engine.sandbox.engine import SandboxEngine, shutdown_all

__all__ = ["SandboxEngine", "shutdown_all"]


def __getattr__(name: str) -> Any:
    """``SandboxEngine`` and ``shutdown_all``, imported from :mod:`.engine` when asked for."""
    if name in __all__:
        from grader.engine.sandbox import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
