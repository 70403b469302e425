"""kubectl 1.32's command-line grammar: argv -> :class:`Invocation` or kubectl's own error.

Like kubectl (cobra + pflag) each command declares its flags in one table; one parser
resolves the command path, then reads flags anywhere among the arguments (``--x=v``,
``--x v``, ``-xv``, ``-x=v``, combined booleans ``-it``, ``--`` ends the flags), and refuses
with kubectl's words: ``Error: unknown flag: --bogus``, ``Error: flag needs an argument:
'l' in -l``, ``Error: invalid argument "abc" for "--replicas" flag: strconv.ParseInt: ...``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Flag:
    """One flag: long name, shorthand, value type and default."""

    name: str
    short: str = ""
    type: str = "string"
    """"bool", "string", "int" or "strings" (repeatable: a list in order)."""
    default: Any = None
    no_value: str | None = None
    """What a string flag means when given without ``=value`` (pflag's NoOptDefVal)."""
    deprecated: str = ""
    """cobra's deprecation notice, printed on stderr when the flag is used."""


@dataclass(frozen=True)
class Spec:
    """One kubectl command: its flags, and whether it runs or only groups subcommands."""

    flags: tuple[Flag, ...] = ()
    subcommands: tuple[str, ...] = ()
    runnable: bool = True
    aliases: tuple[str, ...] = ()


@dataclass
class Invocation:
    """A kubectl command line kubectl itself would accept (before talking to a server)."""

    path: str
    """The command path without "kubectl": "get", "create deployment", "rollout status"."""
    options: dict[str, Any] = field(default_factory=dict)
    """Every flag of the command, given or default, keyed by long name."""
    args: list[str] = field(default_factory=list)
    """Positional arguments before ``--``."""
    command: list[str] = field(default_factory=list)
    """Arguments after ``--`` (exec's command)."""
    given: set[str] = field(default_factory=set)
    """Long names of the flags the user typed."""
    warnings: list[str] = field(default_factory=list)
    """What kubectl prints on stderr before running (a deprecated flag's notice)."""


class KubectlError(Exception):
    """kubectl refuses the line; ``text`` is what it prints on stderr, ``code`` its exit code."""

    def __init__(self, text: str, code: int = 1):
        super().__init__(text)
        self.text = text if text.endswith("\n") else text + "\n"
        self.code = code


def _f(
    name: str,
    short: str = "",
    type: str = "string",
    default: Any = None,
    no_value: str | None = None,
) -> Flag:
    if default is None:
        default = {"bool": False, "int": 0, "strings": []}.get(type, "")
    return Flag(name, short, type, default, no_value)


GLOBAL = (
    _f("namespace", "n"),
    _f("kubeconfig"),
    _f("context"),
    _f("cluster"),
    _f("user"),
    _f("server", "s"),
    _f("request-timeout", default="0"),
    _f("v", "v", "int"),
    _f("help", "h", "bool"),
)
OUTPUT = _f("output", "o")
RECORD = Flag("record", "", "bool", False, None, "--record will be removed in the future")
"""Deprecated: writes the command line into the ``kubernetes.io/change-cause`` annotation."""
SELECTOR = _f("selector", "l")
FILENAME = _f("filename", "f", "strings")
DRY_RUN = _f("dry-run", default="none", no_value="unchanged")
RECURSIVE = _f("recursive", "R", "bool")
ALL_NS = _f("all-namespaces", "A", "bool")
KUSTOMIZE = _f("kustomize", "k")
FILE_SOURCES = (FILENAME, KUSTOMIZE, RECURSIVE)
"""Objects read from manifest files (``-f``, ``-R``) or a kustomization (``-k``)."""
OBJECTS = (*FILE_SOURCES, SELECTOR)
"""The ways a command picks existing objects: manifests, or a label selector."""
PRINT_FLAGS = (
    _f("show-managed-fields", type="bool"),
    _f("template"),
    _f("allow-missing-template-keys", type="bool", default=True),
)
"""What kubectl's printer flags add to a command that prints objects (with ``-o``)."""
CREATE_COMMON = (
    DRY_RUN,
    OUTPUT,
    _f("validate", default="strict", no_value="strict"),
    _f("save-config", type="bool"),
    _f("field-manager", default="kubectl-create"),
    _f("show-managed-fields", type="bool"),
    _f("template"),
    _f("allow-missing-template-keys", type="bool", default=True),
)
ROLLOUT_PATCH = (*OBJECTS, OUTPUT, _f("field-manager", default="kubectl-rollout"), *PRINT_FLAGS)
"""The flags of ``rollout pause`` and ``rollout resume``."""
SET_COMMON = (
    *OBJECTS,
    OUTPUT,
    DRY_RUN,
    _f("all", type="bool"),
    _f("local", type="bool"),
    _f("containers", "c", default="*"),
    _f("field-manager", default="kubectl-set"),
    *PRINT_FLAGS,
)
"""The flags ``set env`` and ``set resources`` share."""
METADATA_EDIT = (
    *OBJECTS,
    ALL_NS,
    OUTPUT,
    DRY_RUN,
    _f("all", type="bool"),
    _f("overwrite", type="bool"),
    _f("list", type="bool"),
    _f("local", type="bool"),
    _f("field-selector"),
    _f("resource-version"),
    *PRINT_FLAGS,
    RECORD,
)
"""The flags ``label`` and ``annotate`` share."""

SPECS: dict[str, Spec] = {
    "": Spec(
        subcommands=(
            "get",
            "describe",
            "apply",
            "create",
            "delete",
            "scale",
            "logs",
            "exec",
            "rollout",
            "run",
            "expose",
            "cordon",
            "uncordon",
            "drain",
            "version",
            "label",
            "annotate",
            "set",
            "port-forward",
            "explain",
            "api-resources",
            "cluster-info",
            "top",
            "edit",
        ),
        runnable=False,
    ),
    "get": Spec(
        (
            OUTPUT,
            SELECTOR,
            ALL_NS,
            FILENAME,
            RECURSIVE,
            KUSTOMIZE,
            _f("watch", "w", "bool"),
            _f("watch-only", type="bool"),
            _f("show-labels", type="bool"),
            _f("show-kind", type="bool"),
            _f("no-headers", type="bool"),
            _f("field-selector"),
            _f("sort-by"),
            _f("label-columns", "L", "strings"),
            _f("ignore-not-found", type="bool"),
            _f("chunk-size", type="int", default=500),
            _f("output-watch-events", type="bool"),
            _f("raw"),
            _f("subresource"),
            _f("template"),
            _f("server-print", type="bool", default=True),
            _f("show-managed-fields", type="bool"),
            _f("allow-missing-template-keys", type="bool", default=True),
        )
    ),
    "describe": Spec(
        (
            SELECTOR,
            ALL_NS,
            FILENAME,
            RECURSIVE,
            KUSTOMIZE,
            _f("show-events", type="bool", default=True),
            _f("chunk-size", type="int", default=500),
        )
    ),
    "apply": Spec(
        (
            *OBJECTS,
            *CREATE_COMMON[:3],
            _f("force", type="bool"),
            _f("grace-period", type="int", default=-1),
            _f("prune", type="bool"),
            _f("all", type="bool"),
            _f("server-side", type="bool"),
            _f("overwrite", type="bool", default=True),
            _f("wait", type="bool"),
            _f("timeout", default="0s"),
            _f("cascade", default="background", no_value="background"),
            _f("field-manager", default="kubectl-client-side-apply"),
            _f("force-conflicts", type="bool"),
            RECORD,
            *PRINT_FLAGS,
        )
    ),
    "create": Spec(
        (
            *OBJECTS,
            *CREATE_COMMON,
            _f("edit", type="bool"),
            _f("raw"),
            _f("windows-line-endings", type="bool"),
            RECORD,
        ),
        subcommands=("deployment", "configmap", "secret", "service", "ingress", "namespace"),
    ),
    "create deployment": Spec(
        (
            _f("image", type="strings"),
            _f("replicas", "r", "int", 1),
            _f("port", type="int", default=-1),
            *CREATE_COMMON,
        ),
        aliases=("deploy",),
    ),
    "create configmap": Spec(
        (
            _f("from-literal", type="strings"),
            _f("from-file", type="strings"),
            _f("from-env-file", type="strings"),
            _f("append-hash", type="bool"),
            *CREATE_COMMON,
        ),
        aliases=("cm",),
    ),
    "create secret": Spec(subcommands=("generic",), runnable=False),
    "create secret generic": Spec(
        (
            _f("from-literal", type="strings"),
            _f("from-file", type="strings"),
            _f("from-env-file", type="strings"),
            _f("type"),
            _f("append-hash", type="bool"),
            *CREATE_COMMON,
        )
    ),
    "create service": Spec(
        subcommands=("clusterip", "nodeport", "loadbalancer"), runnable=False, aliases=("svc",)
    ),
    "create service clusterip": Spec((_f("tcp", type="strings"), _f("clusterip"), *CREATE_COMMON)),
    "create service nodeport": Spec(
        (_f("tcp", type="strings"), _f("node-port", type="int"), *CREATE_COMMON)
    ),
    "create service loadbalancer": Spec((_f("tcp", type="strings"), *CREATE_COMMON)),
    "create ingress": Spec(
        (
            _f("rule", type="strings"),
            _f("class"),
            _f("default-backend"),
            _f("annotation", type="strings"),
            *CREATE_COMMON,
        ),
        aliases=("ing",),
    ),
    "create namespace": Spec(CREATE_COMMON, aliases=("ns",)),
    "delete": Spec(
        (
            *OBJECTS,
            ALL_NS,
            OUTPUT,
            DRY_RUN,
            _f("all", type="bool"),
            _f("force", type="bool"),
            _f("grace-period", type="int", default=-1),
            _f("now", type="bool"),
            _f("wait", type="bool", default=True),
            _f("ignore-not-found", type="bool"),
            _f("cascade", default="background", no_value="background"),
            _f("timeout", default="0s"),
            _f("field-selector"),
            _f("raw"),
            _f("interactive", "i", "bool"),
        )
    ),
    "scale": Spec(
        (
            *OBJECTS,
            OUTPUT,
            DRY_RUN,
            _f("replicas", type="int"),
            _f("current-replicas", type="int", default=-1),
            RECORD,
            _f("resource-version"),
            _f("all", type="bool"),
            _f("timeout", default="0s"),
            _f("template"),
            _f("show-managed-fields", type="bool"),
            _f("allow-missing-template-keys", type="bool", default=True),
        )
    ),
    "logs": Spec(
        (
            SELECTOR,
            _f("follow", "f", "bool"),
            _f("previous", "p", "bool"),
            _f("container", "c"),
            _f("tail", type="int", default=-1),
            _f("since", default="0s"),
            _f("since-time"),
            _f("timestamps", type="bool"),
            _f("all-containers", type="bool"),
            _f("prefix", type="bool"),
            _f("max-log-requests", type="int", default=5),
            _f("limit-bytes", type="int"),
            _f("ignore-errors", type="bool"),
            _f("pod-running-timeout", default="20s"),
            _f("all-pods", type="bool"),
            _f("insecure-skip-tls-verify-backend", type="bool"),
        )
    ),
    "exec": Spec(
        (
            FILENAME,
            _f("stdin", "i", "bool"),
            _f("tty", "t", "bool"),
            _f("container", "c"),
            _f("quiet", "q", "bool"),
            _f("pod-running-timeout", default="1m0s"),
        )
    ),
    "rollout": Spec(
        subcommands=("history", "pause", "restart", "resume", "status", "undo"), runnable=False
    ),
    "rollout pause": Spec(ROLLOUT_PATCH),
    "rollout resume": Spec(ROLLOUT_PATCH),
    "rollout history": Spec(
        (
            *OBJECTS,
            OUTPUT,
            _f("revision", type="int"),
            *PRINT_FLAGS,
        )
    ),
    "rollout undo": Spec(
        (
            *OBJECTS,
            OUTPUT,
            DRY_RUN,
            _f("to-revision", type="int"),
            *PRINT_FLAGS,
        )
    ),
    "rollout restart": Spec(
        (
            *OBJECTS,
            OUTPUT,
            _f("field-manager", default="kubectl-rollout"),
            *PRINT_FLAGS,
        )
    ),
    "rollout status": Spec(
        (
            *OBJECTS,
            _f("watch", "w", "bool", True),
            _f("revision", type="int"),
            _f("timeout", default="0s"),
        )
    ),
    "run": Spec(
        (
            _f("image"),
            _f("port"),
            _f("env", type="strings"),
            _f("labels", "l"),
            _f("restart", default="Always"),
            _f("command", type="bool"),
            _f("rm", type="bool"),
            _f("stdin", "i", "bool"),
            _f("tty", "t", "bool"),
            _f("attach", type="bool"),
            _f("expose", type="bool"),
            _f("overrides"),
            _f("annotations", type="strings"),
            _f("image-pull-policy"),
            _f("quiet", "q", "bool"),
            RECORD,
            *CREATE_COMMON,
        )
    ),
    "expose": Spec(
        (
            *FILE_SOURCES,
            _f("port"),
            _f("target-port"),
            _f("type"),
            _f("name"),
            _f("selector"),
            _f("protocol"),
            _f("labels", "l"),
            _f("external-ip"),
            _f("cluster-ip"),
            RECORD,
            *CREATE_COMMON,
        )
    ),
    "cordon": Spec((SELECTOR, DRY_RUN)),
    "uncordon": Spec((SELECTOR, DRY_RUN)),
    "drain": Spec(
        (
            SELECTOR,
            DRY_RUN,
            _f("ignore-daemonsets", type="bool"),
            _f("force", type="bool"),
            _f("delete-emptydir-data", type="bool"),
            _f("grace-period", type="int", default=-1),
            _f("timeout", default="0s"),
            _f("pod-selector"),
            _f("disable-eviction", type="bool"),
            _f("skip-wait-for-delete-timeout", type="int"),
            _f("chunk-size", type="int", default=500),
        )
    ),
    "version": Spec((_f("client", type="bool"), OUTPUT)),
    "label": Spec(METADATA_EDIT + (_f("field-manager", default="kubectl-label"),)),
    "annotate": Spec(METADATA_EDIT + (_f("field-manager", default="kubectl-annotate"),)),
    "set": Spec(subcommands=("env", "image", "resources"), runnable=False),
    "set env": Spec(
        (
            *SET_COMMON,
            _f("env", "e", "strings"),
            _f("from"),
            _f("keys", type="strings"),
            _f("list", type="bool"),
            _f("overwrite", type="bool", default=True),
            _f("prefix"),
            _f("resolve", type="bool"),
        )
    ),
    "set resources": Spec((*SET_COMMON, _f("limits"), _f("requests"), RECORD)),
    "set image": Spec(
        (
            *OBJECTS,
            OUTPUT,
            DRY_RUN,
            _f("all", type="bool"),
            _f("local", type="bool"),
            _f("field-manager", default="kubectl-set"),
            RECORD,
            *PRINT_FLAGS,
        )
    ),
    "port-forward": Spec(
        (
            _f("address", type="strings", default=["localhost"]),
            _f("pod-running-timeout", default="1m0s"),
        )
    ),
    "explain": Spec(
        (
            _f("api-version"),
            _f("output", "o", default="plaintext"),
            _f("recursive", type="bool"),
        )
    ),
    "api-resources": Spec(
        (
            _f("api-group"),
            _f("cached", type="bool"),
            _f("categories", type="strings"),
            _f("namespaced", type="bool", default=True),
            _f("no-headers", type="bool"),
            OUTPUT,
            _f("sort-by"),
            _f("verbs", type="strings"),
        )
    ),
    "cluster-info": Spec(subcommands=("dump",)),
    "cluster-info dump": Spec(
        (
            ALL_NS,
            _f("namespaces", type="strings"),
            _f("output", "o", default="json"),
            _f("output-directory"),
            _f("pod-running-timeout", default="20s"),
            *PRINT_FLAGS,
        )
    ),
    "top": Spec(subcommands=("pod", "node"), runnable=False),
    "top pod": Spec(
        (
            ALL_NS,
            SELECTOR,
            _f("containers", type="bool"),
            _f("field-selector"),
            _f("no-headers", type="bool"),
            _f("sort-by"),
            _f("sum", type="bool"),
            _f("use-protocol-buffers", type="bool", default=True),
        ),
        aliases=("pods", "po"),
    ),
    "top node": Spec(
        (
            SELECTOR,
            _f("no-headers", type="bool"),
            _f("show-capacity", type="bool"),
            _f("sort-by"),
            _f("use-protocol-buffers", type="bool", default=True),
        ),
        aliases=("nodes", "no"),
    ),
    "edit": Spec(
        (
            *FILE_SOURCES,
            OUTPUT,
            _f("output-patch", type="bool"),
            _f("save-config", type="bool"),
            _f("subresource"),
            _f("validate", default="strict", no_value="strict"),
            _f("windows-line-endings", type="bool"),
            _f("field-manager", default="kubectl-edit"),
            RECORD,
            *PRINT_FLAGS,
        )
    ),
}

ALL_COMMANDS = (
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "cluster-info",
    "completion",
    "config",
    "cordon",
    "cp",
    "create",
    "debug",
    "delete",
    "describe",
    "diff",
    "drain",
    "edit",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "kustomize",
    "label",
    "logs",
    "options",
    "patch",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "taint",
    "top",
    "uncordon",
    "version",
    "wait",
)
"""Every top-level kubectl 1.32 command (for "Did you mean this?")."""


def _levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _unknown_command(word: str) -> KubectlError:
    if word in ALL_COMMANDS:  # kubectl has it, the simulator does not: "did you mean patch?"
        return KubectlError(
            f'error: "kubectl {word}" is a kubectl 1.32 command that the course\'s simulated '
            "cluster does not run\n"
        )
    near = [c for c in ALL_COMMANDS if _levenshtein(word, c) <= 2 or c.startswith(word)]
    text = f'Error: unknown command "{word}" for "kubectl"'
    if near:
        text += "\n\nDid you mean this?\n" + "".join(f"\t{c}\n" for c in near) + "\n"
    return KubectlError(text)


def klog_error(message: str) -> KubectlError:
    """Kubectl's ``run.go`` fatal line (a klog error line, as for a missing required flag)."""
    now = datetime.now(UTC)
    return KubectlError(
        f'E{now:%m%d %H:%M:%S.%f}    4242 run.go:72] "command failed" err="{message}"'
    )


def _flag_label(flag: Flag) -> str:
    return f"-{flag.short}, --{flag.name}" if flag.short else f"--{flag.name}"


def _convert(flag: Flag, value: str, path: str) -> Any:
    if flag.type == "bool":
        lowered = value
        if lowered in {"1", "t", "T", "TRUE", "true", "True"}:
            return True
        if lowered in {"0", "f", "F", "FALSE", "false", "False"}:
            return False
        raise _usage(
            f'invalid argument "{value}" for "{_flag_label(flag)}" flag: strconv.ParseBool: '
            f'parsing "{value}": invalid syntax',
            path,
        )
    if flag.type == "int":
        from grader.commands.values import ValueProblem, go_parse_int

        try:
            return go_parse_int(value)  # pflag: strconv.ParseInt(s, 0, 64)
        except ValueProblem as problem:
            raise _usage(
                f'invalid argument "{value}" for "{_flag_label(flag)}" flag: {problem}', path
            ) from None
    return value


def _usage(message: str, path: str) -> KubectlError:
    where = f"kubectl {path}".strip()
    return KubectlError(f"Error: {message}\nSee '{where} --help' for usage.")


def _resolve(argv: list[str]) -> tuple[str, list[str]]:
    """Find the command path (cobra's ``Find``): leading words that name subcommands."""
    path = ""
    rest = list(argv)
    index = 0
    while index < len(rest):
        word = rest[index]
        if word == "--":
            break
        if word.startswith("-") and word != "-":
            flags = {f.name: f for f in SPECS.get(path, Spec()).flags + GLOBAL}
            shorts = {f.short: f for f in SPECS.get(path, Spec()).flags + GLOBAL if f.short}
            takes_value = False
            if word.startswith("--") and "=" not in word:
                flag = flags.get(word[2:])
                takes_value = flag is not None and flag.type != "bool" and flag.no_value is None
            elif not word.startswith("--") and len(word) == 2:
                flag = shorts.get(word[1])
                takes_value = flag is not None and flag.type != "bool" and flag.no_value is None
            index += 2 if takes_value else 1
            continue
        spec = SPECS.get(path, Spec())
        child = next(
            (
                s
                for s in spec.subcommands
                if word == s or word in SPECS[f"{path} {s}".strip()].aliases
            ),
            None,
        )
        if child is None:
            break
        path = f"{path} {child}".strip()
        del rest[index]
    return path, rest


def parse(argv: list[str]) -> Invocation:
    """Parse ``kubectl`` arguments (without "kubectl") or raise :class:`KubectlError`."""
    if argv and argv[0].startswith("--") and argv[0] not in {"--help"} and "=" not in argv[0]:
        known = {f.name for f in GLOBAL}
        if argv[0][2:] not in known:
            raise KubectlError(f"Error: flags cannot be placed before plugin name: {argv[0]}")
    path, rest = _resolve(argv)
    if path == "" and rest and not rest[0].startswith("-"):
        raise _unknown_command(rest[0])
    spec = SPECS[path]
    flags = {f.name: f for f in (*spec.flags, *GLOBAL)}
    shorts = {f.short: f for f in (*spec.flags, *GLOBAL) if f.short}
    inv = Invocation(
        path=path,
        options={
            f.name: (list(f.default) if f.type == "strings" else f.default) for f in flags.values()
        },
    )

    def store(flag: Flag, value: str) -> None:
        converted = _convert(flag, value, path)
        if flag.deprecated and flag.name not in inv.given:
            inv.warnings.append(f"Flag --{flag.name} has been deprecated, {flag.deprecated}\n")
        inv.given.add(flag.name)
        if flag.type == "strings":
            inv.options[flag.name].append(converted)
        else:
            inv.options[flag.name] = converted

    index = 0

    def take_value(flag: Flag, typed: str) -> None:
        """A flag typed without ``=value``: its no-value meaning, or the next word."""
        nonlocal index
        if flag.no_value is not None:
            store(flag, flag.no_value)
        elif index < len(rest):
            store(flag, rest[index])
            index += 1
        else:
            raise _usage(f"flag needs an argument: {typed}", path)

    while index < len(rest):
        word = rest[index]
        index += 1
        if word == "--":
            inv.command = rest[index:]
            break
        if word.startswith("--"):
            name, eq, value = word[2:].partition("=")
            flag = flags.get(name)
            if flag is None:
                raise _usage(f"unknown flag: --{name}", path)
            if eq:
                store(flag, value)
            elif flag.type == "bool":
                store(flag, "true")
            else:
                take_value(flag, f"--{name}")
        elif word.startswith("-") and word != "-":
            letters = word[1:]
            while letters:
                letter, letters = letters[0], letters[1:]
                flag = shorts.get(letter)
                if flag is None:
                    raise _usage(f"unknown shorthand flag: '{letter}' in -{letter}{letters}", path)
                if flag.type == "bool":
                    if letters.startswith("="):
                        store(flag, letters[1:])
                        letters = ""
                    else:
                        store(flag, "true")
                    continue
                if letters:
                    store(flag, letters[1:] if letters.startswith("=") else letters)
                else:
                    take_value(flag, f"'{letter}' in -{letter}")
                letters = ""
        else:
            inv.args.append(word)
    if not spec.runnable:
        if inv.args:
            raise KubectlError(
                f"error: unknown command \"{inv.args[0]}\"\nSee 'kubectl {path} -h' for "
                f"help and examples"
            )
        raise KubectlError(_group_help(path))
    return inv


def _group_help(path: str) -> str:
    lines = {
        "": "kubectl controls the Kubernetes cluster manager.",
        "rollout": "Manage the rollout of one or many resources.",
        "create secret": "Create a secret with specified type.",
        "create service": "Create a service using a specified subcommand.",
        "set": "Configure application resources.",
        "top": "Display resource (CPU/memory) usage.",
    }
    subs = "".join(f"  {s}\n" for s in SPECS[path].subcommands)
    usage = f"Usage:\n  kubectl {path} SUBCOMMAND [options]"
    return f"{lines[path]}\n\nAvailable Commands:\n{subs}\n{usage}"
