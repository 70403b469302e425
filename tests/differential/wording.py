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


BEHAVIOUR: dict[str, tuple[str, str, str]] = {
    "buildkit-default": (
        "The CI's Docker 28 CLI has no buildx component and the daemon is dockerd 20.10, so "
        "`docker build` uses the legacy builder: the DEPRECATED banner, `Step n/m :`, "
        "` ---> Using cache`, `Successfully built`.",
        "Docker 28 installs buildx and builds with BuildKit: `#5 [2/4] COPY ...` / `#5 CACHED` "
        "(plain, not a terminal) or `[+] Building 1.2s (8/8) FINISHED` (terminal); failures end "
        "with `ERROR: failed to build: failed to solve: process ... did not complete "
        "successfully: exit code: N`. The sandbox does this unless DOCKER_BUILDKIT=0.",
        "docker/cli cmd/docker/builder.go (buildx is the default builder since 23.0); "
        "moby/buildkit util/progress/progressui printer.go, display.go; docker/buildx "
        "commands/build.go (`failed to build`)",
    ),
    "build-label-step": (
        "The course's pass-through adds `--label course=docker-k8s`; the classic builder shows "
        "it as a last step `Step n/n : LABEL course=docker-k8s` (20.10 and DOCKER_BUILDKIT=0).",
        "BuildKit applies build labels without a step; the sandbox applies the course label "
        "silently in both modes (the real side's extra step is dropped by diffkit).",
        "moby builder/dockerfile/builder.go (buildLabelOptions appends LABEL); buildkit "
        "dockerfile2llb (labels go to the image config)",
    ),
    "uppercase-registry-host": (
        "dockerd 20.10 refuses `docker tag nginx PatrickVuscan/website:1`: `Error response "
        "from daemon: invalid reference format: repository name must be lowercase`.",
        "Docker 28's Engine parses names as its client does: `PatrickVuscan` is a registry "
        "host, the tag is accepted, and `docker push` fails: `Get "
        '"https://PatrickVuscan/v2/": dial tcp: lookup PatrickVuscan: no such host`.',
        "distribution/reference normalize.go splitDockerDomain (uppercase first component "
        "is a domain), vendored by moby since v23",
    ),
}
"""Behaviour (not wording) that differs between dockerd 20.10 and Docker 28, by the key a
differential step names in ``differs:``: (20.10, Docker 28, where the 28 behaviour comes
from). Such a step is not compared; the sandbox's 28 behaviour is tested on its own."""


def to_docker28(text: str) -> str:
    """``text`` with every dockerd 20.10 wording in :data:`WORDING` replaced by Docker 28's."""
    for pattern, replacement, _source in WORDING:
        text = pattern.sub(replacement, text)
    return text
