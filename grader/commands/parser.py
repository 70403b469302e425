"""One parser for every docker command: cobra's command lookup and pflag's flag rules.

The command table (:mod:`grader.commands.table`) declares each command's flags, argument
count and aliases; this module walks a command line the way Docker 28's CLI does:

- global flags before the command (``docker -H unix:///x ps``, ``docker --version``);
- the command words, through aliases (``ps`` = ``container ls``, ``rmi`` = ``image rm``);
- pflag semantics for the rest: ``--name=value``, ``--name value``, bool ``--detach=false``,
  combined shorthands ``-itd`` and ``-dp 8080:80``, ``-p8080:80``, ``-p=8080:80``, ``--``;
  for run/create/exec/commit/top/tag flags stop at the first argument (everything after the
  image belongs to the container's command);
- the argument-count rule (``'docker run' requires at least 1 argument``);
- then :mod:`grader.commands.validate` for what Docker checks before contacting the daemon.

Errors carry Docker's text and exit code: 125 for flag errors, 1 for argument-count errors and
unknown commands.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, NamedTuple

from grader.commands.model import Command, DockerCLIError
from grader.commands.table import COMMANDS, GLOBAL_FLAGS, GROUPS
from grader.commands.validate import validate
from grader.commands.values import ValueProblem, convert, go_quote

REPEATABLE_TYPES = frozenset(
    {"list", "filter", "strings", "map", "ulimit", "mount", "network", "gpu-request", "port",
     "pref", "config", "secret", "external-ca", "stringToString", "ipNetSlice"}
)  # fmt: skip
"""Flag types whose values accumulate into a list (``-p``, ``-e``, ``--filter``, ``--network``)."""

NUMBER_TYPES = frozenset({"int", "int64", "uint", "uint64", "uint16", "uint32", "float"})
"""Flag types stored as numbers; every other non-bool type keeps the string the user typed."""

# Hidden flags Docker still accepts, and flags sharing another flag's storage.
_HIDDEN: dict[str, tuple[tuple[str, str, str], ...]] = {
    "container run": (("dns-opt", "", "list"), ("net", "", "network"), ("net-alias", "", "list")),
    "container create": (
        ("dns-opt", "", "list"),
        ("net", "", "network"),
        ("net-alias", "", "list"),
    ),
}
_HIDDEN["container stop"] = _HIDDEN["container restart"] = (("time", "", "int"),)
_HIDDEN["volume create"] = (("name", "", "string"),)
_STORED_AS = {
    "dns-opt": "dns-option",
    "net": "network",
    "net-alias": "network-alias",
    "time": "timeout",
}

DOCKER_VERSION = "Docker version 28.2.2, build e6534b4"
"""What ``docker --version`` prints for the client this grammar follows."""

PASSWORD_WARNING = "WARNING! Using --password via the CLI is insecure. Use --password-stdin."
"""What ``docker login -p`` prints on stderr before it contacts the registry."""

HELP_SHORTHAND_WARNING = "Flag shorthand -h has been deprecated, use --help"
"""What ``docker -h`` prints on stderr (the help itself goes to stdout)."""

LEGACY_BUILDER_WARNING = (
    "DEPRECATED: The legacy builder is deprecated and will be removed in a future release.\n"
    "            Install the buildx component to build images with BuildKit:\n"
    "            https://docs.docker.com/go/buildx/\n"
)
"""What Docker 28 without buildx prints on stderr first whenever the command words start with
``build``, ``builder`` or ``image build`` (even for ``--help`` and errors), then a blank line."""

BUILDKIT_DISABLED_WARNING = (
    "DEPRECATED: The legacy builder is deprecated and will be removed in a future release.\n"
    "            BuildKit is currently disabled; enable it by removing the DOCKER_BUILDKIT=0\n"
    "            environment-variable.\n"
)
"""What Docker 28 prints instead when ``DOCKER_BUILDKIT=0`` chose the legacy builder
(docker/cli ``cmd/docker/builder.go``, recorded from the 28.2.2 client)."""

BUILDX_FLAGS: tuple[tuple[str, str, str], ...] = (
    ("allow", "", "list"),
    ("annotation", "", "list"),
    ("attest", "", "list"),
    ("build-context", "", "list"),
    ("builder", "", "string"),
    ("cache-to", "", "list"),
    ("call", "", "string"),
    ("check", "", "bool"),
    ("load", "", "bool"),
    ("metadata-file", "", "string"),
    ("no-cache-filter", "", "list"),
    ("output", "o", "list"),
    ("progress", "", "string"),
    ("provenance", "", "string"),
    ("push", "", "bool"),
    ("sbom", "", "string"),
    ("secret", "", "list"),
    ("ssh", "", "list"),
)
"""Flags ``docker build`` gains when buildx builds (docker/buildx ``commands/build.go``)."""

_FALSE_WORDS = frozenset({"0", "f", "F", "false", "FALSE", "False"})


def buildkit_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether Docker 28 builds with BuildKit: yes unless ``DOCKER_BUILDKIT`` is false."""
    value = (os.environ if environ is None else environ).get("DOCKER_BUILDKIT", "")
    return value not in _FALSE_WORDS


def builder_banner(environ: Mapping[str, str] | None = None) -> str:
    """What the client prints first for ``build``/``builder`` commands.

    Nothing when BuildKit builds; the legacy-builder deprecation when ``DOCKER_BUILDKIT=0``.
    """
    return "" if buildkit_enabled(environ) else BUILDKIT_DISABLED_WARNING


class Flag(NamedTuple):
    """One flag of a command, as the table declares it."""

    name: str
    shorthand: str
    type: str

    @property
    def label(self) -> str:
        """How pflag names the flag in errors: ``-p, --publish`` or ``--cpus``.

        Docker's help flag calls itself ``--help`` even where ``-h`` means help.
        """
        if self.shorthand and self.name != "help":
            return f"-{self.shorthand}, --{self.name}"
        return f"--{self.name}"


class CommandSpec(NamedTuple):
    """A command's declaration: usage, argument counts, flags, aliases.

    (Named tuples rather than dataclasses: building them costs nothing at import time.)
    """

    name: str
    usage: str
    """The usage line after the command path: ``[OPTIONS] IMAGE [COMMAND] [ARG...]``."""
    min_args: int
    max_args: int | None
    interspersed: bool
    aliases: tuple[str, ...]
    flags: dict[str, Flag]
    shorthands: dict[str, Flag]


def _flagset(entries: tuple[tuple[str, str, str], ...]) -> tuple[dict[str, Flag], dict[str, Flag]]:
    flags = {name: Flag(name, short, kind) for name, short, kind in entries}
    if "help" not in flags:
        flags["help"] = Flag("help", "" if any(s == "h" for _, s, _ in entries) else "h", "bool")
    shorthands = {f.shorthand: f for f in flags.values() if f.shorthand}
    return flags, shorthands


def _build_specs() -> tuple[dict[str, CommandSpec], dict[tuple[str, ...], tuple[str, str]]]:
    specs: dict[str, CommandSpec] = {}
    words: dict[tuple[str, ...], tuple[str, str]] = {}
    for name, (usage, (low, high), interspersed, aliases, entries) in COMMANDS.items():
        flags, shorthands = _flagset(entries + _HIDDEN.get(name, ()))
        rest = usage[len(name) :].strip()
        specs[name] = CommandSpec(name, rest, low, high, interspersed, aliases, flags, shorthands)
        for alias in aliases:
            parts = alias.split()
            same_parent = len(parts) == len(name.split()) and parts[:-1] == name.split()[:-1]
            words[tuple(parts)] = (name, name if same_parent else alias)
    return specs, words


SPECS, _WORDS = _build_specs()
"""Every command's spec by canonical name, and command words -> (canonical, command path)."""

_BUILDX_FLAGS, _BUILDX_SHORTHANDS = _flagset(COMMANDS["image build"][4] + BUILDX_FLAGS)
_BUILDX_SPEC = SPECS["image build"]._replace(flags=_BUILDX_FLAGS, shorthands=_BUILDX_SHORTHANDS)
"""``docker build`` when buildx builds: the legacy flags (buildx accepts and ignores most)
plus buildx's own."""

_GLOBAL_FLAGS, _GLOBAL_SHORTHANDS = _flagset(GLOBAL_FLAGS)
_GROUP_NAMES = frozenset(GROUPS)
_LOG_LEVELS = frozenset({"panic", "fatal", "error", "warn", "warning", "info", "debug", "trace"})


class _FlagError(Exception):
    """A pflag error text, before cobra adds the usage lines."""


def _usage_error(path: str, usage: str, text: str) -> DockerCLIError:
    """Cobra's FlagErrorFunc wrapper: the error, usage, and where to find help (exit 125)."""
    use_line = f"docker {path} {usage}".rstrip()
    return DockerCLIError(
        f"{text}\n\nUsage:  {use_line}\n\nRun 'docker {path} --help' for more information", 125
    )


def _store(options: dict[str, Any], flag: Flag, raw: str) -> None:
    try:
        value = convert(flag.type, flag.name, raw)
    except ValueProblem as exc:
        raise _FlagError(
            f"invalid argument {go_quote(raw)} for {go_quote(flag.label)} flag: {exc}"
        ) from None
    key = _STORED_AS.get(flag.name, flag.name)
    if flag.type in REPEATABLE_TYPES:
        pieces = [p for p in raw.split(",") if p] if flag.type == "strings" else [raw]
        options.setdefault(key, []).extend(pieces)
    elif flag.type == "bool" or flag.type in NUMBER_TYPES:
        options[key] = value
    else:
        options[key] = raw


def _parse_flags(
    words: list[str], flags: dict[str, Flag], shorthands: dict[str, Flag], interspersed: bool
) -> tuple[dict[str, Any], list[str]]:
    """Parse ``words`` as pflag does; return (options, positional args)."""
    options: dict[str, Any] = {}
    args: list[str] = []
    rest = list(words)
    while rest:
        word = rest.pop(0)
        if len(word) < 2 or word[0] != "-":
            args.append(word)
            if not interspersed:
                args.extend(rest)
                break
            continue
        if word == "--":
            args.extend(rest)
            break
        if word[1] == "-":
            rest = _parse_long(word, rest, flags, options)
        else:
            rest = _parse_shorts(word, rest, shorthands, options)
    return options, args


def _parse_long(
    word: str, rest: list[str], flags: dict[str, Flag], options: dict[str, Any]
) -> list[str]:
    body = word[2:]
    if body[0] in "-=":
        raise _FlagError(f"bad flag syntax: {word}")
    name, has_value, value = body.partition("=")
    flag = flags.get(name)
    if flag is None:
        raise _FlagError(f"unknown flag: --{name}")
    if not has_value:
        if flag.type == "bool":
            value = "true"
        elif rest:
            value = rest.pop(0)
        else:
            raise _FlagError(f"flag needs an argument: {word}")
    _store(options, flag, value)
    return rest


def _parse_shorts(
    word: str, rest: list[str], shorthands: dict[str, Flag], options: dict[str, Any]
) -> list[str]:
    letters = word[1:]
    while letters:
        letter = letters[0]
        flag = shorthands.get(letter)
        if flag is None:
            raise _FlagError(f"unknown shorthand flag: '{letter}' in -{letters}")
        if len(letters) > 2 and letters[1] == "=":
            value, remaining = letters[2:], ""
        elif flag.type == "bool":
            value, remaining = "true", letters[1:]
        elif len(letters) > 1:
            value, remaining = letters[1:], ""
        elif rest:
            value, remaining = rest.pop(0), ""
        else:
            raise _FlagError(f"flag needs an argument: '{letter}' in -{letters}")
        _store(options, flag, value)
        letters = remaining
    return rest


def _arg_count_error(path: str, spec: CommandSpec, count: int) -> DockerCLIError | None:
    """Docker's cli.RequiresMinArgs / ExactArgs / NoArgs ... verdicts (exit 1)."""
    low, high = spec.min_args, spec.max_args
    if low <= count and (high is None or count <= high):
        return None
    use_line = f"docker {path} {spec.usage}".rstrip()

    def plural(n: int) -> str:
        return "argument" if n == 1 else "arguments"

    hint = f"Run 'docker {path} --help' for more information"
    if high == 0:
        text = f"docker: 'docker {path}' accepts no arguments"
    elif high is None:
        text = f"docker: 'docker {path}' requires at least {low} {plural(low)}"
        hint = f"See 'docker {path} --help' for more information"
    elif low == high:
        text = f"docker: 'docker {path}' requires {low} {plural(low)}"
    elif low == 0:
        text = f"docker: 'docker {path}' requires at most {high} {plural(high)}"
        hint = f"S{hint}"  # sic: Docker 28.2's RequiresMaxArgs prints "SRun"
    else:
        text = f"docker: 'docker {path}' requires at least {low} and at most {high} {plural(high)}"
    return DockerCLIError(f"{text}\n\nUsage:  {use_line}\n\n{hint}", 1)


def _root_error(text: str) -> DockerCLIError:
    return DockerCLIError(
        f"{text}\n\nUsage:  docker [OPTIONS] COMMAND [ARG...]\n\n"
        "Run 'docker --help' for more information",
        125,
    )


def _split_globals(argv: list[str]) -> tuple[dict[str, Any], list[str]]:
    try:
        options, rest = _parse_flags(argv, _GLOBAL_FLAGS, _GLOBAL_SHORTHANDS, False)
    except _FlagError as exc:
        raise _root_error(str(exc)) from None
    return options, rest


def _help(topic: str, argv: list[str], global_options: dict[str, Any], alias: str) -> Command:
    return Command("help", {}, [topic] if topic else [], list(argv), global_options, alias)


def parse_argv(argv: list[str]) -> Command:
    """Parse the words after ``docker`` into a :class:`Command`, as Docker 28's client would.

    Special results: ``docker``, ``docker help [CMD]``, ``docker CMD --help``,
    ``docker --help CMD`` and a bare management command (``docker volume``) give
    ``Command(name="help", args=[topic])`` where topic is the canonical command or group
    (none for docker itself); ``docker --version`` (without a command after it) gives
    ``Command(name="version", global_options={"version": True})``.

    Args:
        argv: the words after ``docker`` (a leading ``"docker"`` word is not expected).

    Raises:
        DockerCLIError: Docker's message and exit code when the client refuses the line.
    """
    argv = list(argv)
    global_options, rest = _split_globals(argv)
    level = global_options.get("log-level")
    if level is not None and level.lower() not in _LOG_LEVELS:
        raise DockerCLIError(f"Unable to parse logging level: {level}", 1)
    if global_options.get("help"):
        command = _help(_walk_topic(rest)[0], argv, global_options, "")
        if "-h" in argv[: len(argv) - len(rest)]:
            return replace(command, warnings=(HELP_SHORTHAND_WARNING,))
        return command
    known = bool(rest) and (rest[0] == "help" or (rest[0],) in _WORDS or rest[0] in _GROUP_NAMES)
    if global_options.get("version") and not known:
        return Command("version", {}, [], argv, global_options, "--version")
    if not rest:
        return _help("", argv, global_options, "")
    if rest[0] == "help":
        return _parse_help(rest[1:], argv, global_options)
    if rest[0] == "compose":
        # the Compose v2 plugin parses its own words (grader.dockercli.compose)
        return Command("compose", {}, rest[1:], argv, global_options, "compose")
    if rest[0] in {"build", "builder"} or rest[:2] == ["image", "build"]:
        banner = builder_banner()
        try:
            return _parse_rest(rest, argv, global_options)
        except DockerCLIError as exc:
            message = f"{banner}\n{exc.message}" if banner else exc.message
            raise DockerCLIError(message, exc.exit_code) from None
    return _parse_rest(rest, argv, global_options)


def _parse_rest(rest: list[str], argv: list[str], global_options: dict[str, Any]) -> Command:
    """Parse from the command words on (global flags already taken)."""
    found = _lookup(rest, argv, global_options)
    if isinstance(found, Command):
        return found
    typed, words = found
    canonical, path = _WORDS[typed]
    return _parse_command(canonical, path, typed, words, argv, global_options)


def _parse_command(
    canonical: str,
    path: str,
    typed: tuple[str, ...],
    words: list[str],
    argv: list[str],
    global_options: dict[str, Any],
) -> Command:
    """Parse a known command's words: flags, help, argument count, client-side checks."""
    spec = SPECS[canonical]
    if canonical == "image build" and buildkit_enabled():
        spec = _BUILDX_SPEC
    try:
        options, args = _parse_flags(words, spec.flags, spec.shorthands, spec.interspersed)
    except _FlagError as exc:
        raise _usage_error(path, spec.usage, str(exc)) from None
    alias = " ".join(typed)
    if options.pop("help", False):
        return _help(canonical, argv, global_options, alias)
    error = _arg_count_error(path, spec, len(args))
    if error is not None:
        raise error
    command = Command(canonical, options, args, argv, global_options, alias)
    validate(command)
    if canonical == "login" and options.get("password"):
        return replace(command, warnings=(PASSWORD_WARNING,))
    return command


def _lookup(
    rest: list[str], argv: list[str], global_options: dict[str, Any]
) -> tuple[tuple[str, ...], list[str]] | Command:
    """Find the command words at the start of ``rest``, through management groups.

    Returns (typed command words, remaining words), or the help command for a bare group.
    """
    typed: tuple[str, ...] = ()
    index = -1
    while True:  # ends at a command, a bare group's help, or an error
        index += 1
        word = rest[index]
        candidate = (*typed, word)
        if candidate in _WORDS:
            return candidate, rest[index + 1 :]
        group = " ".join(candidate)
        if group in _GROUP_NAMES:
            typed = candidate
            following = rest[index + 1 : index + 2]
            if not following or following[0] in {"-h", "--help"}:
                return _help(group, argv, global_options, group)
            continue
        if not typed:
            raise DockerCLIError(
                f"docker: unknown command: docker {word}\n\n"
                "Run 'docker --help' for more information",
                1,
            )
        group = " ".join(typed)
        if word.startswith("-"):
            raise _usage_error(group, "", _flag_text_for_group(word))
        raise DockerCLIError(
            f"docker: unknown command: docker {group} {word}\n\nUsage:  docker {group}\n\n"
            f"Run 'docker {group} --help' for more information",
            1,
        )


def _flag_text_for_group(word: str) -> str:
    if word.startswith("--"):
        return f"unknown flag: {word.partition('=')[0]}"
    return f"unknown shorthand flag: '{word[1:2]}' in {word}"


def _walk_topic(words: list[str]) -> tuple[str, int]:
    """Follow command words as far as they name a command or group.

    Returns (canonical command or group, "" for none; how many words were used).
    """
    typed: tuple[str, ...] = ()
    for index, word in enumerate(words):
        candidate = (*typed, word)
        if candidate in _WORDS:
            return _WORDS[candidate][0], index + 1
        if " ".join(candidate) not in _GROUP_NAMES:
            break
        typed = candidate
    return " ".join(typed), len(typed)


_HELP_FLAGS, _HELP_SHORTHANDS = _flagset(())


def _parse_help(words: list[str], argv: list[str], global_options: dict[str, Any]) -> Command:
    """``docker help [COMMAND...]``: help on a command or group, or an unknown topic."""
    try:
        _, topic_words = _parse_flags(words, _HELP_FLAGS, _HELP_SHORTHANDS, True)
    except _FlagError as exc:
        raise _usage_error("help", "[command]", str(exc)) from None
    topic, used = _walk_topic(topic_words)
    if used < len(topic_words):
        raise DockerCLIError(f"unknown help topic: {' '.join(topic_words[used:])}", 1)
    return _help(topic, argv, global_options, "help")
