"""``kubectl explain``: field documentation generated from the OpenAPI schemas the project ships.

The schemas are the Kubernetes 1.32 ones bundled with ``kubernetes-validate`` (the same that
validate manifests, :mod:`grader.k8s.validate`). The layout is kubectl 1.32's plaintext
template (``pkg/explain/v2/templates/plaintext.tmpl``): ``GROUP``/``KIND``/``VERSION``,
``FIELD: name <type>`` for a field path, ``DESCRIPTION`` wrapped at 76 columns the way
go-wordwrap wraps, then ``FIELDS`` (``name<TAB><type> -required-`` and the description), or
with ``--recursive`` the whole tree of field names and types. A field that refers to another
type is described like the server's OpenAPI v3 document does it (its own description, then
the referred type's), and its type is that type's name (``<DeploymentSpec>``,
``<[]Container>``, ``<map[string]string>``).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from grader.k8s.cluster import Cluster
from grader.k8s.grammar import Invocation, KubectlError
from grader.k8s.kinds import Kind
from grader.k8s.result import Result
from grader.k8s.targets import kind_of
from grader.k8s.validate import K8S_VERSION

Schema = dict[str, Any]


@functools.cache
def _definitions() -> dict[str, Schema]:
    import kubernetes_validate

    folder = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    text = (folder / f"v{K8S_VERSION}-local" / "_definitions.json").read_text()
    return dict(json.loads(text)["$defs"])


def _kind_schema(kind: Kind) -> Schema:
    """The schema whose ``x-kubernetes-group-version-kind`` is ``kind``'s."""
    version = kind.api_version.rpartition("/")[2]
    for schema in _definitions().values():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            if (gvk["group"], gvk["version"], gvk["kind"]) == (kind.group, version, kind.kind):
                return schema
    raise KubectlError(f'error: couldn\'t find resource for "{kind.api_version}, Kind={kind.kind}"')


def _resolve(schema: Schema) -> Schema | None:
    ref = schema.get("$ref")
    if not ref:
        return None
    return _definitions().get(ref.rsplit("/", 1)[-1])


def _v3(schema: Schema) -> Schema:
    """The field as OpenAPI v3 spells it: a described ``$ref`` becomes ``allOf: [{$ref}]``."""
    if "$ref" in schema and "description" in schema:
        return {"description": schema["description"], "allOf": [{"$ref": schema["$ref"]}]}
    return schema


def _type(schema: Schema) -> str:
    """Kubectl's ``typeGuess``: ``string``, ``Object``, ``[]Container``, ``map[string]string``."""
    schema = _v3(schema)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if "items" in schema:
        return "[]" + _type(schema["items"])
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        return "map[string]" + _type(extra)
    if schema.get("allOf") and not schema.get("properties") and len(schema["allOf"]) == 1:
        return _type(schema["allOf"][0])
    if "$ref" in schema:
        target = _resolve(schema) or {}
        target_type = target.get("type")
        if isinstance(target_type, list):
            target_type = next((k for k in target_type if k != "null"), None)
        if not target_type or target_type == "object":
            return schema["$ref"].rsplit("/", 1)[-1].rsplit(".", 1)[-1] or "Object"
        return str(target_type)
    return "Object" if kind in (None, "object") else str(kind)


def wrap(text: str, limit: int) -> str:
    """go-wordwrap's ``WrapString``: break at spaces so lines stay within ``limit``."""
    out, word, space = [], "", ""
    current = 0
    for char in text:
        if char == "\n":
            if not word:
                if current + len(space) <= limit:
                    out.append(space)
            else:
                out.append(space + word)
            space = word = ""
            out.append("\n")
            current = 0
        elif char.isspace() and char != "\u00a0":
            if not space or word:
                current += len(space) + len(word)
                out.append(space + word)
                space = word = ""
            space += char
        else:
            word += char
            if current + len(space) + len(word) > limit and len(word) < limit:
                out.append("\n")
                current = 0
                space = ""
    if not word:
        if current + len(space) <= limit:
            out.append(space)
    else:
        out.append(space + word)
    return "".join(out)


def _indent(amount: int, text: str) -> str:
    pad = " " * amount
    return pad + text.replace("\n", "\n" + pad)


def _description(schema: Schema) -> str:
    """Kubectl's ``description`` template: the schema's, then those of what it refers to."""
    resolved = _resolve(schema) or schema
    text = resolved["description"] + "\n" if resolved.get("description") else ""
    for item in resolved.get("allOf", []):
        text += _description(_v3(item))
    if isinstance(resolved.get("items"), dict):
        text += _description(_v3(resolved["items"]))
    extra = resolved.get("additionalProperties")
    if isinstance(extra, dict):
        text += _description(_v3(extra))
    return text


def _properties(schema: Schema) -> tuple[dict[str, Schema], list[str]]:
    """The fields of ``schema`` (through refs, allOf, items, map values), and the required."""
    resolved = _resolve(schema) or schema
    props = dict(resolved.get("properties") or {})
    required = list(resolved.get("required") or [])
    for item in resolved.get("allOf", []):
        more, needed = _properties(item)
        props.update(more)
        required += needed
    for key in ("items", "additionalProperties"):
        if isinstance(resolved.get(key), dict):
            more, needed = _properties(resolved[key])
            props.update(more)
            required += needed
    return props, required


def _field_list(schema: Schema, level: int, recursive: bool, seen: frozenset[str]) -> str:
    ref = schema.get("$ref", "")
    if ref and ref in seen:
        return ""
    seen = seen | {ref}
    props, required = _properties(schema)
    text = ""
    pad = level * 2
    for name in sorted(props):
        field = _v3(props[name])
        line = " " * pad + name + f"\t<{_type(field)}>"
        if name in required:
            line += " -required-"
        text += line + "\n"
        if not recursive:
            body = field.get("description") or "<no description>"
            text += _indent(pad + 2, wrap(body, 78 - pad)) + "\n\n"
        else:
            inner = props[name]
            target = inner if "$ref" in inner else field
            text += _field_list(_sub(target), level + 1, recursive, seen)
    return text


def _sub(schema: Schema) -> Schema:
    """What a field's fields come from: its ref, array items or map values."""
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return dict(schema["allOf"][0])
    return schema


def explain_text(kind: Kind, path: list[str], recursive: bool) -> str:
    """What ``kubectl explain KIND[.FIELD...]`` prints."""
    version = kind.api_version.rpartition("/")[2]
    head = f"GROUP:      {kind.group}\n" if kind.group else ""
    head += f"KIND:       {kind.kind}\nVERSION:    {version}\n\n"
    schema: Schema = _kind_schema(kind)
    body = ""
    for index, name in enumerate(path):
        props, _ = _properties(schema)
        if name not in props:
            raise KubectlError(f'error: field "{path[-1]}" does not exist')
        schema = _v3(props[name])
        if index == len(path) - 1:
            body += f"FIELD: {name} <{_type(schema)}>\n\n\n"
        schema = _sub(schema) if index < len(path) - 1 else schema
    description = _description(schema) or "<empty>"
    body += "DESCRIPTION:\n" + _indent(4, wrap(description, 76)) + "\n"
    fields = _field_list(_sub(schema), 1, recursive, frozenset())
    if fields:
        body += "FIELDS:\n" + fields
    return head + body + "\n"


def explain(inv: Invocation, cluster: Cluster, out: Result, stdin: str, cwd: Path | None) -> None:
    """``kubectl explain RESOURCE[.FIELD...] [--recursive]``."""
    if not inv.args:
        raise KubectlError(
            'error: You must specify the type of resource to explain. Use "kubectl '
            'api-resources" for a complete list of supported resources.\n'
        )
    if len(inv.args) > 1:
        raise KubectlError("error: We accept only this format: explain RESOURCE\n")
    if inv.options["output"] not in {"plaintext", "plaintext-openapiv2"}:
        raise KubectlError(f"error: unrecognized format: {inv.options['output']}")
    word, *path = inv.args[0].split(".")
    kind = kind_of(word)
    wanted = inv.options["api-version"]
    if wanted and wanted != kind.api_version:
        raise KubectlError(f'error: couldn\'t find resource for "{wanted}, Kind={kind.kind}"')
    out.stdout += explain_text(kind, [p for p in path if p], inv.options["recursive"])
