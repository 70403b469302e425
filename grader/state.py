"""Where the course keeps its state on this machine (a neutral module every layer may use).

One folder, ``COURSE_SANDBOX_DIR`` (default: a per-user folder), holds the sandbox engine's
SQLite state, the cluster simulator's state and the history of commands; the engine, the
history and the cluster simulator each find it here rather than asking one another.
"""

from __future__ import annotations

import os
from pathlib import Path


def sandbox_dir() -> Path:
    """The course's state folder: ``COURSE_SANDBOX_DIR`` or a per-user folder."""
    configured = os.environ.get("COURSE_SANDBOX_DIR")
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    return Path(base) / "docker-k8s-course" / "sandbox"
