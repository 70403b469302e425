"""The course's interactive diagrams (anywidget): Python models with synced traits, JS views.

Each widget keeps its whole picture in synced traits (so it is testable without a browser)
and a ``description`` trait: the text alternative screen readers get, also the widget's
plain-text form where no widget frontend runs (nbconvert, feedback HTML).

- :class:`StackWidget`: containers vs virtual machines, layer by layer.
- :class:`EngineMap`: images -> containers -> volumes, from the engine's live state.
- :class:`PortMap`: host ports -> container ports, from the engine's live state.
- :class:`LifecycleWidget`: a container's state machine with its current state lit.
- :class:`NetworkDiagram`: networks, their containers' addresses and DNS names, published
  ports, who reaches whom.
- :class:`ComposeGraph`: a Compose project's services, ``depends_on`` conditions, health,
  ports, volumes and networks.
- :class:`RolloutProgress`: a Deployment's rolling update pod by pod, step by step (on the
  simulated cluster).

Live widgets refresh themselves after every ``%%docker`` and ``%%kubectl`` cell
(see :mod:`grader.widgets.live`).
"""

from __future__ import annotations

from grader.widgets.compose_graph import ComposeGraph
from grader.widgets.engine_map import EngineMap
from grader.widgets.lifecycle import LifecycleWidget
from grader.widgets.networks import NetworkDiagram
from grader.widgets.ports import PortMap
from grader.widgets.rollout_progress import RolloutProgress
from grader.widgets.stack import StackWidget

__all__ = [
    "ComposeGraph",
    "EngineMap",
    "LifecycleWidget",
    "NetworkDiagram",
    "PortMap",
    "RolloutProgress",
    "StackWidget",
]
