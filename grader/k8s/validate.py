"""Check Kubernetes manifests: YAML syntax, the 1.32 API schema, and what makes them work.

Three layers, each giving precise messages (line, field path, what was expected), never a
traceback:

1. :func:`load_manifests` parses the YAML (errors worded like kubectl's, with the line);
2. :func:`schema_problems` validates one object against the Kubernetes 1.32 OpenAPI schema
   bundled with ``kubernetes-validate`` (wrong types, unknown or missing fields);
3. :func:`semantic_problems` looks across objects for what the schema cannot see: a
   selector that does not match its template's labels, a Service whose selector or
   targetPort reaches no pod, an Ingress naming a missing Service or port, Secret data that
   is not base64, a ConfigMap holding what looks like a password, too few replicas.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from grader.k8s.yamlload import ExcessiveAliasing, TooDeep, safe_load_all

Obj = dict[str, Any]
K8S_VERSION = "1.32.0"
URL_PASSWORD = re.compile(r"://[^/\s:@]+:[^/\s@]+@")
"""A URL with a password in it (``postgres://app:hunter2@db/shop``)."""
SECRET_WORDS = re.compile(
    r"(pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credential)", re.I
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a manifest."""

    message: str
    path: str = ""
    """Where, as a field path (``spec.template.spec.containers[0].ports[0].containerPort``)."""
    line: int | None = None
    """1-based line in the file, when known."""
    obj: str = ""
    """Which object (``Deployment/web``)."""

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (self.obj, f"line {self.line}" if self.line else "", self.path) if part
        )
        return f"{where}: {self.message}" if where else self.message


class ManifestError(Exception):
    """The text is not valid YAML (or not a list of objects); ``problem`` says where."""

    def __init__(self, problem: Problem, kubectl_text: str):
        super().__init__(str(problem))
        self.problem = problem
        self.kubectl_text = kubectl_text
        """What kubectl says about the same YAML (``yaml: line 4: did not find expected key``)."""


_YAML_WORDS = (
    ("that cannot start any token", "found character that cannot start any token"),
    ("mapping values are not allowed here", "mapping values are not allowed in this context"),
    ("could not find expected ':'", "could not find expected ':'"),
)


def _yaml_error(err: yaml.YAMLError) -> tuple[int, str, str]:
    """(1-based line, plain-English message, kubectl's wording) for a PyYAML error."""
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None) or ""
    line = (mark.line + 1) if mark else 0
    go_line = line
    go_text = problem
    for needle, words in _YAML_WORDS:
        if needle in problem:
            go_text = words
    if isinstance(err, yaml.parser.ParserError):
        go_line = line - 1
        if "block mapping" in context:
            go_text = "did not find expected key"
        elif "block collection" in context:
            go_text = "did not find expected '-' indicator"
    if "\\t" in repr(problem) or "'\\t'" in problem:
        plain = "a tab character: YAML indents with spaces only"
    elif "block mapping" in context:
        plain = "this line's indentation does not line up with the keys above it"
    elif "mapping values are not allowed" in problem:
        plain = "a ':' where a value was expected (a missing space or newline before a key?)"
    else:
        plain = f"{problem} ({context})" if context else problem
    return line, plain, f"yaml: line {go_line}: {go_text}"


def load_manifests(text: str, filename: str = "manifest.yaml") -> list[Obj]:
    """Parse every YAML document in ``text`` (empty ones skipped) into objects."""
    try:
        docs = [d for d in safe_load_all(text) if d is not None]
    except (ExcessiveAliasing, TooDeep) as err:
        raise ManifestError(
            Problem(f"invalid YAML: {err}"),
            f"error: error parsing {filename}: error converting YAML to JSON: yaml: {err}",
        ) from None
    except yaml.YAMLError as err:
        line, plain, go = _yaml_error(err)
        raise ManifestError(
            Problem(f"invalid YAML: {plain}", line=line or None),
            f"error: error parsing {filename}: error converting YAML to JSON: {go}",
        ) from None
    for index, doc in enumerate(docs):
        if not isinstance(doc, dict):
            raise ManifestError(
                Problem(f"document {index + 1} is a {type(doc).__name__}, not a mapping of fields"),
                f"error: error parsing {filename}: error unmarshaling JSON: json: cannot unmarshal "
                f"{'array' if isinstance(doc, list) else 'string'} into Go value of type "
                f"map[string]interface {{}}",
            )
    return docs


def _label(obj: Obj) -> str:
    name = (
        (obj.get("metadata") or {}).get("name", "?")
        if isinstance(obj.get("metadata"), dict)
        else "?"
    )
    return f"{obj.get('kind', '?')}/{name}"


def _path_text(parts: list[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _type_name(value: Any) -> str:
    return {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
    }.get(type(value), "null" if value is None else type(value).__name__)


@functools.cache
def _schema_files_cached() -> None:
    """Have ``kubernetes_validate`` parse each bundled schema file once per process.

    It reads and parses the kind's schema and the 1.3 MB ``_definitions.json`` on every
    call (about 15 ms); the files never change and the validator only reads them.
    """
    from kubernetes_validate import utils

    utils.schema_contents = functools.cache(utils.schema_contents)


def schema_problems(obj: Obj, lines: dict[str, int] | None = None) -> list[Problem]:
    """Validate ``obj`` against the Kubernetes 1.32 schema (strict: no unknown fields)."""
    import kubernetes_validate
    from kubernetes_validate import utils

    _schema_files_cached()
    lines = lines or {}
    label = _label(obj)
    for field in ("apiVersion", "kind"):
        if not obj.get(field):
            return [
                Problem(
                    f"{field} not set: every object needs apiVersion and kind", field, None, label
                )
            ]
    try:
        kubernetes_validate.validate(obj, K8S_VERSION, strict=True)
    except utils.SchemaNotFoundError:
        return [
            Problem(
                f'no kind "{obj["kind"]}" in version "{obj["apiVersion"]}" '
                "(check the spelling and the apiVersion: Deployments are apps/v1, Ingresses "
                "networking.k8s.io/v1)",
                "kind",
                lines.get("kind"),
                label,
            )
        ]
    except utils.ValidationError as err:
        return [_schema_problem(err, obj, lines, label)]
    if not (obj.get("metadata") or {}).get("name"):
        return [Problem("metadata.name is required", "metadata.name", lines.get("metadata"), label)]
    return []


def _schema_problem(err: Any, obj: Obj, lines: dict[str, int], label: str) -> Problem:
    parts = list(err.absolute_path)
    path = _path_text(parts)
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        field = f"{path}.{extra[0]}" if path else extra[0]
        known = ", ".join(sorted(err.schema.get("properties", {}))[:12])
        return Problem(
            f'unknown field "{extra[0]}" (known fields here: {known})',
            field,
            lines.get(field),
            label,
        )
    if err.validator == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        field = f"{path}.{missing}" if path else missing
        return Problem(f'required field "{missing}" is missing', field, lines.get(path), label)
    if err.validator == "type" or err.validator == "format":
        expected = err.validator_value
        if isinstance(expected, list):
            expected = " or ".join(expected)
        got = _type_name(err.instance)
        return Problem(
            f"expected {expected}, got {got} {err.instance!r}", path, lines.get(path), label
        )
    if err.validator == "enum":
        allowed = ", ".join(str(v) for v in err.validator_value)
        return Problem(f"{err.instance!r} is not one of: {allowed}", path, lines.get(path), label)
    return Problem(err.message, path, lines.get(path), label)


def field_lines(text: str) -> list[dict[str, int]]:
    """For each document, the 1-based line of every field path (``spec.replicas`` -> 8)."""
    result = []
    try:
        for node in yaml.compose_all(text):
            if node is None:
                continue
            found: dict[str, int] = {}
            _walk(node, [], found)
            result.append(found)
    except yaml.YAMLError:
        return []
    return result


def _walk(node: yaml.Node, parts: list[Any], found: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = [*parts, key.value]
            found[_path_text(here)] = key.start_mark.line + 1
            _walk(value, here, found)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            here = [*parts, index]
            found[_path_text(here)] = item.start_mark.line + 1
            _walk(item, here, found)


def _labels_match(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def _container_ports(template_spec: Obj) -> dict[str, int]:
    ports: dict[str, int] = {}
    for container in template_spec.get("containers", []) or []:
        for port in container.get("ports", []) or []:
            if "containerPort" in port:
                ports[str(port.get("name") or port["containerPort"])] = port["containerPort"]
    return ports


def semantic_problems(
    objs: list[Obj],
    *,
    min_replicas: int | None = None,
    existing: Sequence[Obj] = (),
    lines: Sequence[dict[str, int]] = (),
) -> list[Problem]:
    """Cross-object checks (see the module docstring); ``existing`` = objects already there."""
    problems: list[Problem] = []
    everything = [*existing, *objs]
    workloads = [o for o in everything if o.get("kind") in {"Deployment", "ReplicaSet", "Pod"}]
    services = {
        (o.get("metadata") or {}).get("name"): o for o in everything if o.get("kind") == "Service"
    }
    for index, obj in enumerate(objs):
        at = lines[index] if index < len(lines) else {}
        label = _label(obj)
        kind, spec = obj.get("kind"), obj.get("spec") or {}
        if kind == "Deployment":
            selector = (spec.get("selector") or {}).get("matchLabels") or {}
            labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
            if not _labels_match(selector, labels):
                problems.append(
                    Problem(
                        f"selector {selector} does not match the pod template's labels "
                        f"{labels}: the Deployment "
                        "would own none of the pods it creates (kubernetes refuses it)",
                        "spec.selector.matchLabels",
                        at.get("spec.selector.matchLabels"),
                        label,
                    )
                )
            if min_replicas is not None and spec.get("replicas", 1) < min_replicas:
                problems.append(
                    Problem(
                        f"replicas is {spec.get('replicas', 1)}: ask for at least "
                        f"{min_replicas} so one pod can die "
                        "while another keeps serving",
                        "spec.replicas",
                        at.get("spec.replicas"),
                        label,
                    )
                )
        elif kind == "Service":
            problems += _service_problems(obj, workloads, at, label)
        elif kind == "Ingress":
            problems += _ingress_problems(obj, services, at, label)
        elif kind == "Secret":
            for key, value in (obj.get("data") or {}).items():
                try:
                    base64.b64decode(str(value), validate=True)
                except (binascii.Error, ValueError):
                    problems.append(
                        Problem(
                            f"data.{key} is not valid base64: put base64-encoded values under data "
                            "(echo -n VALUE | base64), or plain text under stringData",
                            f"data.{key}",
                            at.get(f"data.{key}"),
                            label,
                        )
                    )
        elif kind == "ConfigMap":
            for key, value in (obj.get("data") or {}).items():
                if SECRET_WORDS.search(str(key)):
                    why = f'key "{key}" looks like a credential'
                elif URL_PASSWORD.search(str(value)):
                    why = f'the URL in "{key}" carries a password (user:password@host)'
                else:
                    continue
                problems.append(
                    Problem(
                        f"{why}: ConfigMaps are stored and shown in plain text; put it in a Secret",
                        f"data.{key}",
                        at.get(f"data.{key}"),
                        label,
                    )
                )
    return problems


def _service_problems(
    svc: Obj, workloads: list[Obj], at: dict[str, int], label: str
) -> list[Problem]:
    spec = svc.get("spec") or {}
    selector = spec.get("selector") or {}
    if not selector:
        return [
            Problem(
                "the Service has no selector: it will send traffic to no pod",
                "spec.selector",
                at.get("spec"),
                label,
            )
        ]
    templates = []
    for obj in workloads:
        if obj.get("kind") == "Pod":
            templates.append(
                ((obj.get("metadata") or {}).get("labels") or {}, obj.get("spec") or {})
            )
        else:
            template = (obj.get("spec") or {}).get("template") or {}
            templates.append(
                ((template.get("metadata") or {}).get("labels") or {}, template.get("spec") or {})
            )
    chosen = [t for t in templates if _labels_match(selector, t[0])]
    if not chosen:
        known = sorted({f"{k}={v}" for labels, _ in templates for k, v in labels.items()})
        return [
            Problem(
                f"selector {selector} matches no pod labels "
                f"({', '.join(known) or 'no pods defined'}): "
                "the Service would have no endpoints",
                "spec.selector",
                at.get("spec.selector"),
                label,
            )
        ]
    problems = []
    ports = _container_ports(chosen[0][1])
    for index, port in enumerate(spec.get("ports") or []):
        target = port.get("targetPort", port.get("port"))
        ok = (
            str(target) in ports
            if isinstance(target, str) and not str(target).isdigit()
            else int(target) in ports.values()
        )
        if not ok:
            path = f"spec.ports[{index}].targetPort"
            problems.append(
                Problem(
                    f"targetPort {target} is not a containerPort of the selected pods "
                    f"(they declare {sorted(ports.values()) or 'none'})",
                    path,
                    at.get(path) or at.get(f"spec.ports[{index}]"),
                    label,
                )
            )
    return problems


def _ingress_problems(
    ing: Obj, services: dict[str | None, Obj], at: dict[str, int], label: str
) -> list[Problem]:
    problems = []
    if not (ing.get("spec") or {}).get("ingressClassName"):
        problems.append(
            Problem(
                "spec.ingressClassName is not set: no ingress controller will serve this Ingress "
                "(kubectl get ingressclass lists the cluster's classes)",
                "spec",
                at.get("spec"),
                label,
            )
        )
    for r, rule in enumerate((ing.get("spec") or {}).get("rules") or []):
        for p, item in enumerate(((rule.get("http") or {}).get("paths")) or []):
            backend = (item.get("backend") or {}).get("service") or {}
            path = f"spec.rules[{r}].http.paths[{p}].backend.service"
            svc = services.get(backend.get("name"))
            if svc is None:
                problems.append(
                    Problem(
                        f'backend Service "{backend.get("name")}" does not exist',
                        f"{path}.name",
                        at.get(f"{path}.name"),
                        label,
                    )
                )
                continue
            port = backend.get("port") or {}
            svc_ports = (svc.get("spec") or {}).get("ports") or []
            if not any(
                port.get("number") == sp.get("port")
                or (port.get("name") and port.get("name") == sp.get("name"))
                for sp in svc_ports
            ):
                have = ", ".join(str(sp.get("port")) for sp in svc_ports) or "none"
                problems.append(
                    Problem(
                        f'Service "{backend.get("name")}" has no port '
                        f"{port.get('number', port.get('name'))} (it has {have})",
                        f"{path}.port",
                        at.get(f"{path}.port"),
                        label,
                    )
                )
    return problems


def validate_text(
    text: str,
    filename: str = "manifest.yaml",
    *,
    min_replicas: int | None = None,
    existing: Sequence[Obj] = (),
) -> tuple[list[Obj], list[Problem]]:
    """Every check on a file's text: the objects and the problems found (empty = valid)."""
    try:
        objs = load_manifests(text, filename)
    except ManifestError as err:
        return [], [err.problem]
    if not objs:
        return [], [Problem("the file holds no Kubernetes object")]
    lines = field_lines(text)
    problems = []
    for index, obj in enumerate(objs):
        problems += schema_problems(obj, lines[index] if index < len(lines) else {})
    if problems:
        return objs, problems
    return objs, semantic_problems(objs, min_replicas=min_replicas, existing=existing, lines=lines)
