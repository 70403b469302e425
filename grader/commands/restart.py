"""``--restart`` policies: ``no``, ``always``, ``unless-stopped``, ``on-failure[:N]``.

:func:`parse_restart_policy` is Docker 28's client-side ``opts.ParseRestartPolicy``: it only
checks the format; the policy name itself is checked by the daemon
(:func:`daemon_policy_error` gives the daemon's refusal).
"""

from __future__ import annotations

import re

POLICIES = ("no", "always", "unless-stopped", "on-failure")


class RestartPolicyError(ValueError):
    """A ``--restart`` value the CLI refuses; the message is Docker's."""


def parse_restart_policy(text: str) -> tuple[str, int]:
    """Split ``on-failure:3`` into ("on-failure", 3); "" stays ("", 0) (the daemon's default).

    Raises:
        RestartPolicyError: ``invalid restart policy format: ...`` as Docker words it.
    """
    if text == "":
        return "", 0
    name, colon, count = text.partition(":")
    if colon and name == "":
        raise RestartPolicyError("invalid restart policy format: no policy provided before colon")
    retries = 0
    if count:
        if not re.fullmatch(r"[+-]?\d+", count):
            raise RestartPolicyError(
                "invalid restart policy format: maximum retry count must be an integer"
            )
        retries = int(count)
    return name, retries


def daemon_policy_error(name: str, retries: int) -> str | None:
    """What dockerd (20.10, as observed) answers for a policy the CLI let through.

    Returns None when the daemon accepts the policy.
    """
    if name not in POLICIES and name != "":
        return f"invalid restart policy '{name}'"
    if retries < 0:
        return "maximum retry count cannot be negative"
    if retries and name != "on-failure":
        return f"maximum retry count cannot be used with restart policy '{name}'"
    return None
