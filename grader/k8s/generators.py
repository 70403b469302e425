"""The objects ``kubectl create deployment|configmap|secret|service|ingress|namespace`` builds.

Each builder returns the object exactly as kubectl 1.32 generates it on the client (keys in
the Go structs' order, so ``-o json`` matches; ``-o yaml`` sorts them), or raises
:class:`~grader.k8s.grammar.KubectlError` with kubectl's message for a bad value.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from grader.k8s.grammar import Invocation, KubectlError, klog_error

Obj = dict[str, Any]


def _name(inv: Invocation) -> str:
    if len(inv.args) != 1:
        raise KubectlError(
            f"error: exactly one NAME is required, got {len(inv.args)}\n"
            f"See 'kubectl {inv.path} -h' for help and examples"
        )
    return inv.args[0]


def _meta(name: str, labels: dict[str, str] | None = None) -> Obj:
    meta: Obj = {"name": name, "creationTimestamp": None}
    if labels:
        meta["labels"] = labels
    return meta


def container_name(image: str) -> str:
    """The container name kubectl derives from an image (``nginx:1.27`` -> ``nginx``)."""
    base = image.split("@")[0].rsplit("/", 1)[-1].split(":")[0]
    return re.sub(r"[^a-z0-9-]", "-", base.lower()).strip("-") or "container"


def deployment(inv: Invocation) -> Obj:
    """``kubectl create deployment NAME --image=IMAGE [--replicas=N] [--port=P] [-- COMMAND]``.

    A command after ``--`` is the first container's ``command``.
    """
    if not inv.options["image"]:
        raise klog_error('required flag(s) \\"image\\" not set')
    name = _name(inv)
    labels = {"app": name}
    containers: list[Obj] = []
    for image in inv.options["image"]:
        container: Obj = {"name": container_name(image), "image": image}
        if inv.command and not containers:
            container["command"] = list(inv.command)
        if inv.options["port"] >= 0:
            container["ports"] = [{"containerPort": inv.options["port"]}]
        container["resources"] = {}
        containers.append(container)
    return {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": _meta(name, labels),
        "spec": {
            "replicas": inv.options["replicas"],
            "selector": {"matchLabels": dict(labels)},
            "template": {"metadata": _meta_no_name(labels), "spec": {"containers": containers}},
            "strategy": {},
        },
        "status": {},
    }


def _meta_no_name(labels: dict[str, str]) -> Obj:
    return {"creationTimestamp": None, "labels": dict(labels)}


def _literals(inv: Invocation) -> dict[str, str]:
    data: dict[str, str] = {}
    for item in inv.options["from-literal"]:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise KubectlError(f"error: invalid literal source {item}, expected key=value")
        data[key] = value
    return data


def configmap(inv: Invocation) -> Obj:
    """``kubectl create configmap NAME --from-literal=KEY=VALUE ...``."""
    name = _name(inv)
    obj: Obj = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": _meta(name)}
    data = _literals(inv)
    if data:
        obj["data"] = data
    return obj


def secret(inv: Invocation) -> Obj:
    """``kubectl create secret generic NAME --from-literal=KEY=VALUE ...`` (values base64)."""
    name = _name(inv)
    obj: Obj = {"kind": "Secret", "apiVersion": "v1", "metadata": _meta(name)}
    data = {k: base64.b64encode(v.encode()).decode() for k, v in _literals(inv).items()}
    if data:
        obj["data"] = data
    if inv.options["type"]:
        obj["type"] = inv.options["type"]
    return obj


def service(inv: Invocation) -> Obj:
    """``kubectl create service clusterip|nodeport|loadbalancer NAME --tcp=PORT[:TARGET]``."""
    name = _name(inv)
    kind = {"clusterip": "ClusterIP", "nodeport": "NodePort", "loadbalancer": "LoadBalancer"}[
        inv.path.split()[-1]
    ]
    if not inv.options["tcp"]:
        raise KubectlError("error: at least one tcp port specifier must be provided")
    ports = []
    for spec in inv.options["tcp"]:
        port_text, _, target_text = spec.partition(":")
        for text in (port_text, target_text or port_text):
            if not text.isdigit():
                raise KubectlError(f'error: strconv.ParseUint: parsing "{text}": invalid syntax')
        item: Obj = {
            "name": spec.replace(":", "-") if target_text else port_text,
            "protocol": "TCP",
            "port": int(port_text),
            "targetPort": int(target_text or port_text),
        }
        if kind == "NodePort" and inv.options.get("node-port"):
            item["nodePort"] = inv.options["node-port"]
        ports.append(item)
    spec_obj: Obj = {"ports": ports, "selector": {"app": name}, "type": kind}
    if inv.options.get("clusterip"):
        spec_obj["clusterIP"] = inv.options["clusterip"]
    return {
        "kind": "Service",
        "apiVersion": "v1",
        "metadata": _meta(name, {"app": name}),
        "spec": spec_obj,
        "status": {"loadBalancer": {}},
    }


_RULE = re.compile(
    r"^(?P<host>[^/=]*)(?P<path>/[^=]*)=(?P<svc>[^:,=]+):(?P<port>[^,=]+)(?P<tls>,tls(=.*)?)?$"
)


def ingress(inv: Invocation) -> Obj:
    """``kubectl create ingress NAME --rule=host/path=service:port`` (``/*`` = Prefix)."""
    name = _name(inv)
    rules: list[Obj] = []
    for text in inv.options["rule"]:
        match = _RULE.match(text)
        if not match:
            raise KubectlError(
                f"error: rule {text} is invalid and should be in format "
                f"host/path=svcname:svcport[,tls[=secret]]"
            )
        path, path_type = match["path"], "Exact"
        if path.endswith("*"):
            path, path_type = path[:-1] or "/", "Prefix"
        port: Obj = (
            {"number": int(match["port"])} if match["port"].isdigit() else {"name": match["port"]}
        )
        item = {
            "path": path,
            "pathType": path_type,
            "backend": {"service": {"name": match["svc"], "port": port}},
        }
        host = match["host"]
        existing = next((r for r in rules if r.get("host", "") == host), None)
        if existing:
            existing["http"]["paths"].append(item)
        else:
            rule: Obj = {"host": host} if host else {}
            rule["http"] = {"paths": [item]}
            rules.append(rule)
    if not rules and not inv.options["default-backend"]:
        raise KubectlError(
            "error: not enough information provided: every ingress has to either specify a "
            "default-backend "
            "(which catches all traffic) or a list of rules (which catch specific paths)"
        )
    spec: Obj = {}
    if inv.options["class"]:
        spec["ingressClassName"] = inv.options["class"]
    spec["rules"] = rules
    return {
        "kind": "Ingress",
        "apiVersion": "networking.k8s.io/v1",
        "metadata": _meta(name),
        "spec": spec,
        "status": {"loadBalancer": {}},
    }


def namespace(inv: Invocation) -> Obj:
    """``kubectl create namespace NAME``."""
    return {
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": _meta(_name(inv)),
        "spec": {},
        "status": {},
    }


BUILDERS = {
    "create deployment": deployment,
    "create configmap": configmap,
    "create secret generic": secret,
    "create service clusterip": service,
    "create service nodeport": service,
    "create service loadbalancer": service,
    "create ingress": ingress,
    "create namespace": namespace,
}
