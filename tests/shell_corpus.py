"""The recorded answers of dash and busybox ash (tests/data/shell), as pytest cases.

``record_shell.py`` beside the data re-records them. The sandbox shell must give them
wherever it runs: a container (tests/engine/sandbox/test_shell_corpus.py) and a pod
(tests/k8s/test_k8s_pod_shell.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest

RECORDED = json.loads((Path(__file__).parent / "data" / "shell" / "recorded.json").read_text())
KNOWN = {
    ("busybox", "cd /nope; echo $?"): (
        "busybox 1.35 (Debian's, recorded) says 'sh: cd: line 0: can't cd to'; the Alpine "
        "3.20 image the sandbox imitates has busybox 1.36, whose line numbering for -c "
        "scripts was not recorded here"
    ),
}
"""(shell, script) -> why the sandbox answers otherwise than the recording."""


def cases(shells: Iterable[str]) -> list:
    """(shell, script, [stdout, stderr, exit code]) for every recorded script and shell."""
    return [
        pytest.param(
            shell,
            case["script"],
            case[shell],
            id=f"{shell}: {case['script']}",
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN[shell, case["script"]])]
            if (shell, case["script"]) in KNOWN
            else [],
        )
        for case in RECORDED["cases"]
        for shell in shells
    ]
