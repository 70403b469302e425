"""What every course widget shares: the text alternative, the stylesheet, live refreshing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from grader.widgets import live

STATIC = Path(__file__).parent / "static"
"""The widgets' JavaScript and CSS files."""


class CourseWidget(anywidget.AnyWidget):
    """An anywidget whose ``description`` is its text alternative and plain-text form."""

    _css = STATIC / "course.css"
    description = traitlets.Unicode("").tag(sync=True)
    """The picture in words, for screen readers and text-only frontends."""

    def __repr__(self) -> str:
        return self.description or super().__repr__()


class LiveWidget(CourseWidget):
    """A widget drawn from the engine's state: a refresh button, and refreshed after cells."""

    error = traitlets.Unicode("").tag(sync=True)
    """Why the last refresh failed (empty when it worked)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(self._handle_message)
        live.register(self)
        self.refresh()

    def _handle_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "refresh":
            self.refresh()

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
