"""``kubectl edit``: the object as YAML in your editor, your changes applied when you save.

The editor is ``$KUBE_EDITOR``, else ``$EDITOR``, else ``vi``, run on a temporary file that
starts with kubectl's comment block. Saving an unchanged file cancels the edit (``Edit
cancelled, no changes made.``), an empty one too (``Edit cancelled, saved file was empty.``);
a file that does not parse or that the 1.32 schema refuses is not applied, and kubectl's
``A copy of your changes has been stored to ...`` names where your text is kept. What can be
changed is what the API server lets you change: labels, annotations and the ``spec`` (or a
ConfigMap's and Secret's ``data``); the name, kind and namespace are fixed. ``-f FILE`` edits
the live objects the file names.

An editor needs a terminal: from a notebook cell (no terminal), ``edit`` says so, as
kubectl does when its editor cannot start.
"""

from __future__ import annotations

import copy
import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml

from grader.k8s import printers, validate
from grader.k8s.cluster import Cluster
from grader.k8s.grammar import Invocation, KubectlError
from grader.k8s.result import Result
from grader.k8s.targets import RESOURCE_LIST, kind_of, objects

Obj = dict[str, Any]
HEADER = (
    "# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
    "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
    "# reopened with the relevant failures.\n#\n"
)
NO_TERMINAL = (
    "error: kubectl edit opens the object in an editor ($KUBE_EDITOR, $EDITOR, else vi), "
    "which needs a terminal: run it in a terminal (File > New > Terminal), or change the "
    "object here with kubectl apply, set image, scale, label or annotate\n"
)
EDITABLE = ("spec", "data", "stringData")


def editor_command() -> str:
    """The editor kubectl runs: ``$KUBE_EDITOR``, else ``$EDITOR``, else ``vi``."""
    return os.environ.get("KUBE_EDITOR") or os.environ.get("EDITOR") or "vi"


def _strip(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))


def edit(inv: Invocation, folder: Path | None, cwd: Path | None, editor: str | None) -> Result:
    """Run ``kubectl edit`` with ``editor`` (``None``: there is no terminal to run one in)."""
    if not inv.args and not inv.options["filename"]:
        raise KubectlError(RESOURCE_LIST)
    output = inv.options["output"] or "yaml"
    if output not in {"yaml", "json"}:
        raise KubectlError(
            'error: the edit mode "normal" only supports output formats yaml and json, '
            f"not {output}"
        )
    cluster = Cluster.load(folder)
    cluster.require_quorum()
    found = objects(inv, cluster, inv.args) if inv.args else []
    for name in inv.options["filename"]:
        path = Path(name) if Path(name).is_absolute() or cwd is None else cwd / name
        if not path.exists():
            raise KubectlError(f'error: the path "{name}" does not exist')
        try:
            docs = validate.load_manifests(path.read_text(), name)
        except validate.ManifestError as err:
            raise KubectlError(err.kubectl_text) from None
        for doc in docs:
            kind = kind_of(str(doc.get("kind", "")))
            meta = doc.get("metadata") or {}
            ns = meta.get("namespace") or inv.options["namespace"] or "default"
            found.append(cluster.get(kind.kind, ns, str(meta.get("name", ""))))
    if editor is None:
        raise KubectlError(NO_TERMINAL)
    result = Result()
    for obj in found:
        _edit_one(obj, folder, editor, output, result)
    return result


def _edit_one(obj: Obj, folder: Path | None, editor: str, output: str, result: Result) -> None:
    shown = printers.to_yaml(obj) if output == "yaml" else printers.to_json(obj)
    handle, name = tempfile.mkstemp(prefix="kubectl-edit-", suffix=f".{output}")
    path = Path(name)
    with os.fdopen(handle, "w") as stream:
        stream.write(HEADER + shown)
    done = subprocess.run([*shlex.split(editor), str(path)], check=False)
    if done.returncode != 0:
        path.unlink()
        raise KubectlError(f'error: there was a problem with the editor "{editor}"')
    text = _strip(path.read_text())
    if not text.strip():
        path.unlink()
        result.stdout += "Edit cancelled, saved file was empty.\n"
        return
    if text == shown:
        path.unlink()
        result.stdout += "Edit cancelled, no changes made.\n"
        return
    try:
        edited = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise KubectlError(
            f'error: A copy of your changes has been stored to "{path}"\n'
            f"error: Edit cancelled, no valid changes were saved: {err}"
        ) from None
    problems = validate.schema_problems(edited) if isinstance(edited, dict) else ["not an object"]
    fixed = {
        "kind": obj["kind"],
        "name": obj["metadata"]["name"],
        "namespace": obj["metadata"].get("namespace"),
    }
    if isinstance(edited, dict) and not problems:
        meta = edited.get("metadata") or {}
        if (edited.get("kind"), meta.get("name"), meta.get("namespace")) != tuple(fixed.values()):
            problems = ["the kind, name and namespace of an object cannot be changed"]
    if problems:
        result.stderr += (
            f'A copy of your changes has been stored to "{path}"\n'
            f"error: {_label(obj)} is invalid: {problems[0]}\n"
        )
        result.code = 1
        return
    path.unlink()
    with Cluster.session(folder) as cluster:
        current = cluster.get(
            obj["kind"], obj["metadata"].get("namespace"), obj["metadata"]["name"]
        )
        changed = copy.deepcopy(current)
        for field in EDITABLE:
            if field in edited:
                changed[field] = edited[field]
        for field in ("labels", "annotations"):
            changed["metadata"][field] = (edited.get("metadata") or {}).get(field) or {}
        cluster.put(changed)
    result.stdout += f"{_label(obj)} edited\n"


def _label(obj: Obj) -> str:
    return printers.name_line(obj)
