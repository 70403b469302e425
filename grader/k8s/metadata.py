"""``kubectl label`` and ``kubectl annotate``: add, overwrite (``--overwrite``), remove (``key-``).

kubectl 1.32's rules and words: an existing label is only changed with ``--overwrite``
(``error: 'tier' already has a value (frontend), and --overwrite is false``); ``key-``
removes one (``label "tier" not found.`` when it was not there); the result line says
``pod/web labeled``, ``unlabeled``, ``modified`` or ``not labeled`` (``annotated`` for
annotations). A label key the API server refuses is refused with its ``Invalid value``
message; a bad label value is refused by kubectl itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from grader.k8s.cluster import Cluster, ClusterError
from grader.k8s.grammar import Invocation, KubectlError
from grader.k8s.result import Result
from grader.k8s.rollout import change_cause
from grader.k8s.targets import objects

Obj = dict[str, Any]
_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_PREFIX = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
NAME_RULE = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
VALUE_RULE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


def _pairs(inv: Invocation, what: str) -> tuple[list[str], dict[str, str], list[str]]:
    """(resource words, keys to set, keys to remove) as kubectl splits the arguments."""
    words = [a for a in inv.args if "=" not in a and not a.endswith("-")]
    changes = [a for a in inv.args if a not in words]
    if not words and not inv.options["filename"] and not inv.options["selector"]:
        raise KubectlError(
            "error: one or more resources must be specified as <resource> <name> or "
            "<resource>/<name>"
        )
    if inv.options["all"] and inv.options["selector"]:
        raise KubectlError("error: cannot set --all and --selector at the same time")
    if not changes and not inv.options["list"]:
        raise KubectlError(f"error: at least one {what} update is required")
    if inv.options["list"] and inv.options["output"]:
        raise KubectlError("error: --list and --output may not be specified together")
    new: dict[str, str] = {}
    remove = []
    for change in changes:
        if "=" in change:
            key, _, value = change.partition("=")
            if what == "label" and "=" in value:
                raise KubectlError(f"error: invalid label spec: {change}")
            if what == "label" and not _VALUE.match(value):
                raise KubectlError(f'error: invalid label value: "{change}": {VALUE_RULE}')
            new[key] = value
        else:
            remove.append(change[:-1])
    both = [key for key in remove if key in new]
    if both and what == "label":
        raise KubectlError("error: can not both modify and remove a label in the same command")
    if both:
        raise KubectlError(
            "error: can not both modify and remove the following annotation(s) in the same "
            f"command: {', '.join(both)}"
        )
    return words, new, remove


def _key_problem(key: str) -> str | None:
    prefix, slash, name = key.rpartition("/")
    if not _NAME.match(name) or len(name) > 63:
        return NAME_RULE
    if slash and (not _PREFIX.match(prefix) or len(prefix) > 253):
        return (
            "prefix part a lowercase RFC 1123 subdomain must consist of lower case "
            "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
            "character (e.g. 'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        )
    return None


def _label_name(obj: Obj) -> str:
    group = obj["apiVersion"].rpartition("/")[0]
    kind = obj["kind"].lower()
    return (
        f"{kind}.{group}/{obj['metadata']['name']}"
        if group
        else f"{kind}/{obj['metadata']['name']}"
    )


def label(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    """``kubectl label``."""
    _change(inv, cluster, out, "label")


def annotate(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    """``kubectl annotate``."""
    _change(inv, cluster, out, "annotation")


def _change(inv: Invocation, cluster: Cluster, out: Result, what: str) -> None:
    words, new, remove = _pairs(inv, what)
    field = "labels" if what == "label" else "annotations"
    for obj in objects(inv, cluster, words):
        meta = obj["metadata"]
        current: dict[str, str] = dict(meta.get(field) or {})
        if inv.options["list"]:
            out.stdout += "".join(f"{k}={v}\n" for k, v in current.items())
            continue
        if what == "label":
            for key in new:
                problem = _key_problem(key)
                if problem:
                    raise ClusterError(
                        f'The {obj["kind"]} "{meta["name"]}" is invalid: metadata.labels: '
                        f'Invalid value: "{key}": {problem}'
                    )
        clashes = [
            (k, current[k])
            for k, v in new.items()
            if k in current and current[k] != v and k != "kubernetes.io/change-cause"
        ]
        if clashes and not inv.options["overwrite"]:
            if what == "label":
                raise KubectlError(
                    "\n".join(
                        f"error: '{k}' already has a value ({v}), and --overwrite is false"
                        for k, v in clashes
                    )
                )
            found = "; ".join(f"'{k}' already has a value ({v})" for k, v in clashes)
            raise KubectlError(
                "error: --overwrite is false but found the following declared annotation(s): "
                + found
            )
        for key in remove:
            if key not in current and what == "label":
                out.stdout += f'label "{key}" not found.\n'
        added = {k for k, v in new.items() if current.get(k) != v}
        removed = {k for k in remove if k in current}
        for key in removed:
            del current[key]
        current.update(new)
        if inv.options.get("record"):
            annotations = meta.setdefault("annotations", {})
            annotations["kubernetes.io/change-cause"] = change_cause(inv)
        dry = inv.options["dry-run"] in {"client", "server", "unchanged"}
        if not dry and (added or removed):
            meta[field] = current
        out.stdout += (
            f"{_label_name(obj)} {_message(what, added, removed)}{' (dry run)' if dry else ''}\n"
        )


def _message(what: str, added: set[str], removed: set[str]) -> str:
    if what == "annotation":
        return "annotated"
    if added and removed:
        return "modified"
    if added:
        return "labeled"
    return "unlabeled" if removed else "not labeled"
