r"""Read a Dockerfile into instructions the way Docker's classic builder sees them.

dockerfile-parse does the line work (comments, ``\\`` continuations, case); this module adds
what the builder decides from it: which instructions exist, exec form (``["a", "b"]``) versus
shell form, ENV/LABEL key-value pairs, COPY/ADD sources and destination, and Docker's own
error messages ("dockerfile parse error line 2: unknown instruction: FOO").
"""

from __future__ import annotations

import io
import json
import shlex
from dataclasses import dataclass, field

from dockerfile_parse import DockerfileParser

KNOWN = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)
"""Every instruction Docker's Dockerfile grammar accepts."""


class DockerfileError(ValueError):
    """A Dockerfile the daemon refuses before running any step; the text is Docker's."""


@dataclass(frozen=True)
class Instruction:
    """One instruction of a Dockerfile."""

    keyword: str
    """Upper-case instruction name: "FROM", "COPY", "RUN"..."""

    value: str
    """Everything after the keyword, continuations joined as the builder joins them."""

    line: int
    """1-based line where the instruction starts."""

    original: str
    """The instruction as written (keyword in the student's case), as ``Step n/m :`` shows it."""

    flags: dict[str, str] = field(default_factory=dict)
    """``--chown=...``/``--from=...`` style flags in front of the arguments."""

    @property
    def exec_form(self) -> list[str] | None:
        """The JSON array of an exec-form RUN/CMD/ENTRYPOINT, or None for shell form."""
        text = self.value.strip()
        if not text.startswith("["):
            return None
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            return None
        if isinstance(parsed, list) and all(isinstance(item, str) for item in parsed):
            return parsed
        return None

    def command(self) -> list[str]:
        """RUN/CMD/ENTRYPOINT as the argv Docker stores (shell form wrapped in /bin/sh -c)."""
        form = self.exec_form
        return form if form is not None else ["/bin/sh", "-c", self.value]

    def arguments(self) -> list[str]:
        """Whitespace-separated arguments (COPY/ADD/EXPOSE/VOLUME), JSON form accepted."""
        form = self.exec_form
        if form is not None:
            return form
        return self.value.split()

    def pairs(self) -> list[tuple[str, str]]:
        """ENV/LABEL/ARG ``key=value`` pairs in order (legacy ``ENV key value`` too)."""
        words = shlex.split(self.value, posix=True)
        if self.keyword == "ENV" and words and "=" not in words[0]:
            key, _, rest = self.value.strip().partition(" ")
            return [(key, rest.strip())]
        result = []
        for word in words:
            key, sep, val = word.partition("=")
            result.append((key, val if sep else ""))
        return result


def _split_flags(value: str) -> tuple[dict[str, str], str]:
    """Take leading ``--name=value`` flags off COPY/ADD arguments."""
    flags: dict[str, str] = {}
    rest = value.strip()
    while rest.startswith("--"):
        word, _, rest = rest.partition(" ")
        name, _, flag_value = word[2:].partition("=")
        flags[name] = flag_value
        rest = rest.strip()
    return flags, rest


def parse(text: str, name: str = "Dockerfile") -> list[Instruction]:
    """Parse a Dockerfile's text; raise :class:`DockerfileError` with Docker's message.

    Args:
        text: the Dockerfile's content.
        name: the Dockerfile's path as given to ``-f`` (Docker names it in errors).

    Returns:
        The instructions in order (comments and parser directives left out).
    """
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
    instructions: list[Instruction] = []
    for item in parser.structure:
        keyword = item["instruction"].upper()
        if keyword == "COMMENT":
            continue
        line = item["startline"] + 1
        if keyword not in KNOWN:
            raise DockerfileError(
                f"dockerfile parse error line {line}: unknown instruction: {keyword}"
            )
        written = item["content"].split(None, 1)[0] if item["content"].strip() else keyword
        value = item["value"]
        flags: dict[str, str] = {}
        if keyword in {"COPY", "ADD"}:
            flags, value = _split_flags(value)
        original = f"{written} {item['value']}".rstrip()
        instructions.append(Instruction(keyword, value, line, original, flags))
    if not instructions:
        raise DockerfileError(f"the Dockerfile ({name}) cannot be empty")
    if instructions[0].keyword not in {"FROM", "ARG"}:
        raise DockerfileError("no build stage in current context")
    for instruction in instructions:
        if instruction.keyword in {"COPY", "ADD"} and len(instruction.arguments()) < 2:
            raise DockerfileError(
                f"dockerfile parse error line {instruction.line}: "
                f"{instruction.keyword} requires at least two arguments"
            )
    return instructions


def base_images(instructions: list[Instruction]) -> list[str]:
    """The image references of every FROM (without ``AS name``)."""
    return [item.value.split()[0] for item in instructions if item.keyword == "FROM"]
