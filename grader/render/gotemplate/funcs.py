"""The functions a template can call: Go's built-ins and Docker's ``basicFunctions``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from grader.render.gojson import go_marshal
from grader.render.gotemplate.values import MISSING, go_quote, go_sprint, go_type_name, truthy


class FuncError(Exception):
    """A function refused its arguments; Go reports it as "error calling NAME: ..."."""

    pass


def _index(item: Any, *keys: Any) -> Any:
    """Go's ``index`` builtin.

    A missing key of a string map gives "" (its zero value), as Docker's
    ``map[string]string`` fields (labels) do.
    """
    for key in keys:
        if isinstance(item, dict):
            if key in item:
                item = item[key]
            else:
                item = "" if all(isinstance(v, str) for v in item.values()) else None
        elif isinstance(item, str):
            raise FuncError("reflect: string index out of range")
        elif isinstance(item, list | tuple):
            if not isinstance(key, int) or isinstance(key, bool):
                raise FuncError(f"cannot index slice/array with type {go_type_name(key)}")
            if not 0 <= key < len(item):
                raise FuncError(f"index out of range: {key}")
            item = item[key]
        elif item is None or item is MISSING:
            raise FuncError("index of untyped nil")
        else:
            raise FuncError(f"can't index item of type {go_type_name(item)}")
    return item


def _len(item: Any) -> int:
    if isinstance(item, str | list | tuple | dict):
        return len(item)
    raise FuncError(f"len of type {go_type_name(item)}")


def _slice(item: Any, *bounds: int) -> Any:
    if not isinstance(item, str | list | tuple):
        raise FuncError(f"can't slice item of type {go_type_name(item)}")
    if len(bounds) > 2:
        raise FuncError("too many slice indexes")
    start = bounds[0] if bounds else 0
    end = bounds[1] if len(bounds) > 1 else len(item)
    if not 0 <= start <= end <= len(item):
        raise FuncError(f"index out of range: {end}")
    return item[start:end]


_VERB = re.compile(r"%([-+# 0]*)(\d+|\*)?(?:\.(\d+))?([a-zA-Z%])")


_MAX_WIDTH = 1_000_000
"""Go's ``fmt`` refuses a width or precision once its digits so far exceed this."""

MAX_TEXT = 1 << 24
"""Characters one template may produce (Go has no such bound; Python must keep one)."""


def _too_large(digits: str | None) -> bool:
    """Go's ``parsenum`` overflow: a digit follows a number already above a million."""
    if not digits or digits == "*":
        return False
    return int(digits[:-1] or "0") > _MAX_WIDTH


def go_sprintf(fmt: str, *args: Any) -> str:
    """Go's ``fmt.Sprintf`` for the verbs templates use (%s %v %d %q %t %f %x)."""
    out: list[str] = []
    pos = 0
    arg_index = 0
    for match in _VERB.finditer(fmt):
        out.append(fmt[pos : match.start()])
        pos = match.end()
        flags, width, precision, verb = match.groups()
        if _too_large(width) or _too_large(precision):
            # Go's parsenum gives up on the whole rest of the format: no verb is left.
            out.append("%!(NOVERB)")
            pos = len(fmt)
            break
        if verb == "%":
            out.append("%")
            continue
        if arg_index >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        arg = args[arg_index]
        arg_index += 1
        if verb in "sv":
            text = go_sprint(arg)
            if precision is not None and verb == "s":
                text = text[: int(precision)]
        elif verb == "q":
            text = go_quote(go_sprint(arg))
        elif verb == "d" and isinstance(arg, int) and not isinstance(arg, bool):
            text = str(arg)
        elif verb == "t" and isinstance(arg, bool):
            text = go_sprint(arg)
        elif verb in "fFeg" and isinstance(arg, int | float) and not isinstance(arg, bool):
            text = f"%{'.' + precision if precision else ''}{verb}" % arg
            if verb == "f" and precision is None:
                text = f"{arg:.6f}"
        elif verb in "xX" and isinstance(arg, int | str):
            text = format(arg, verb) if isinstance(arg, int) else arg.encode().hex()
            text = text.upper() if verb == "X" else text
        else:
            text = f"%!{verb}({go_type_name(arg)}={go_sprint(arg)})"
        if width and width != "*":
            text = text.ljust(int(width)) if "-" in flags else text.rjust(int(width))
        out.append(text)
    out.append(fmt[pos:])
    if arg_index < len(args):
        extra = ", ".join(f"{go_type_name(a)}={go_sprint(a)}" for a in args[arg_index:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


def _go_print(*args: Any) -> str:
    out = ""
    for i, arg in enumerate(args):
        if i and not isinstance(arg, str) and not isinstance(args[i - 1], str):
            out += " "
        out += go_sprint(arg)
    return out


def _compare(op: str) -> Callable[..., bool]:
    def check(a: Any, b: Any) -> None:
        numeric = (int, float)
        a_num = isinstance(a, numeric) and not isinstance(a, bool)
        b_num = isinstance(b, numeric) and not isinstance(b, bool)
        if a_num and b_num and isinstance(a, int) == isinstance(b, int):
            return
        if type(a) is type(b) and isinstance(a, str | bool):
            return
        if op in {"eq", "ne"} and (a is None or b is None):
            return
        raise FuncError("incompatible types for comparison")

    def compare(a: Any, *rest: Any) -> bool:
        if op == "eq":
            if not rest:
                raise FuncError("missing argument for comparison")
            for b in rest:
                check(a, b)
            return any(a == b for b in rest)
        if len(rest) != 1:
            raise FuncError(f"wrong number of args for {op}: want 2 got {len(rest) + 1}")
        b = rest[0]
        check(a, b)
        if op == "ne":
            return a != b
        if isinstance(a, bool):
            raise FuncError("invalid type for comparison")
        return {"lt": a < b, "le": a <= b, "gt": a > b, "ge": a >= b}[op]

    return compare


def _join(elems: Any, sep: str) -> str:
    if elems is None or elems is MISSING:
        return ""
    if isinstance(elems, list | tuple):
        return sep.join(go_sprint(item) for item in elems)
    if isinstance(elems, dict):
        return sep.join(sorted(go_sprint(v) for v in elems.values()))
    raise FuncError(f"expected slice, got {go_type_name(elems)}")


def _pad(source: str, prefix: int, suffix: int) -> str:
    if source == "":
        return source
    if prefix < 0 or suffix < 0:
        raise FuncError("strings: negative Repeat count")
    if prefix + suffix > MAX_TEXT:
        raise FuncError(f"the course renders at most {MAX_TEXT} characters per template")
    return " " * prefix + source + " " * suffix


def _truncate(source: str, length: int) -> str:
    return source if len(source) < length else source[:length]


def _json(value: Any) -> str:
    return go_marshal(None if value is MISSING else value, escape_html=False)


def _title(text: str) -> str:
    return re.sub(r"(^|(?<=[^\w]))(\w)", lambda m: m.group(1) + m.group(2).upper(), text)


def _and(*args: Any) -> Any:
    return next((arg for arg in args if not truthy(arg)), args[-1])


def _or(*args: Any) -> Any:
    return next((arg for arg in args if truthy(arg)), args[-1])


FUNCS: dict[str, Callable[..., Any]] = {
    "and": _and,
    "or": _or,
    "len": _len,
    "index": _index,
    "slice": _slice,
    "print": _go_print,
    "printf": go_sprintf,
    "println": lambda *args: " ".join(go_sprint(a) for a in args) + "\n",
    "not": lambda value: not truthy(value),
    "eq": _compare("eq"),
    "ne": _compare("ne"),
    "lt": _compare("lt"),
    "le": _compare("le"),
    "gt": _compare("gt"),
    "ge": _compare("ge"),
    "json": _json,
    "split": lambda s, sep: s.split(sep) if sep else list(s),
    "join": _join,
    "title": _title,
    "lower": str.lower,
    "upper": str.upper,
    "pad": _pad,
    "truncate": _truncate,
}
"""Go's built-ins plus Docker's ``templates.basicFunctions``."""

HEADER_FUNCS: dict[str, Callable[..., Any]] = {
    **FUNCS,
    **{
        name: (lambda v, *_: v)
        for name in ("json", "split", "join", "title", "lower", "upper", "truncate")
    },
}
"""Docker's ``HeaderFunctions``: a table header keeps the column names intact."""

ARITY: dict[str, tuple[int, int | None]] = {
    "and": (1, None),
    "or": (1, None),
    "len": (1, 1),
    "index": (1, None),
    "slice": (1, None),
    "not": (1, 1),
    "json": (1, 1),
    "split": (2, 2),
    "join": (2, 2),
    "title": (1, 1),
    "lower": (1, 1),
    "upper": (1, 1),
    "pad": (3, 3),
    "truncate": (2, 2),
    "printf": (1, None),
    "eq": (1, None),
    "ne": (2, 2),
    "lt": (2, 2),
    "le": (2, 2),
    "gt": (2, 2),
    "ge": (2, 2),
}
STRING_ARGS = {
    "split": (0, 1),
    "join": (1,),
    "title": (0,),
    "lower": (0,),
    "upper": (0,),
    "pad": (0,),
    "truncate": (0,),
    "printf": (0,),
}
INT_ARGS = {"pad": (1, 2), "truncate": (1,)}
