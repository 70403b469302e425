"""Record what dash and busybox ash print for the shell constructs the course uses.

Run by hand on a machine with ``dash`` as ``/bin/sh`` and Debian's ``busybox-static``:
``python tests/data/shell/record_shell.py``. It writes ``recorded.json`` beside itself, which
``tests/engine/sandbox/test_shell_corpus.py`` replays against the sandbox's shell (the tests
never need the shells themselves). Each script runs as ``sh -c SCRIPT`` in a fresh empty
folder, so files it writes are relative and nothing of the host shows.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

CASES = [
    # words, quoting and parameters
    "echo hello world",
    "echo 'single $HOME' \"double $HOME\"",
    "X=1; echo ${X} ${Y:-def} ${Y-unset} ${X:+set} $?",
    'Z=; echo "[${Z:-empty}]" "[${Z-unset}]"; echo ${W:=assigned} $W',
    "V=hello; echo ${#V}",
    "echo $0",
    "echo $# $1",
    "echo -n x; echo y",
    "printf '%s-%s\\n' a b",
    # status, lists and pipes
    "false; echo $?",
    "true && echo yes || echo no",
    "false && echo yes || echo no",
    "echo a; echo b >&2; echo c",
    "echo one | grep one",
    "echo one | grep two; echo $?",
    "exit 3",
    "false; exit",
    # redirections
    "echo hi > f; cat f; echo more >> f; cat f",
    "cat nope 2>&1",
    "cat nope 2>/dev/null; echo $?",
    # what is missing
    "cat /nope",
    "ls /nope; echo $?",
    "nosuch",
    "nosuch; echo $?",
    "cd /nope; echo $?",
    "mkdir /nope/x",
    "rm /nope",
    "rm -f /nope; echo $?",
    "head -n 1 /nope",
    "grep x /nope; echo $?",
    # compound commands and substitutions
    "if [ -f /nope ]; then echo yes; else echo no; fi",
    "for i in 1 2 3; do echo $i; done",
    "i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done",
    "echo $(echo inner) `echo back`",
    "echo $((2*21))",
    "export A=b; sh -c 'echo $A'",
    "[ 1 -eq 2 ]; echo $?",
    "test -d /tmp && echo dir",
    "mkdir d && touch d/t && ls d",
    "cd /tmp && pwd",
    # syntax errors
    "echo 'unterminated",
    "if true; then echo x",
    "echo a &&",
    "fi",
    "echo a; )",
    "for 1 in a; do echo; done",
    "echo $(echo a",
    "while true; do echo",
]
SHELLS = {"dash": ["sh", "-c"], "busybox": ["busybox", "sh", "-c"]}


def record() -> list[dict]:
    found = []
    for script in CASES:
        entry: dict = {"script": script}
        for name, argv in SHELLS.items():
            with tempfile.TemporaryDirectory() as folder:
                done = subprocess.run(
                    [*argv, script],
                    capture_output=True,
                    text=True,
                    cwd=folder,
                    env={"PATH": "/usr/bin:/bin", "HOME": "/root"},
                    timeout=10,
                )
            entry[name] = [done.stdout, done.stderr, done.returncode]
        found.append(entry)
    return found


if __name__ == "__main__":
    version = subprocess.run(["busybox"], capture_output=True, text=True).stdout.splitlines()[0]
    target = Path(__file__).with_name("recorded.json")
    document = {"busybox": version, "dash": "dash as /bin/sh (Debian 12)", "cases": record()}
    target.write_text(json.dumps(document, indent=1) + "\n")
    print(f"{len(CASES)} cases -> {target}")
