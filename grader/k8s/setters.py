"""``kubectl set env`` and ``kubectl set resources``: change the containers of a pod template.

On a Deployment (or ReplicaSet) the change is a new pod template, so a Deployment rolls out,
as with ``kubectl set image``. kubectl 1.32's words: ``deployment.apps/web env updated``,
``deployment.apps/web resource requirements updated``, ``--list`` in ``# deployment web,
container web`` blocks, ``error: 'MODE' already has a value (dev), and --overwrite is false``.
"""

from __future__ import annotations

import base64
import fnmatch
from pathlib import Path
from typing import Any

from grader.k8s.cluster import Cluster, ClusterError
from grader.k8s.controllers import parse_cpu, parse_memory
from grader.k8s.grammar import Invocation, KubectlError
from grader.k8s.printers import name_line
from grader.k8s.result import Result
from grader.k8s.targets import RESOURCE_LIST, kind_of, namespace, objects

Obj = dict[str, Any]
NEEDS_RESOURCES = (
    "error: one or more resources must be specified as <resource> <name> or <resource>/<name>"
)


def _containers(obj: Obj, pattern: str) -> list[Obj]:
    spec = obj["spec"] if obj["kind"] == "Pod" else obj["spec"].get("template", {}).get("spec", {})
    return [
        c for c in spec.get("containers", []) if fnmatch.fnmatchcase(c.get("name", ""), pattern)
    ]


POD_FIELDS = (
    "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
    "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be "
    "set to 1 if it was previously negative)"
)


def _refuse_pod(obj: Obj) -> None:
    """A running pod's env and resources are fixed: the API server refuses the update."""
    if obj["kind"] == "Pod":
        raise ClusterError(f'The Pod "{obj["metadata"]["name"]}" is invalid: {POD_FIELDS}')


def _dry(inv: Invocation) -> bool:
    return inv.options["dry-run"] in {"client", "server", "unchanged"}


# -- set env ------------------------------------------------------------------------------------


def _env_changes(inv: Invocation) -> tuple[list[str], dict[str, str], list[str]]:
    """(resource words, variables to set, variables to remove); refuses kubectl's misuses."""
    words: list[str] = []
    changes: list[str] = []
    for arg in inv.args:
        if "=" in arg or arg.endswith("-"):
            changes.append(arg)
        elif changes:
            raise KubectlError(
                "error: all resources must be specified before environment changes: "
                + " ".join(inv.args)
            )
        else:
            words.append(arg)
    changes += inv.options["env"]
    if inv.options["all"] and inv.options["selector"]:
        raise KubectlError("error: cannot set --all and --selector at the same time")
    if not words and not inv.options["filename"] and not inv.options["selector"]:
        raise KubectlError(NEEDS_RESOURCES)
    if inv.options["list"] and inv.options["output"]:
        raise KubectlError("error: --list and --output may not be specified together")
    if inv.options["keys"] and not inv.options["from"]:
        raise KubectlError(
            "error: when specifying --keys, a configmap or secret must be provided with --from"
        )
    new, remove = {}, []
    for change in changes:
        if "=" in change:
            key, _, value = change.partition("=")
            new[key] = value
        else:
            remove.append(change[:-1])
    return words, new, remove


def _from_source(inv: Invocation, cluster: Cluster) -> list[Obj]:
    """The ``env`` entries ``--from=configmap/NAME`` or ``--from=secret/NAME`` adds."""
    text = inv.options["from"]
    if not text:
        return []
    type_word, _, name = text.partition("/")
    kind = kind_of(type_word)
    if kind.kind not in {"ConfigMap", "Secret"}:
        raise KubectlError("error: unsupported resource specified in --from")
    source = cluster.get(kind.kind, namespace(inv), name)
    keys = [k for item in inv.options["keys"] for k in item.split(",")] or sorted(
        source.get("data") or {}
    )
    ref = "configMapKeyRef" if kind.kind == "ConfigMap" else "secretKeyRef"
    prefix = inv.options["prefix"]
    return [
        {
            "name": prefix + key.upper().replace("-", "_").replace(".", "_"),
            "valueFrom": {ref: {"name": name, "key": key}},
        }
        for key in keys
    ]


def _list_env(obj: Obj, containers: list[Obj], cluster: Cluster, resolve: bool) -> str:
    text = ""
    kind = obj["kind"].lower()
    for container in containers:
        text += f"# {kind} {obj['metadata']['name']}, container {container.get('name')}\n"
        for item in container.get("env") or []:
            source = item.get("valueFrom")
            if not source:
                text += f"{item['name']}={item.get('value', '')}\n"
                continue
            for ref, word in (("configMapKeyRef", "configmap"), ("secretKeyRef", "secret")):
                if ref in source:
                    where = f"{word} {source[ref].get('name')}, key {source[ref].get('key')}"
                    if resolve:
                        text += f"{item['name']}={_resolve(cluster, obj, source[ref], word)}\n"
                    else:
                        text += f"# {item['name']} from {where}\n"
    return text


def _resolve(cluster: Cluster, obj: Obj, ref: Obj, word: str) -> str:
    kind = "ConfigMap" if word == "configmap" else "Secret"
    found = cluster.find(kind, obj["metadata"].get("namespace"), ref.get("name", "")) or {}
    value = (found.get("data") or {}).get(ref.get("key"), "")
    return base64.b64decode(value).decode(errors="replace") if kind == "Secret" else value


def set_env(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    """``kubectl set env TYPE NAME KEY=VALUE ... KEY- ... [--from=configmap/NAME] [--list]``."""
    words, new, remove = _env_changes(inv)
    added = _from_source(inv, cluster)
    if not (new or remove or added or inv.options["list"]):
        raise KubectlError("error: at least one environment variable must be provided")
    for obj in objects(inv, cluster, words):
        containers = _containers(obj, inv.options["containers"])
        if inv.options["list"]:
            out.stdout += _list_env(obj, containers, cluster, inv.options["resolve"])
            continue
        changed = False
        for container in containers:
            env = list(container.get("env") or [])
            current = {e["name"]: e for e in env}
            for key, value in new.items():
                old = current.get(key)
                if old is not None and not inv.options["overwrite"] and old.get("value") != value:
                    raise KubectlError(
                        f"error: '{key}' already has a value ({old.get('value', '')}), and "
                        "--overwrite is false"
                    )
            kept = [e for e in env if e["name"] not in remove and e["name"] not in new]
            kept = [e for e in kept if e["name"] not in {a["name"] for a in added}]
            result = kept + [{"name": k, "value": v} for k, v in new.items()] + added
            if result != env:
                changed = True
                if not _dry(inv):
                    if result:
                        container["env"] = result
                    else:
                        container.pop("env", None)
        if changed:
            _refuse_pod(obj)
            out.stdout += f"{name_line(obj)} env updated{' (dry run)' if _dry(inv) else ''}\n"


# -- set resources ------------------------------------------------------------------------------


def _amounts(text: str, flag: str) -> dict[str, str]:
    amounts = {}
    for part in filter(None, text.split(",")):
        key, eq, value = part.partition("=")
        if not eq or key not in {"cpu", "memory", "ephemeral-storage"}:
            raise KubectlError(f"error: invalid argument {part!r} for --{flag}")
        try:
            parse_cpu(value) if key == "cpu" else parse_memory(value)
        except ValueError:
            raise KubectlError(
                "error: quantities must match the regular expression "
                "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
            ) from None
        amounts[key] = value
    return amounts


def set_resources(
    inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None
) -> None:
    """``kubectl set resources TYPE NAME --limits=cpu=200m,memory=64Mi --requests=...``."""
    if inv.options["all"] and inv.options["selector"]:
        raise KubectlError("error: cannot set --all and --selector at the same time")
    if not inv.args and not inv.options["filename"] and not inv.options["selector"]:
        raise KubectlError(RESOURCE_LIST)
    if not inv.options["limits"] and not inv.options["requests"]:
        raise KubectlError(
            "error: you must specify an update to requests or limits (in the form of "
            "--requests/--limits)"
        )
    limits = _amounts(inv.options["limits"], "limits")
    requests = _amounts(inv.options["requests"], "requests")
    errors = []
    for obj in objects(inv, cluster, inv.args):
        containers = _containers(obj, inv.options["containers"])
        if not containers:
            errors.append(f"error: unable to find container named {inv.options['containers']}")
            continue
        changed = False
        for container in containers:
            resources = dict(container.get("resources") or {})
            for word, amounts in (("limits", limits), ("requests", requests)):
                if amounts:
                    merged = {**(resources.get(word) or {}), **amounts}
                    if merged != resources.get(word):
                        resources[word] = merged
                        changed = True
            if changed and not _dry(inv) and obj["kind"] != "Pod":
                container["resources"] = resources
        if changed:
            _refuse_pod(obj)
            dry = " (dry run)" if _dry(inv) else ""
            out.stdout += f"{name_line(obj)} resource requirements updated{dry}\n"
    if errors:
        out.stderr += "\n".join(errors) + "\n"
        out.code = 1
