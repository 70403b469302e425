"""``-v/--volume`` specs: ``[SOURCE:]TARGET[:OPTIONS]``.

:func:`parse_volume` follows the parser Docker 28's CLI uses (compose's ``ParseVolume``):
a source starting with ``/``, ``.`` or ``~`` is a bind mount of a host path, any other source
is a named volume, no source is an anonymous volume. Options are comma-separated: ``ro``/``rw``
(read-only or read-write), ``z``/``Z`` (SELinux relabelling: ``z`` shared between containers,
``Z`` private to this one), ``nocopy`` and the bind propagation modes. The CLI ignores options
it does not know; the daemon then refuses them (:func:`daemon_mode_error`).
"""

from __future__ import annotations

import os
from typing import NamedTuple

PROPAGATIONS = ("private", "rprivate", "shared", "rshared", "slave", "rslave")
_DAEMON_MODES = {"ro", "rw", "z", "Z", "nocopy", "copy", *PROPAGATIONS}


class VolumeSpecError(ValueError):
    """A ``-v`` value the CLI refuses; the message is Docker's (without ``docker: ``)."""


class VolumeSpec(NamedTuple):
    """One parsed ``-v`` value."""

    source: str
    """Host path (bind), volume name (named volume) or "" (anonymous volume)."""
    target: str
    """Path inside the container."""
    type: str
    """"bind" or "volume"."""
    read_only: bool = False
    options: tuple[str, ...] = ()
    """Every option as given, in order (``ro``, ``Z`` ...)."""

    @property
    def selinux_label(self) -> str:
        """``z`` (shared relabel), ``Z`` (private relabel) or ""."""
        return next((o for o in reversed(self.options) if o in {"z", "Z"}), "")

    def host_source(self, cwd: str) -> str:
        """The bind source as the CLI sends it: ``./site`` becomes absolute against ``cwd``."""
        if self.type == "bind" and self.source.startswith(".") and not os.path.isabs(self.source):
            return os.path.normpath(os.path.join(cwd, self.source))
        return self.source


def _is_file_path(source: str) -> bool:
    if source[0] in "./~":
        return True
    if len(source) == 1:
        return False
    return source.startswith("\\\\") or (source[0].isalpha() and source[1] == ":")


def parse_volume(spec: str) -> VolumeSpec:
    """Parse one ``-v`` value.

    Raises:
        VolumeSpecError: ``invalid empty volume spec`` or ``invalid spec: SPEC: too many colons``
            / ``empty section between colons``.
    """
    if spec == "":
        raise VolumeSpecError("invalid empty volume spec")
    if len(spec) <= 2:
        return VolumeSpec("", spec, "volume")
    fields: list[str] = []
    buffer = ""
    for char in spec + "\0":
        windows_drive = char == ":" and len(buffer) == 1 and buffer.isalpha()
        if windows_drive or char not in ":\0":
            buffer += char
            continue
        if buffer == "":
            raise VolumeSpecError(f"invalid spec: {spec}: empty section between colons")
        if len(fields) == 2 and char == ":":
            raise VolumeSpecError(f"invalid spec: {spec}: too many colons")
        fields.append(buffer)
        buffer = ""
    if len(fields) == 1:
        return VolumeSpec("", fields[0], "volume")
    source, target = fields[0], fields[1]
    options = tuple(fields[2].split(",")) if len(fields) == 3 else ()
    read_only = False
    for option in options:
        if option in {"ro", "rw"}:
            read_only = option == "ro"
    kind = "bind" if _is_file_path(source) else "volume"
    return VolumeSpec(source, target, kind, read_only, options)


def daemon_mode_error(spec: str) -> str | None:
    """The daemon's refusal of a ``-v`` spec's options (20.10, as observed), or None.

    The CLI passes unknown options through; the daemon then answers ``invalid mode: bogus``
    (all the options as given, comma-separated).
    """
    parsed = parse_volume(spec)
    if any(option not in _DAEMON_MODES for option in parsed.options):
        return f"invalid mode: {','.join(parsed.options)}"
    return None
