"""Where each exercise starts: a time marker that scopes the history the checks read.

``check.reset("website")`` puts the engine back to the notebook's start state, runs the
exercise's set-up commands, and stamps the exercise's start, so ``check.ran(...,
exercise="website")`` only looks at the commands typed after it. Markers live beside the
history (``COURSE_SANDBOX_DIR``), so a terminal and the kernel agree.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from grader.state import sandbox_dir


def _markers_path() -> Path:
    return sandbox_dir() / "exercises.json"


def _load() -> dict[str, float]:
    try:
        data = json.loads(_markers_path().read_text())
    except (OSError, ValueError):
        return {}
    return {str(key): float(value) for key, value in data.items()} if isinstance(data, dict) else {}


def start(exercise: str) -> None:
    """Stamp ``exercise`` as starting now (silent: a notebook cell shows nothing)."""
    markers = _load()
    now = time.time()
    markers[exercise] = now
    path = _markers_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(markers, indent=1))
    temporary.replace(path)


def started_at(exercise: str | None) -> float:
    """When ``exercise`` last started (0 for None or an exercise never started)."""
    return _load().get(exercise, 0.0) if exercise else 0.0
