"""What one kubectl command printed (stdout, stderr) and its exit code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Result:
    """What one kubectl command printed, and its exit code."""

    stdout: str = ""
    stderr: str = ""
    code: int = 0
