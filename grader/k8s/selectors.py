"""Label selectors as kubectl's ``-l`` / ``--selector`` takes them.

``app=web``, ``app==web``, ``app!=web``, ``app in (web,api)``, ``app notin (web)``, ``app``
(the label exists) and ``!app`` (it does not), joined by commas. :func:`parse` turns the
text into a :class:`Selector` or raises :class:`SelectorError` with the words of the
apimachinery parser kubectl uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_REQUIREMENT = re.compile(
    r"""^\s*(?:
        (?P<not>!)\s*(?P<absent>[^\s=!(),]+)
      | (?P<key>[^\s=!(),]+)\s*(?:
            (?P<op>==|=|!=)\s*(?P<value>[^\s=!(),]*)
          | \s(?P<set>in|notin)\s*\((?P<values>[^()]*)\)
        )?
    )\s*$""",
    re.X,
)


class SelectorError(ValueError):
    """The selector text does not parse; the message is kubectl's."""


@dataclass(frozen=True)
class Requirement:
    """One comma-separated part: ``key``, the operator and its values."""

    key: str
    op: str
    """"=", "!=", "in", "notin", "exists" or "!"."""
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        """True when ``labels`` satisfy this requirement."""
        present = self.key in labels
        if self.op == "exists":
            return present
        if self.op == "!":
            return not present
        if self.op in {"=", "in"}:
            return present and labels[self.key] in self.values
        return not present or labels[self.key] not in self.values


@dataclass(frozen=True)
class Selector:
    """All requirements of one selector (they must all hold)."""

    requirements: tuple[Requirement, ...] = ()

    def matches(self, labels: dict[str, str] | None) -> bool:
        """True when every requirement holds for ``labels``."""
        return all(r.matches(labels or {}) for r in self.requirements)

    def equalities(self) -> dict[str, str]:
        """The ``key=value`` parts (what a generated object's labels take from ``-l``)."""
        return {r.key: r.values[0] for r in self.requirements if r.op == "="}


def _split(text: str) -> list[str]:
    """Split on the commas that are not inside ``( )``."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def parse(text: str) -> Selector:
    """The :class:`Selector` that ``text`` spells (empty text selects everything)."""
    if not text.strip():
        return Selector()
    requirements = []
    for part in _split(text):
        found = _REQUIREMENT.match(part)
        if found is None:
            raise SelectorError(
                f"unable to parse requirement: found '{part.strip()}', expected: "
                "in, notin, =, ==, !=, gt, lt"
            )
        if found["absent"]:
            requirements.append(Requirement(found["absent"], "!"))
        elif found["op"]:
            op = "!=" if found["op"] == "!=" else "="
            requirements.append(Requirement(found["key"], op, (found["value"],)))
        elif found["set"]:
            values = tuple(v.strip() for v in found["values"].split(",") if v.strip())
            requirements.append(Requirement(found["key"], found["set"], values))
        else:
            requirements.append(Requirement(found["key"], "exists"))
    return Selector(tuple(requirements))
