"""The one table of daemon wording that differs between dockerd 20.10 and Docker 28.

CI's daemon is Debian's docker.io (dockerd 20.10); the sandbox speaks as a Docker 28
daemon. Where the two daemons word the same refusal differently, the 20.10 text is
rewritten into the 28 text here, and nowhere else. Each rule names where the 28 wording
comes from. Ids are already normalised to ``<c:NAME>`` (container) when these run.
"""

from __future__ import annotations

import re

WORDING: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(
            r"You cannot remove a running container <c:([^>]+)>\. "
            r"Stop the container before attempting removal or force remove"
        ),
        r'cannot remove container "/\1": container is running: '
        r"stop the container before removing or force remove",
        "moby daemon/delete.go (v23+): errors.Wrapf(... container is running ...)",
    ),
    (
        re.compile(r"(?<!failed to set up container networking: )driver failed programming"),
        "failed to set up container networking: driver failed programming",
        "moby daemon/container_operations.go (v26+) wraps endpoint errors this way",
    ),
    (
        re.compile(r"no such image: (\S+): No such image: \1"),
        r"No such image: \1",
        "moby daemon/images/image.go (v25+): ErrImageDoesNotExist reads 'No such image: REF'",
    ),
]
"""(dockerd 20.10 pattern, Docker 28 replacement, where the 28 text comes from)."""


def to_docker28(text: str) -> str:
    """``text`` with every dockerd 20.10 wording in :data:`WORDING` replaced by Docker 28's."""
    for pattern, replacement, _source in WORDING:
        text = pattern.sub(replacement, text)
    return text
