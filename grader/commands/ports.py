"""``-p/--publish`` specs: ``[ip:][hostPort[-end]:]containerPort[-end][/proto]``.

:func:`parse_publish` turns one spec into the port bindings Docker creates, following
go-connections' ``nat.ParsePortSpec`` (which Docker 28's CLI uses) step by step, so the
errors are Docker's own: ``invalid hostPort: 99999``, ``invalid containerPort: abc``,
``invalid proto: http``, ``no port specified: 8080:<empty>`` ... The long form
``published=8080,target=80,protocol=udp`` is converted first, as the CLI does.
"""

from __future__ import annotations

import re
from typing import NamedTuple

PUBLISH_PATTERN = r"""
    (?:
        (?:(?P<ip> \[[0-9a-fA-F:.]+\]      # an IPv6 address in brackets
                 | [0-9.]+                 # or an IPv4 address
            ):)?
        (?P<host>\d+(?:-\d+)?)?             # host port or range; empty = a random port
    :)?
    (?P<container>\d+(?:-\d+)?)             # container port or range
    (?:/(?P<proto>[a-zA-Z]+))?              # protocol: tcp (default), udp or sctp
"""
"""The usual shape of a ``-p`` spec (verbose regex, fullmatch). Specs it does not match are
split the way Docker's ``nat.ParsePortSpec`` splits them, so odd corners behave as in Docker."""


class PortSpecError(ValueError):
    """A publish spec Docker refuses; the message is Docker's (without ``docker: ``)."""


class PortBinding(NamedTuple):
    """One container port published (or exposed) on the host."""

    container_port: int
    protocol: str = "tcp"
    host_ip: str = ""
    """"" means all interfaces."""
    host_port: str = ""
    """"" = a random port; "8080"; or "8000-8005" (a range to pick one from)."""

    @property
    def key(self) -> str:
        """Docker's port key: ``80/tcp``."""
        return f"{self.container_port}/{self.protocol}"


def go_parse_uint16(text: str) -> int:
    """Go's ``strconv.ParseUint(s, 10, 16)`` with its error text."""
    if not text.isascii() or not text.isdigit():
        raise PortSpecError(f'strconv.ParseUint: parsing "{text}": invalid syntax')
    value = int(text)
    if value > 65535:
        raise PortSpecError(f'strconv.ParseUint: parsing "{text}": value out of range')
    return value


def parse_port_range(text: str) -> tuple[int, int]:
    """go-connections ``nat.ParsePortRange``: ``80`` or ``8000-8005``."""
    if text == "":
        raise PortSpecError("empty string specified for ports")
    if "-" not in text:
        value = go_parse_uint16(text)
        return value, value
    parts = text.split("-")
    start, end = go_parse_uint16(parts[0]), go_parse_uint16(parts[1])
    if end < start:
        raise PortSpecError(f"invalid range specified for port: {text}")
    return start, end


def split_proto_port(text: str) -> tuple[str, str]:
    """go-connections ``nat.SplitProtoPort``: ``80/udp`` -> ("udp", "80")."""
    parts = text.split("/")
    if text == "" or parts[0] == "":
        return "", ""
    if len(parts) == 1 or parts[1] == "":
        return "tcp", parts[0]
    return parts[1], parts[0]


def _split_parts(spec: str) -> tuple[str, str, str]:
    parts = spec.split(":")
    if len(parts) == 1:
        return "", "", parts[0]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    return ":".join(parts[:-2]), parts[-2], parts[-1]


def _split_host(address: str) -> str:
    """Go's ``net.SplitHostPort`` on ``[ip]:``, returning the host or raising its error."""
    end = address.find("]")
    reason = ""
    if end < 0:
        reason = "missing ']' in address"
    elif end + 1 != len(address) - 1:
        reason = (
            "too many colons in address" if address[end + 1] == ":" else "missing port in address"
        )
    elif "[" in address[1:] or "]" in address[end + 1 :]:
        reason = "unexpected '[' in address" if "[" in address[1:] else "unexpected ']' in address"
    if reason:
        raise PortSpecError(f"invalid IP address {address[:-1]}: address {address}: {reason}")
    return address[1:end]


def _check_ip(ip: str) -> str:
    import ipaddress  # only for specs with an address: the shim's start-up stays fast

    if ip.startswith("["):
        ip = _split_host(ip + ":")
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        raise PortSpecError(f"invalid IP address: {ip}") from None
    return ip


def convert_long_syntax(spec: str) -> str:
    """The CLI's ``convertToStandardNotation``: ``published=8080,target=80`` -> ``8080:80/tcp``."""
    if "=" not in spec:
        return spec
    params = {"protocol": "tcp"}
    for param in spec.split(","):
        key, has_value, value = param.partition("=")
        if not has_value or key == "":
            raise PortSpecError(
                f"invalid publish opts format (should be name=value but got '{param}')"
            )
        params[key] = value
    return f"{params.get('published', '')}:{params.get('target', '')}/{params['protocol']}"


def parse_publish(spec: str) -> list[PortBinding]:
    """Parse one ``-p`` value into bindings, one per container port.

    Examples: ``8080:80`` -> [80/tcp on 8080]; ``127.0.0.1::80/udp`` -> [80/udp on a random
    port of 127.0.0.1]; ``8000-8001:80-81`` -> two bindings.

    Raises:
        PortSpecError: Docker's message, e.g. ``invalid hostPort: 99999``.
    """
    raw = convert_long_syntax(spec)
    match = re.fullmatch(PUBLISH_PATTERN, raw, re.VERBOSE)
    if match:
        ip, host, container = match["ip"] or "", match["host"] or "", match["container"]
        proto = match["proto"] or "tcp"
    else:
        ip, host, container = _split_parts(raw)
        proto, container = split_proto_port(container)
    return _bindings(raw, ip, host, container, proto)


def _bindings(raw: str, ip: str, host: str, container: str, proto: str) -> list[PortBinding]:
    """The checks and expansion of ``nat.ParsePortSpec`` once the spec is split."""
    if ip:
        ip = _check_ip(ip)
    if container == "":
        raise PortSpecError(f"no port specified: {raw}<empty>")
    try:
        start, end = parse_port_range(container)
    except PortSpecError:
        raise PortSpecError(f"invalid containerPort: {container}") from None
    host_start = host_end = 0
    if host:
        try:
            host_start, host_end = parse_port_range(host)
        except PortSpecError:
            raise PortSpecError(f"invalid hostPort: {host}") from None
        if end - start != host_end - host_start and end != start:
            raise PortSpecError(
                f"invalid ranges specified for container and host Ports: {container} and {host}"
            )
    if proto.lower() not in {"tcp", "udp", "sctp"}:
        raise PortSpecError(f"invalid proto: {proto}")
    bindings = []
    for offset in range(end - start + 1):
        host_port = str(host_start + offset) if host else ""
        if start == end and host_start != host_end:
            host_port = f"{host_port}-{host_end}"
        bindings.append(PortBinding(start + offset, proto.lower(), ip, host_port))
    return bindings


def parse_expose(spec: str) -> list[PortBinding]:
    """Parse one ``--expose`` value (``80``, ``8000-8010/udp``) into unpublished ports.

    Raises:
        PortSpecError: Docker's message, e.g. ``invalid port format for --expose: 8080:80``.
    """
    if ":" in spec:
        raise PortSpecError(f"invalid port format for --expose: {spec}")
    proto, port = split_proto_port(spec)
    try:
        start, end = parse_port_range(port)
    except PortSpecError as exc:
        raise PortSpecError(f"invalid range format for --expose: {spec}, error: {exc}") from None
    return [PortBinding(number, proto) for number in range(start, end + 1)]
