"""Readiness and liveness probes, as a node's kubelet runs them.

A probe asks a running container a question every ``periodSeconds``, starting
``initialDelaySeconds`` after the container started: an HTTP GET (``httpGet``: a status from
200 to 399 passes), a TCP connection (``tcpSocket``: the port accepts), a command (``exec``:
exit code 0 passes) or a gRPC health check (``grpc``). The simulator answers from what it knows
of the pod's processes: the ports they listen on (:func:`controllers.listening_ports`), the
pages an nginx or httpd image serves from its document root (anything else is their 404), the
pages a student's own nginx image serves, read from its files (:mod:`grader.k8s.pages`), and
what ``kubectl exec`` would run (:func:`execsim.exec_in_pod`). An image whose web routes the
simulator does not know (a node app) answers every path, and a gRPC check passes when its
port listens.

- A failing **readiness** probe keeps the container not ready: the pod shows ``0/1`` READY and
  every Service that selects it leaves it out of its endpoints. Nothing is restarted.
- A failing **liveness** probe has the container stopped after ``failureThreshold`` failures
  in a row, and the kubelet starts it again in the same pod (RESTARTS rises, later restarts
  back off as after a crash). nginx and httpd stop cleanly on the kubelet's SIGTERM (exit code
  0); other processes are killed when the grace period ends (exit code 137).

The simulated processes never change their answers, so a probe that fails fails every time and
the timeline is computed from the container's start, as the kubelet's restarts are.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grader.k8s import kubelet, pages

if TYPE_CHECKING:
    from grader.k8s.cluster import Cluster

Obj = dict[str, Any]
DEFAULTS = {
    "initialDelaySeconds": 0,
    "timeoutSeconds": 1,
    "periodSeconds": 10,
    "successThreshold": 1,
    "failureThreshold": 3,
}
"""The kubelet's probe settings when a manifest leaves them out."""

DOCUMENT_ROOTS = {
    "nginx": {"/", "/index.html", "/50x.html"},
    "website": {"/", "/index.html", "/50x.html"},
    "httpd": {"/", "/index.html"},
}
"""The pages the web-server images serve: every other path is their 404."""

STOPS_ON_SIGTERM = {"nginx", "website", "httpd"}
"""Images whose main process exits cleanly (code 0) when the kubelet asks it to stop."""

GRACE_SECONDS = 30
"""``terminationGracePeriodSeconds`` when the pod does not set it."""


@dataclass(frozen=True)
class Verdict:
    """One probe's answer."""

    passed: bool
    detail: str = ""
    """Why it failed, in the kubelet's words ("HTTP probe failed with statuscode: 404")."""


def settings(probe: Obj) -> dict[str, int]:
    """The probe's timing settings, with the kubelet's defaults filled in."""
    return {key: int(probe.get(key, default)) for key, default in DEFAULTS.items()}


def _port(pod: Obj, port: Any) -> tuple[str, bool]:
    """(the port as the kubelet names it, whether a process of the pod listens there)."""
    from grader.k8s.controllers import listening_ports  # controllers runs the probes

    listening = listening_ports(pod)
    if isinstance(port, str) and not port.isdigit():
        number = listening.get(port)
        return (str(number), True) if number is not None else (port, False)
    return str(port), int(port) in listening.values()


def _http_status(cluster: Cluster, pod: Obj, container: Obj, path: str) -> int:
    served = DOCUMENT_ROOTS.get(kubelet.repository(str(container.get("image", ""))))
    if served is None:
        judged = pages.status(cluster, pod, container, path)
        return 200 if judged is None else judged
    return 200 if path.split("?")[0] in served else 404


def verdict(cluster: Cluster, pod: Obj, container: Obj, probe: Obj) -> Verdict:
    """What ``probe`` answers now for ``container`` of ``pod``."""
    ip = pod.get("status", {}).get("podIP") or pod["metadata"]["name"]
    if "exec" in probe:
        from grader.k8s.execsim import exec_in_pod

        command = [str(word) for word in (probe["exec"].get("command") or [])]
        out, err, code = exec_in_pod(cluster, pod, command)
        if code == 0:
            return Verdict(True)
        return Verdict(False, (out + err).strip() or f"command {shlex.join(command)} failed")
    for kind in ("httpGet", "tcpSocket", "grpc"):
        if kind in probe:
            action = probe[kind]
            port, listens = _port(pod, action.get("port"))
            break
    else:
        return Verdict(True)  # a probe without an action is refused by validation
    if kind == "grpc" and not listens:
        return Verdict(False, f'timeout: failed to connect service "{ip}:{port}" within 1s')
    if not listens:
        refused = f"dial tcp {ip}:{port}: connect: connection refused"
        if kind == "tcpSocket":
            return Verdict(False, refused)
        scheme = str(action.get("scheme", "HTTP")).lower()
        path = action.get("path", "/")
        return Verdict(False, f'Get "{scheme}://{ip}:{port}{path}": {refused}')
    if kind == "httpGet":
        status = _http_status(cluster, pod, container, str(action.get("path", "/")))
        if not 200 <= status < 400:
            return Verdict(False, f"HTTP probe failed with statuscode: {status}")
    return Verdict(True)


def ready(cluster: Cluster, pod: Obj, container: Obj, running_for: float) -> bool:
    """Whether a container running for ``running_for`` seconds passes its readiness probe."""
    probe = container.get("readinessProbe")
    if not probe:
        return True
    if running_for < settings(probe)["initialDelaySeconds"]:
        return False
    return verdict(cluster, pod, container, probe).passed


def with_liveness(
    cluster: Cluster, pod: Obj, container: Obj, exit: kubelet.Exit | None
) -> kubelet.Exit | None:
    """How the container's runs end once a failing liveness probe has its say.

    ``exit`` is how the process ends by itself (None: it keeps running); a failing probe
    stops it earlier.
    """
    probe = container.get("livenessProbe")
    if not probe or verdict(cluster, pod, container, probe).passed:
        return exit
    timing = settings(probe)
    stopped = timing["initialDelaySeconds"] + timing["periodSeconds"] * (
        timing["failureThreshold"] - 1
    )
    if kubelet.repository(str(container.get("image", ""))) in STOPS_ON_SIGTERM:
        ending = kubelet.Exit(0, "Completed", float(max(stopped, 1)))
    else:
        grace = int(pod["spec"].get("terminationGracePeriodSeconds", GRACE_SECONDS))
        ending = kubelet.Exit(137, "Error", float(max(stopped + grace, 1)))
    if exit is not None and exit.after <= ending.after:
        return exit
    return ending


def failures(cluster: Cluster, pod: Obj) -> dict[str, list[tuple[str, str]]]:
    """Container name -> the probes failing now, as (Readiness|Liveness, detail)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for container in pod["spec"].get("containers", []):
        for kind, key in (("Readiness", "readinessProbe"), ("Liveness", "livenessProbe")):
            probe = container.get(key)
            if probe:
                answer = verdict(cluster, pod, container, probe)
                if not answer.passed:
                    found.setdefault(container.get("name", ""), []).append((kind, answer.detail))
    return found


def describe(probe: Obj) -> str:
    """A probe as ``kubectl describe pod`` shows it (``http-get http://:80/ delay=0s ...``)."""
    timing = settings(probe)
    if "httpGet" in probe:
        action = probe["httpGet"]
        scheme = str(action.get("scheme", "HTTP")).lower()
        what = f"http-get {scheme}://{action.get('host', '')}:{action.get('port')}"
        what += str(action.get("path", "/"))
    elif "tcpSocket" in probe:
        what = f"tcp-socket :{probe['tcpSocket'].get('port')}"
    elif "grpc" in probe:
        what = f"grpc <pod>:{probe['grpc'].get('port')} {probe['grpc'].get('service', '')}"
    else:
        what = "exec [" + " ".join(str(w) for w in probe.get("exec", {}).get("command") or []) + "]"
    return (
        f"{what.rstrip()} delay={timing['initialDelaySeconds']}s "
        f"timeout={timing['timeoutSeconds']}s period={timing['periodSeconds']}s "
        f"#success={timing['successThreshold']} #failure={timing['failureThreshold']}"
    )
