"""What every course widget shares: the text alternative, the stylesheet, live refreshing.

Every widget's view is its own module in ``static/`` with ``static/prelude.js`` (the frame,
the Refresh button, element helpers) put before it by :func:`esm`; every stylesheet starts
with ``static/course.css`` (:func:`css`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from grader.widgets import live

STATIC = Path(__file__).parent / "static"
"""The widgets' JavaScript and CSS files."""


def esm(name: str) -> str:
    """The view module ``static/<name>`` with the shared prelude before it."""
    return (STATIC / "prelude.js").read_text() + (STATIC / name).read_text()


def css(*names: str) -> str:
    """The course's shared styles followed by the stylesheets ``static/<names>``."""
    return "".join((STATIC / name).read_text() for name in ("course.css", *names))


class CourseWidget(anywidget.AnyWidget):
    """An anywidget whose ``description`` is its text alternative and plain-text form."""

    _css = css()
    description = traitlets.Unicode("").tag(sync=True)
    """The picture in words, for screen readers and text-only frontends."""

    def __repr__(self) -> str:
        return self.description or super().__repr__()


class RefreshedWidget(CourseWidget):
    """A widget redrawn after every cell (see :mod:`grader.widgets.live`) and on request.

    It draws itself once when made; the view's messages (dicts) go to :meth:`handle`.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(self._handle_message)
        live.register(self)
        self.refresh()

    def _handle_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict):
            self.handle(content)

    def handle(self, message: dict[str, Any]) -> None:
        """Act on a message from the view; ``{"type": "refresh"}`` redraws."""
        if message.get("type") == "refresh":
            self.refresh()

    def refresh(self) -> None:
        """Read the state again and redraw (each refreshed widget defines it)."""
        raise NotImplementedError(type(self).__name__)


class LiveWidget(RefreshedWidget):
    """A widget drawn from the engine's state: a refresh button, and refreshed after cells."""

    error = traitlets.Unicode("").tag(sync=True)
    """Why the last refresh failed (empty when it worked)."""

    def refresh(self) -> None:
        """Read the engine again and redraw; an unreachable engine becomes ``error``."""
        from grader.engine import get_engine
        from grader.engine.errors import EngineError

        try:
            self.update(get_engine())
            self.error = ""
        except (EngineError, OSError, ValueError, ImportError) as failure:
            self.error = f"cannot read the engine: {failure}"

    def update(self, api: Any) -> None:
        """Set the traits from the engine's state (each live widget defines it)."""
        raise NotImplementedError(type(self).__name__)
