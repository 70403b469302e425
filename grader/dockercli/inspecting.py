"""``docker inspect`` and the typed ``container/image/volume/network inspect`` commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grader.commands.model import Command
from grader.dockercli.session import CommandFailed, Session, daemon_text
from grader.engine.errors import EngineError, NotFound
from grader.render.formatter import FormatError
from grader.render.inspect import inspect_template, render_json, render_one

_BY_TYPE: dict[str, str] = {
    "container": "inspect_container",
    "image": "inspect_image",
    "network": "inspect_network",
    "volume": "inspect_volume",
}
"""The object kinds the engines have, in the order ``docker inspect`` tries them."""


def _getter(session: Session, kind: str | None) -> Callable[[str], dict[str, Any]]:
    engine = session.engine
    if kind in _BY_TYPE:
        return getattr(engine, _BY_TYPE[kind])
    if kind:  # swarm objects and plugins: no engine here has any

        def nothing(name: str) -> dict[str, Any]:
            raise NotFound(f"No such object: {name}")

        return nothing

    def any_object(name: str) -> dict[str, Any]:
        for method in _BY_TYPE.values():
            try:
                return getattr(engine, method)(name)
            except NotFound:
                continue
        raise NotFound(f"No such object: {name}")

    return any_object


def inspect(cmd: Command, session: Session) -> int:
    """Inspect each named object; JSON array by default, or one template line each."""
    kind = cmd.name.split()[0] if cmd.name != "inspect" else (cmd.option("type") or None)
    get = _getter(session, kind)
    fmt = cmd.option("format", "") or ""
    template = None
    if fmt and fmt != "json":
        try:
            template = inspect_template(fmt)
        except FormatError as error:
            raise CommandFailed(str(error), 64) from None
    found, lines, failures = [], [], []
    for name in cmd.args:
        try:
            obj = get(name)
        except EngineError as error:
            generic = cmd.name == "inspect" and not kind
            failures.append(f"Error: {error.explanation}" if generic else daemon_text(error))
            continue
        if template is None:
            found.append(obj)
            continue
        try:
            lines.append(render_one(template, obj))
        except FormatError as error:
            failures.append(str(error))
    if template is None:
        session.out(render_json(found, compact=fmt == "json"))
    else:
        session.out("".join(lines) or "\n")
    if failures:
        raise CommandFailed("\n".join(failures))
    return 0
