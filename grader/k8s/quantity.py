"""Kubernetes resource quantities (``250m``, ``0.5``, ``64Mi``, ``1G``) read and printed exactly.

A quantity keeps the format it was written in (binary ``Ki``/``Mi``/…, decimal ``k``/``M``/…
or ``m``, or an ``e`` exponent), and a sum keeps the format of its first term, as
apimachinery's ``resource.Quantity`` does; :func:`text` is its ``String()``: the canonical
form ``kubectl describe`` prints (``500m + 500m`` is ``1``, ``64Mi + 64Mi`` is ``128Mi``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_SHAPE = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Quantity:
    """An exact amount and the format it prints in: ``binary``, ``decimal`` or ``exponent``."""

    value: Fraction
    form: str = "decimal"

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.value + other.value, self.form)

    def milli(self) -> int:
        """``MilliValue()``: thousandths, rounded up."""
        return -((-self.value * 1000).__floor__())

    def whole(self) -> int:
        """``Value()``: the amount rounded up to a whole number."""
        return -((-self.value).__floor__())


ZERO = Quantity(Fraction(0))


def parse(written: object) -> Quantity:
    """The quantity a manifest's text (or number) stands for; ``ValueError`` if it is none."""
    match = _SHAPE.match(str(written).strip())
    if not match:
        raise ValueError(f"quantities must match the regular expression {_SHAPE.pattern!r}")
    number, suffix = Fraction(match.group(1)), match.group(2) or ""
    if suffix in _BINARY:
        return Quantity(number * 2 ** _BINARY[suffix], "binary")
    if suffix in _DECIMAL:
        return Quantity(number * Fraction(10) ** _DECIMAL[suffix], "decimal")
    return Quantity(number * Fraction(10) ** int(suffix[1:]), "exponent")


def total(quantities: list[Quantity]) -> Quantity:
    """The sum, in the first term's format (zero when there is none)."""
    if not quantities:
        return ZERO
    result = quantities[0]
    for quantity in quantities[1:]:
        result = result + quantity
    return result


def text(quantity: Quantity) -> str:
    """``Quantity.String()``: the canonical text of the amount in its format."""
    value = quantity.value
    if value == 0:
        return "0"
    if quantity.form == "binary" and abs(value) >= 1024 and value.denominator == 1:
        amount, power = int(value), 0
        while amount % 1024 == 0 and power < 60:
            amount, power = amount // 1024, power + 10
        suffix = {v: k for k, v in _BINARY.items()}.get(power, "")
        return f"{amount}{suffix}"
    return _decimal(value, quantity.form == "exponent")


def _decimal(value: Fraction, exponent_form: bool) -> str:
    """A mantissa with no trailing zeros, then an exponent lowered to a multiple of three."""
    exponent = -9
    mantissa = -((-value * 10**9).__floor__())  # below a nano, a quantity rounds up
    while mantissa and mantissa % 10 == 0:
        mantissa, exponent = mantissa // 10, exponent + 1
    while exponent % 3:
        mantissa, exponent = mantissa * 10, exponent - 1
    if exponent_form:
        return f"{mantissa}e{exponent}" if exponent else str(mantissa)
    suffix = {v: k for k, v in _DECIMAL.items()}.get(exponent)
    return f"{mantissa}{suffix}" if suffix is not None else f"{mantissa}e{exponent}"
