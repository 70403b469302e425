r"""JSON exactly as Go's ``encoding/json`` writes it for Docker.

``docker inspect`` prints ``json.MarshalIndent(v, "", "    ")``: 4-space indent, keys in the
daemon's order, and HTML-sensitive characters escaped (``<`` -> ``\\u003c``, ``>`` ->
``\\u003e``, ``&`` -> ``\\u0026``). The ``json`` template function turns HTML escaping off.
Integral floats print without ".0", as Go prints a float64 that holds a whole number.
Objects with a ``to_go_json()`` method (Docker's formatter contexts) marshal as that dict,
always HTML-escaped, because Docker's ``MarshalJSON`` for them uses ``json.Marshal``.
"""

from __future__ import annotations

import json
from typing import Any

_HTML = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}
_ALWAYS = {"\u2028": "\\u2028", "\u2029": "\\u2029"}


def _escape(text: str, html: bool) -> str:
    for char, escaped in _ALWAYS.items():
        text = text.replace(char, escaped)
    if html:
        for char, escaped in _HTML.items():
            text = text.replace(char, escaped)
    return text


def _plain(value: Any) -> Any:
    """Replace what the json module cannot write as Go would write it."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e21 else value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "to_go_json"):
        return _Raw(go_marshal(value.to_go_json(), escape_html=True))
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode()
    return None


class _Raw(str):
    """Already-encoded JSON to splice in verbatim."""


def go_marshal(value: Any, *, indent: int | None = None, escape_html: bool = True) -> str:
    """Encode ``value`` as Go's encoder does (compact, or indented with ``indent`` spaces)."""
    plain = _plain(value)
    if isinstance(plain, _Raw):
        return str(plain)
    raws: list[str] = []

    def collect(node: Any) -> Any:
        if isinstance(node, _Raw):
            raws.append(str(node))
            return f"\x00raw{len(raws) - 1}\x00"
        if isinstance(node, dict):
            return {k: collect(v) for k, v in node.items()}
        if isinstance(node, list):
            return [collect(v) for v in node]
        return node

    plain = collect(plain)
    separators = (",", ": ") if indent is not None else (",", ":")
    text = json.dumps(plain, ensure_ascii=False, indent=indent, separators=separators)
    text = _escape(text, escape_html)
    for index, raw in enumerate(raws):
        text = text.replace(f'"\\u0000raw{index}\\u0000"', raw)
    return text
