"""Run a test's subprocess in a network namespace of its own (``unshare -rn``).

The notebooks publish fixed host ports (8080) on the sandbox, whose servers really listen:
an nbval run in a namespace of its own shares them with no other test running beside it.
(Grading does the same for each submission with ``grader.grading.isolation``, in a forked
child; a tool started as a program needs the command-line form.)
"""

from __future__ import annotations

import functools
import shutil
import subprocess

ISOLATE = ["unshare", "--net", "--map-root-user", "sh", "-c", 'ip link set lo up && exec "$@"']
"""Prefix (then a ``$0`` word, then the command) for a new network namespace with loopback up."""


@functools.cache
def isolation_available() -> bool:
    """Whether this machine lets a test create network namespaces (``unshare -rn``)."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return False
    try:
        probe = subprocess.run([*ISOLATE, "probe", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0
