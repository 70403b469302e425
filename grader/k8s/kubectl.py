"""``python -m grader kubectl ARG...``: kubectl 1.32 on the cluster simulator.

:func:`run` parses the line with :mod:`grader.k8s.grammar` (kubectl's own client-side
refusals, same words and exit code), then carries it out on the shared simulated cluster
and returns what kubectl would print. :func:`main` prints it and records the command in
the course history.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.k8s import (
    deployments,
    discovery,
    explain,
    generators,
    metadata,
    metrics,
    portforward,
    printers,
    probes,
    rollout,
    setters,
    validate,
)
from grader.k8s import edit as editing
from grader.k8s.cluster import Cluster, ClusterError, not_found
from grader.k8s.describe import describe
from grader.k8s.execsim import exec_in_pod, pod_logs
from grader.k8s.grammar import Invocation, KubectlError, klog_error, parse
from grader.k8s.kinds import BY_KIND, Kind
from grader.k8s.names import template_hash
from grader.k8s.result import Result
from grader.k8s.targets import (
    NO_NAME,
    RESOURCE_LIST,
    kind_of,
    namespace,
    objects,
    select,
    selector,
    split_resources,
)

CLIENT_VERSION = "Client Version: v1.32.4\nKustomize Version: v5.5.0\n"
OUTPUTS = ("", "wide", "yaml", "json", "name")
READ_ONLY = {
    "get",
    "describe",
    "logs",
    "version",
    "rollout history",
    "explain",
    "api-resources",
    "cluster-info",
    "cluster-info dump",
    "top pod",
    "top node",
}


@dataclass(frozen=True)
class Terminal:
    """What a terminal offers a command: an editor to run, a foreground to block in."""

    editor: str
    """The editor ``kubectl edit`` runs (``$KUBE_EDITOR``, ``$EDITOR``, ``vi``)."""
    say: Callable[[str], None]
    """Where a long-running command (port-forward) prints as it goes."""


def run(
    argv: list[str],
    stdin: str = "",
    folder: Path | None = None,
    cwd: Path | None = None,
    terminal: Terminal | None = None,
) -> Result:
    """Run one kubectl command (arguments without "kubectl") on the simulator.

    Without a ``terminal`` (a notebook cell), ``edit`` says it needs one and
    ``port-forward`` keeps forwarding in the background of this process.
    """
    if not argv:
        return Result(
            "kubectl controls the Kubernetes cluster manager.\n\n"
            "Usage:\n  kubectl [flags] [options]\n"
        )
    try:
        inv = parse(argv)
    except KubectlError as err:
        return Result(stderr=err.text, code=err.code)
    return _warned(inv, _execute(inv, stdin, folder, cwd, terminal))


def _execute(
    inv: Invocation, stdin: str, folder: Path | None, cwd: Path | None, terminal: Terminal | None
) -> Result:
    try:
        if inv.options["help"]:
            return Result(f"Usage:\n  kubectl {inv.path} [options]\n")
        if inv.path == "version":
            return _version(inv)
        _check_client_side(inv, cwd)
        if inv.path == "edit":
            return editing.edit(inv, folder, cwd, terminal.editor if terminal else None)
        if inv.path == "port-forward":
            say = terminal.say if terminal else None
            return portforward.forward(inv, folder, say or (lambda _: None), terminal is not None)
        out = Result()
        if inv.path in READ_ONLY:
            cluster = Cluster.load(folder)
            cluster.require_quorum()
            _dispatch(inv, cluster, out, stdin, cwd)
        else:
            with Cluster.session(folder) as cluster:
                cluster.require_quorum()
                _dispatch(inv, cluster, out, stdin, cwd)
        return out
    except _DryRun as done:
        return Result(done.stdout)
    except KubectlError as err:
        return Result(stderr=err.text, code=err.code)
    except ClusterError as err:
        return Result(stderr=err.message + "\n", code=err.exit_code)
    except OSError as err:  # the simulator's state folder: read-only, full, removed
        return Result(
            stderr=f"error: cannot write the simulated cluster's state ({err.strerror}: "
            f"{err.filename}); make the folder writable or choose another with "
            "COURSE_SANDBOX_DIR\n",
            code=1,
        )


def main(argv: list[str] | None = None, source: str = "shim") -> int:
    """Entry point of ``python -m grader kubectl`` and the ``kubectl`` shim."""
    from grader import history

    argv = list(sys.argv[1:] if argv is None else argv)
    stdin = sys.stdin.read() if "-" in argv and not sys.stdin.isatty() else ""
    terminal = Terminal(editing.editor_command(), _say)
    try:
        result = run(argv, stdin=stdin, cwd=Path.cwd(), terminal=terminal)
    except Exception as error:  # a fault of the course's own code: one line, no traceback
        from grader.unexpected import unexpected_line

        result = Result("", unexpected_line("kubectl", error), 1)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    history.record(["kubectl", *argv], result.code, "cluster-sim", source)
    return result.code


def _warned(inv: Invocation, result: Result) -> Result:
    """``result`` after the warnings kubectl printed while parsing (deprecated flags)."""
    result.stderr = "".join(inv.warnings) + result.stderr
    return result


def _say(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _version(inv: Invocation) -> Result:
    if inv.options["client"]:
        return Result(CLIENT_VERSION)
    return Result(CLIENT_VERSION + "Server Version: v1.32.4\n")


def _check_client_side(inv: Invocation, cwd: Path | None) -> None:
    """What kubectl refuses before it contacts the server."""
    path, opts, args = inv.path, inv.options, inv.args
    dry = opts.get("dry-run")
    if dry is not None and dry not in {"none", "server", "client", "unchanged"}:
        raise KubectlError(
            f'error: Invalid dry-run value ({dry}). Must be "none", "server", or "client".'
        )
    if path == "get" and not args and not opts["filename"]:
        raise KubectlError(
            'You must specify the type of resource to get. Use "kubectl api-resources" for '
            "a complete list of "
            'supported resources.\n\nerror: Required resource not specified.\nUse "kubectl '
            'explain <resource>" '
            "for a detailed description of that resource (e.g. kubectl explain pods).\n"
            "See 'kubectl get -h' for help and examples"
        )
    if path == "describe" and not args and not opts["filename"]:
        raise KubectlError(
            'error: You must specify the type of resource to describe. Use "kubectl api-resources" '
            "for a complete list of supported resources."
        )
    if path in {"apply", "create"}:
        if not opts["filename"] and not opts["kustomize"]:
            if path == "create" and args:
                raise KubectlError(
                    f"error: Unexpected args: [{' '.join(args)}]\nSee 'kubectl create -h' "
                    f"for help and examples"
                )
            raise KubectlError("error: must specify one of -f and -k")
    if opts.get("filename") and path in {"apply", "create", "delete"}:
        for name in opts["filename"]:
            if name != "-" and not _resolve_path(name, cwd).exists():
                raise KubectlError(f'error: the path "{name}" does not exist')
    if path == "delete" and not args and not opts["filename"]:
        raise KubectlError(RESOURCE_LIST)
    if path == "scale":
        if "replicas" not in inv.given:
            raise klog_error('required flag(s) \\"replicas\\" not set')
        if opts["replicas"] < 0:
            raise KubectlError(
                "error: The --replicas=COUNT flag is required, and COUNT must be greater "
                "than or equal to 0"
            )
        if not args and not opts["filename"]:
            raise KubectlError(RESOURCE_LIST)
    if path == "expose" and not args and not opts["filename"]:
        raise KubectlError(RESOURCE_LIST)
    if path == "logs" and not (1 <= len(args) <= 2) and not opts["selector"]:
        raise KubectlError(
            "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
            "POD or TYPE/NAME is a required argument for the logs command\n"
            "See 'kubectl logs -h' for help and examples"
        )
    if path == "exec":
        if not args and not opts["filename"]:
            raise KubectlError("error: pod, type/name or --filename must be specified")
        if not inv.command and len(args) < 2:
            raise KubectlError("error: you must specify at least one command for the container")
    if path in {"rollout status", "rollout restart"} and not args:
        raise KubectlError("error: required resource not specified")
    if path == "run":
        if not args:
            raise KubectlError(
                "error: NAME is required for run\nSee 'kubectl run -h' for help and examples"
            )
        if not opts["image"]:
            raise klog_error('required flag(s) \\"image\\" not set')
        if opts["restart"] not in ("Always", "OnFailure", "Never"):
            raise KubectlError(
                f"error: invalid restart policy: {opts['restart']}\n"
                "See 'kubectl run -h' for help and examples"
            )
    if path.startswith("create ") and path in generators.BUILDERS:
        obj = generators.BUILDERS[path](inv)
        if opts["output"] not in {"", "yaml", "json", "name"}:
            raise KubectlError(
                f"error: unable to match a printer suitable for the output format "
                f'"{opts["output"]}", allowed '
                "formats are: "
                "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,"
                "template,templatefile,yaml"
            )
        if dry in {"client", "unchanged"}:
            raise _DryRun(_print_created(obj, opts["output"], "created (dry run)"))


class _DryRun(KubectlError):
    """A client-side dry run: nothing to refuse, the output is ready."""

    def __init__(self, stdout: str):
        super().__init__("", 0)
        self.stdout = stdout


def _resolve_path(name: str, cwd: Path | None) -> Path:
    path = Path(name).expanduser()
    return path if path.is_absolute() or cwd is None else cwd / path


def _print_created(obj: dict[str, Any], output: str, verb: str) -> str:
    if output == "yaml":
        return printers.to_yaml(obj)
    if output == "json":
        return printers.to_json(obj)
    if output == "name":
        return printers.name_line(obj) + "\n"
    return f"{printers.name_line(obj)} {verb}\n"


def _dispatch(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    handler = HANDLERS[inv.path.split()[0] if inv.path.startswith("create ") else inv.path]
    handler(inv, cluster, out, stdin, cwd)


def _get(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    output = inv.options["output"]
    if output not in OUTPUTS and not output.startswith("jsonpath="):
        raise KubectlError(
            f'error: unable to match a printer suitable for the output format "{output}", '
            f"allowed formats are: "
            "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
            "jsonpath-file,name,template,templatefile,wide,yaml"
        )
    ns = None if inv.options["all-namespaces"] else namespace(inv)
    chosen = selector(inv.options["selector"])
    pairs = split_resources(inv.args)
    groups: list[tuple[Kind, list[dict[str, Any]]]] = []
    errors = []
    for kind, name in pairs:
        if name is None:
            objs = select(cluster, kind, ns, chosen)
        else:
            obj = cluster.find(kind.kind, ns or "default", name)
            if obj is None:
                errors.append(not_found(kind, name).message)
                continue
            objs = [obj]
        if groups and groups[-1][0] == kind:
            groups[-1][1].extend(objs)
        else:
            groups.append((kind, objs))
    if inv.options["sort-by"]:
        groups = [
            (kind, sorted(objs, key=_sort_key(inv.options["sort-by"]))) for kind, objs in groups
        ]
    everything = [o for _, objs in groups for o in objs]
    if output in {"yaml", "json"}:
        single = len(everything) == 1 and all(n is not None for _, n in pairs)
        body = everything[0] if single else printers.as_list(everything)
        out.stdout += printers.to_yaml(body) if output == "yaml" else printers.to_json(body)
    elif output.startswith("jsonpath="):
        out.stdout += _jsonpath(
            output[len("jsonpath=") :],
            everything,
            single=len(pairs) == 1 and pairs[0][1] is not None,
        )
    elif output == "name":
        out.stdout += "".join(printers.name_line(o) + "\n" for o in everything)
    else:
        several = len({k.kind for k, _ in pairs}) > 1
        blocks = []
        for kind, objs in groups:
            if objs:
                blocks.append(
                    printers.get_table(
                        kind.kind,
                        objs,
                        cluster.now(),
                        wide=output == "wide",
                        namespaces=ns is None,
                        show_labels=inv.options["show-labels"],
                        label_columns=tuple(
                            key for item in inv.options["label-columns"] for key in item.split(",")
                        ),
                        prefix=several,
                        headers=not inv.options["no-headers"],
                    )
                )
        out.stdout += "\n".join(blocks)
    if not everything and not errors:
        out.stderr += (
            "No resources found\n" if ns is None else f"No resources found in {ns} namespace.\n"
        )
    if errors:
        out.stderr += "\n".join(errors) + "\n"
        out.code = 1


def _jsonpath(expr: str, objs: list[dict[str, Any]], single: bool) -> str:
    """The small part of kubectl's JSONPath the course uses: ``{.a.b[0].c}``, ``{.items[*].x}``."""
    expr = expr.strip("'\"")
    if not (expr.startswith("{") and expr.endswith("}")):
        raise KubectlError(f"error: error parsing jsonpath {expr}, unclosed action")
    root: Any = objs[0] if single and objs else printers.as_list(objs)
    values = _walk_path(root, expr[1:-1])
    return " ".join(v if isinstance(v, str) else printers.to_json(v).strip() for v in values)


def _walk_path(root: Any, path: str) -> list[Any]:
    """The values at a JSONPath-like ``path`` (``.a.b[0].c``, ``.items[*].x``) under ``root``."""
    values = [root]
    for part in re.findall(r"\.([^.\[\]]+)|\[(\*|\d+)\]", path):
        field, index = part
        nxt = []
        for value in values:
            if field:
                if isinstance(value, dict) and field in value:
                    nxt.append(value[field])
            elif index == "*" and isinstance(value, list):
                nxt.extend(value)
            elif isinstance(value, list) and int(index) < len(value):
                nxt.append(value[int(index)])
        values = nxt
    return values


def _sort_key(path: str) -> Any:
    """``--sort-by``: order objects by the value at ``path`` (missing values first)."""
    path = path.strip("'\"").removeprefix("{").removesuffix("}")

    def key(obj: dict[str, Any]) -> tuple[int, Any]:
        found = _walk_path(obj, path)
        value = found[0] if found else None
        if isinstance(value, int | float):
            return (1, f"{value:020.6f}")
        return (0, "") if value is None else (1, str(value))

    return key


def _describe(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    ns = namespace(inv)
    pages = []
    for kind, name in split_resources(inv.args):
        objs = (
            select(cluster, kind, ns, selector(inv.options["selector"]))
            if name is None
            else [cluster.get(kind.kind, ns, name)]
        )
        for obj in objs:
            pages.append(describe(obj, cluster.now(), _related(cluster, obj)))
    out.stdout += "\n\n".join(pages)


def _related(cluster: Cluster, obj: dict[str, Any]) -> dict[str, Any]:
    kind, meta = obj["kind"], obj["metadata"]
    if kind == "Pod":
        owner = next(iter(meta.get("ownerReferences", [])), None)
        return {
            "owner": f"{owner['kind']}/{owner['name']}" if owner else None,
            "failing": probes.failures(cluster, obj),
        }
    if kind == "Deployment":
        current = f"{meta['name']}-{template_hash(obj['spec'].get('template', {}))}"
        sets = {
            rs["metadata"]["name"]: (
                rs["metadata"]["name"],
                rs.get("status", {}).get("replicas", 0),
                rs["spec"].get("replicas", 0),
            )
            for rs in cluster.owned_by(obj, "ReplicaSet")
        }
        return {
            "new": sets.get(current),
            "old": [v for k, v in sets.items() if k != current and v[2]],
            "events": deployments.events(cluster, obj),
        }
    if kind == "Service":
        ep = cluster.find("Endpoints", meta["namespace"], meta["name"]) or {}
        return {
            "endpoints": ",".join(
                f"{a['ip']}:{p['port']}"
                for s in ep.get("subsets", [])
                for p in s.get("ports", [])
                for a in s.get("addresses", [])
            )
        }
    if kind == "Node":
        pods = [p for p in cluster.list("Pod", None) if p["spec"].get("nodeName") == meta["name"]]
        return {"pods": pods}
    return {}


def _read_files(inv: Invocation, stdin: str, cwd: Path | None) -> list[tuple[str, str]]:
    files = []
    for name in inv.options["filename"]:
        if name == "-":
            files.append(("STDIN", stdin))
            continue
        path = _resolve_path(name, cwd)
        targets = (
            sorted(path.glob("*.y*ml")) + sorted(path.glob("*.json")) if path.is_dir() else [path]
        )
        files += [(name if not path.is_dir() else str(t), t.read_text()) for t in targets]
    return files


def _objects_from_files(
    inv: Invocation, stdin: str, cwd: Path | None
) -> list[tuple[str, dict[str, Any]]]:
    objects = []
    for name, text in _read_files(inv, stdin, cwd):
        try:
            docs = validate.load_manifests(text, name)
        except validate.ManifestError as err:
            raise KubectlError(err.kubectl_text) from None
        for doc in docs:
            for field in ("apiVersion", "kind"):
                problem = "not set" if not doc.get(field) else "isn't string type"
                if not isinstance(doc.get(field), str) or not doc[field]:
                    raise KubectlError(
                        f'error: error validating "{name}": error validating data: {field} '
                        f"{problem}; if you choose "
                        "to ignore these errors, turn validation off with --validate=false"
                    )
            if inv.path != "delete" and inv.options.get("validate") not in {"false", "ignore"}:
                problems = validate.schema_problems(doc)
                if problems:
                    raise KubectlError(
                        f'error: error validating "{name}": error validating data: '
                        f"{problems[0]}; if you choose "
                        "to ignore these errors, turn validation off with --validate=false"
                    )
            objects.append((name, doc))
    return objects


def _apply(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    objects = _objects_from_files(inv, stdin, cwd)
    if not objects:
        raise KubectlError(f"error: no objects passed to {inv.path}")
    for _, obj in objects:
        kind = BY_KIND.get(obj["kind"])
        if kind is not None and kind.namespaced:
            obj.setdefault("metadata", {}).setdefault("namespace", namespace(inv))
        if inv.path == "create":
            cluster.create(obj)
            verb = "created"
        else:
            verb = cluster.apply(obj)
        out.stdout += f"{printers.name_line(obj)} {verb}\n"


def _create(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    if inv.path == "create":
        _apply(inv, cluster, out, stdin, cwd)
        return
    obj = generators.BUILDERS[inv.path](inv)
    if BY_KIND[obj["kind"]].namespaced:
        obj["metadata"]["namespace"] = namespace(inv)
    obj["metadata"].pop("creationTimestamp", None)
    obj.pop("status", None)
    if inv.options["dry-run"] == "server":
        out.stdout += _print_created(obj, inv.options["output"], "created (server dry run)")
        return
    cluster.create(obj)
    stored = cluster.get(obj["kind"], obj["metadata"].get("namespace"), obj["metadata"]["name"])
    out.stdout += _print_created(stored, inv.options["output"], "created")


def _delete(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    ns = namespace(inv)
    targets: list[tuple[Kind, str]] = []
    if inv.options["filename"]:
        for _, obj in _objects_from_files(inv, stdin, cwd):
            targets.append((kind_of(obj["kind"]), obj["metadata"]["name"]))
    for kind, name in split_resources(inv.args):
        if name is not None:
            targets.append((kind, name))
        elif inv.options["all"] or inv.options["selector"]:
            chosen = selector(inv.options["selector"])
            found = [(kind, o["metadata"]["name"]) for o in select(cluster, kind, ns, chosen)]
            if kind.kind == "Service" and not chosen.requirements:
                found = [t for t in found if t[1] != "kubernetes"]
            if not found:
                out.stderr += "No resources found\n"
            targets += found
        else:
            raise KubectlError(NO_NAME)
    for kind, name in targets:
        try:
            cluster.delete(kind.kind, ns, name)
        except ClusterError as err:
            if inv.options["ignore-not-found"] and "NotFound" in err.message:
                continue
            out.stderr += err.message + "\n"
            out.code = 1
            continue
        out.stdout += f'{kind.qualified} "{name}" deleted\n'


def _scale(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    for kind, _ in split_resources(inv.args):
        if kind.kind not in {"Deployment", "ReplicaSet"}:
            raise KubectlError(
                f'error: no scaler has been implemented for {{"{kind.group}" "{kind.kind}"}}'
            )
    wanted, expected = inv.options["replicas"], inv.options["current-replicas"]
    for obj in objects(inv, cluster, inv.args):
        current = obj["spec"].get("replicas", 1)
        if expected >= 0 and current != expected:
            raise KubectlError(f"error: Expected replicas to be {expected}, was {current}")
        label = printers.name_line(obj)
        if inv.options["dry-run"] in {"client", "server", "unchanged"}:
            out.stdout += f"{label} scaled (dry run)\n"
            continue
        obj["spec"]["replicas"] = wanted
        if inv.options["record"]:
            annotations = obj["metadata"].setdefault("annotations", {})
            annotations[deployments.CHANGE_CAUSE] = rollout.change_cause(inv)
        out.stdout += f"{label} scaled\n"


def _pod_for(inv: Invocation, cluster: Cluster, word: str) -> dict[str, Any]:
    ns = namespace(inv)
    if "/" in word:
        type_word, _, name = word.partition("/")
        kind = kind_of(type_word)
        if kind.kind != "Pod":
            owner = cluster.get(kind.kind, ns, name)
            sets = [owner] if kind.kind == "ReplicaSet" else cluster.owned_by(owner, "ReplicaSet")
            pods = [p for rs in sets for p in cluster.owned_by(rs, "Pod")]
            if not pods:
                raise ClusterError("error: timed out waiting for the condition")
            return min(pods, key=_most_active)
        word = name
    pod = cluster.find("Pod", ns, word)
    if pod is None:
        raise ClusterError(f'Error from server (NotFound): pods "{word}" not found')
    return pod


def _most_active(pod: dict[str, Any]) -> tuple[Any, ...]:
    """Kubectl's choice among a controller's pods (``ActivePods``, most active first).

    Scheduled before unscheduled, Running before Pending, ready before not, ready the longest,
    fewest restarts, oldest: during a rollout that stalls, a serving old pod.
    """
    status = pod.get("status", {})
    phase = {"Running": 0, "Unknown": 1, "Pending": 2}.get(status.get("phase", ""), 3)
    since = deployments.ready_since(pod)
    restarts = sum(s.get("restartCount", 0) for s in status.get("containerStatuses", []))
    return (
        not pod["spec"].get("nodeName"),
        phase,
        since is None,
        since or 0.0,
        restarts,
        pod["metadata"].get("creationTimestamp", ""),
    )


def _logs(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    if inv.args:
        pods = [_pod_for(inv, cluster, inv.args[0])]
    else:
        chosen = selector(inv.options["selector"])
        pods = select(cluster, BY_KIND["Pod"], namespace(inv), chosen)
        pods = pods[: inv.options["max-log-requests"]]
        if not pods:
            out.stderr += f"No resources found in {namespace(inv)} namespace.\n"
    tail = inv.options["tail"]
    if tail < 0 and not inv.args:
        tail = 10  # kubectl's default for -l
    for pod in pods:
        lines = pod_logs(
            cluster, pod, inv.options["container"] or None, previous=inv.options["previous"]
        )
        if tail >= 0:
            lines = lines[len(lines) - tail :] if tail else []
        out.stdout += "".join(line + "\n" for line in lines)


def _exec(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    pod = _pod_for(inv, cluster, inv.args[0])
    command = inv.command or inv.args[1:]
    names = [c["name"] for c in pod["spec"]["containers"]]
    name = inv.options["container"] or names[0]
    if name not in names:
        raise ClusterError(
            f"Error from server (BadRequest): container {name} is not valid for pod "
            f"{pod['metadata']['name']}"
        )
    if not inv.options["container"] and len(names) > 1:
        out.stderr += f'Defaulted container "{name}" out of: {", ".join(names)}\n'
    statuses = {s.get("name"): s for s in pod["status"].get("containerStatuses") or []}
    if "running" not in statuses.get(name, {}).get("state", {}):
        raise ClusterError(f'error: unable to upgrade connection: container not found ("{name}")')
    if inv.options["tty"]:
        out.stderr += "Unable to use a TTY - input is not a terminal or the right kind of file\n"
    typed = stdin if inv.options["stdin"] else ""
    stdout, stderr, code = exec_in_pod(cluster, pod, command, typed, name)
    out.stdout += stdout
    out.stderr += stderr
    if code:
        out.stderr += f"command terminated with exit code {code}\n"
        out.code = code


def _rollout_restart(
    inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None
) -> None:
    for kind, name in split_resources(inv.args):
        if kind.kind != "Deployment":
            raise KubectlError(
                f'error: {kind.plural}{"." + kind.group if kind.group else ""} "{name}" '
                "restarting is not supported"
            )
        if name is None:
            raise KubectlError(NO_NAME)
        cluster.restart(namespace(inv), name)
        out.stdout += f"deployment.apps/{name} restarted\n"


def _run(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    name = inv.args[0]
    container: dict[str, Any] = {"name": name, "image": inv.options["image"]}
    if inv.command:  # the words after --: the image's arguments, or with --command its command
        container["command" if inv.options["command"] else "args"] = list(inv.command)
    if inv.options["port"]:
        container["ports"] = [{"containerPort": int(inv.options["port"])}]
    if inv.options["env"]:
        container["env"] = [
            dict(zip(("name", "value"), e.split("=", 1), strict=False)) for e in inv.options["env"]
        ]
    labels = {"run": name}
    if inv.options["labels"]:
        labels = selector(inv.options["labels"]).equalities()
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace(inv), "labels": labels},
        "spec": {"containers": [container], "restartPolicy": inv.options["restart"]},
    }
    for flag in ("stdin", "tty"):
        if inv.options[flag]:
            container[flag] = True
    if inv.options["dry-run"] in {"client", "unchanged", "server"}:
        out.stdout += _print_created(pod, inv.options["output"], "created (dry run)")
        return
    cluster.create(pod)
    out.stdout += f"pod/{name} created\n"


def _expose(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    (kind, name), *_ = split_resources(inv.args)
    if name is None:
        raise KubectlError("error: resource(s) were provided, but no name was specified")
    target = cluster.get(kind.kind, namespace(inv), name)
    if kind.kind == "Pod":
        selector = target["metadata"].get("labels") or {}
    elif kind.kind == "Service":
        selector = target["spec"].get("selector") or {}
    else:
        selector = target["spec"].get("selector", {}).get("matchLabels") or {}
    if not inv.options["port"]:
        raise KubectlError(
            "error: couldn't find port via --port flag or introspection\n"
            "See 'kubectl expose -h' for help and examples"
        )
    port: dict[str, Any] = {"port": int(inv.options["port"]), "protocol": "TCP"}
    port["targetPort"] = (
        int(inv.options["target-port"])
        if str(inv.options["target-port"]).isdigit()
        else (inv.options["target-port"] or port["port"])
    )
    svc_name = inv.options["name"] or name
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": svc_name,
            "namespace": namespace(inv),
            "labels": target["metadata"].get("labels") or {},
        },
        "spec": {"selector": selector, "ports": [port], "type": inv.options["type"] or "ClusterIP"},
    }
    cluster.create(svc)
    out.stdout += f"service/{svc_name} exposed\n"


def _cordon(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    schedulable = inv.path == "uncordon"
    for name in inv.args:
        node = cluster.node(name)
        if node["schedulable"] == schedulable:
            out.stdout += f"node/{name} already {'uncordoned' if schedulable else 'cordoned'}\n"
            continue
        cluster.cordon(name, schedulable)
        out.stdout += f"node/{name} {'uncordoned' if schedulable else 'cordoned'}\n"


def _drain(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    for name in inv.args:
        cluster.node(name)
        proxies = [
            p
            for p in cluster.list("Pod", "kube-system")
            if p["spec"].get("nodeName") == name and p["metadata"]["name"].startswith("kube-proxy-")
        ]
        if proxies and not inv.options["ignore-daemonsets"]:
            raise ClusterError(
                f'error: unable to drain node "{name}" due to error: cannot delete '
                f"DaemonSet-managed Pods (use "
                f"--ignore-daemonsets to ignore): "
                f"kube-system/{proxies[0]['metadata']['name']}, continuing command..."
            )
        out.stdout += f"node/{name} cordoned\n"
        if proxies:
            ignored = ", ".join(f"kube-system/{p['metadata']['name']}" for p in proxies)
            out.stderr += f"Warning: ignoring DaemonSet-managed Pods: {ignored}\n"
        evicted = cluster.drain(name, force=inv.options["force"])
        out.stdout += "".join(f"evicting pod {namespace(inv)}/{p}\n" for p in evicted)
        out.stdout += "".join(f"pod/{p} evicted\n" for p in evicted)
        out.stdout += f"node/{name} drained\n"


HANDLERS = {
    "label": metadata.label,
    "annotate": metadata.annotate,
    "set image": rollout.set_image,
    "set env": setters.set_env,
    "set resources": setters.set_resources,
    "rollout history": rollout.history,
    "rollout undo": rollout.undo,
    "rollout pause": rollout.pause,
    "rollout resume": rollout.resume,
    "explain": explain.explain,
    "api-resources": discovery.api_resources,
    "cluster-info": discovery.cluster_info,
    "cluster-info dump": discovery.cluster_info_dump,
    "top pod": metrics.top_pod,
    "top node": metrics.top_node,
    "get": _get,
    "describe": _describe,
    "apply": _apply,
    "create": _create,
    "delete": _delete,
    "scale": _scale,
    "logs": _logs,
    "exec": _exec,
    "rollout status": rollout.status,
    "rollout restart": _rollout_restart,
    "run": _run,
    "expose": _expose,
    "cordon": _cordon,
    "uncordon": _cordon,
    "drain": _drain,
}
