"""``kubectl port-forward``: real HTTP on 127.0.0.1 from a pod's simulated server.

``kubectl port-forward pod/web 8080:80`` (or ``deploy/web``, ``svc/web``: kubectl picks one
of their pods and, for a Service, its target port) listens on 127.0.0.1:8080 and answers
each connection the way the pod's process would: nginx's pages (the student's own image's
files, :mod:`grader.k8s.podweb`), ``Server: nginx/<version>`` and its error pages come from
the Docker sandbox's own nginx answer (:func:`grader.engine.sandbox.server.handle`); each
request shows in ``kubectl logs`` as an access-log line. Only the loopback address is ever
bound (the simulator never listens on the network), so ``--address`` accepts ``localhost``
and ``127.0.0.1``.

In a terminal it runs in the foreground, as kubectl does, until Ctrl-C or until the pod is
gone (``error: lost connection to pod``). From a notebook cell it keeps forwarding in the
background of the kernel (as ``kubectl port-forward ... &`` would) until the pod is gone or
:func:`stop_all` is called.
"""

from __future__ import annotations

import selectors
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from grader.engine.sandbox.server import handle
from grader.k8s.cluster import Cluster, ClusterError
from grader.k8s.controllers import listening_ports
from grader.k8s.grammar import Invocation, KubectlError
from grader.k8s.podweb import nginx_version, respond
from grader.k8s.result import Result
from grader.k8s.targets import kind_of, namespace

Obj = dict[str, Any]
CHECK_EVERY = 2.0
"""Seconds between checks that the pod still exists."""
LOOPBACK = {"localhost", "127.0.0.1"}


def _port(text: str, which: str) -> int:
    """A port as client-go parses it (``strconv.ParseUint(s, 10, 16)``)."""
    if not text.isdigit():
        raise KubectlError(
            f"error: error parsing {which} port '{text}': strconv.ParseUint: parsing "
            f'"{text}": invalid syntax'
        )
    if int(text) > 65535:
        raise KubectlError(
            f"error: error parsing {which} port '{text}': strconv.ParseUint: parsing "
            f'"{text}": value out of range'
        )
    return int(text)


def _ports(specs: list[str]) -> list[tuple[int, int]]:
    """``8080:80``, ``:80`` (any free local port), ``8080`` -> [(local, remote)]."""
    pairs = []
    for spec in specs:
        local, colon, remote = spec.partition(":")
        if not colon:
            remote = local
        number = _port(remote, "remote")
        if number == 0:
            raise KubectlError("error: remote port must be > 0")
        pairs.append((_port(local, "local") if local else 0, number))
    return pairs


class PodSite:
    """A pod's simulated web server, as :func:`grader.engine.sandbox.server.handle` wants it."""

    def __init__(self, folder: Path | None, namespace: str, pod: str) -> None:
        self.folder, self.namespace, self.pod = folder, namespace, pod

    def ports(self) -> set[int]:
        """The ports the pod's processes listen on."""
        return set(listening_ports(self._pod(Cluster.load(self.folder))).values())

    def pod_exists(self) -> bool:
        """Whether the pod is still there."""
        return Cluster.load(self.folder).find("Pod", self.namespace, self.pod) is not None

    def _pod(self, cluster: Cluster) -> Obj:
        pod = cluster.find("Pod", self.namespace, self.pod)
        if pod is None:
            raise LookupError(self.pod)
        return pod

    def version(self) -> str:
        """The nginx version of the pod's image."""
        with Cluster.session(self.folder) as cluster:  # keeps what it learnt of the image
            return nginx_version(cluster, self._pod(cluster))

    def respond(
        self, method: str, target: str, host: str
    ) -> tuple[int, str, dict[str, str], bytes, str]:
        """The pod's answer (:func:`grader.k8s.podweb.respond`)."""
        with Cluster.session(self.folder) as cluster:
            return respond(cluster, self._pod(cluster), method, target, host)

    def log(self, stream: int, line: str) -> None:
        """An access-log line: the request shows in ``kubectl logs`` of the pod."""
        if stream != 1:
            return
        with Cluster.session(self.folder) as cluster:
            cluster.log_request(self.pod)["line"] = line


@dataclass
class Forwarder:
    """The listening sockets of one ``kubectl port-forward`` and the pod they reach."""

    site: PodSite
    listeners: list[tuple[socket.socket, int]]
    say: Callable[[str], None]
    stop: threading.Event = field(default_factory=threading.Event)

    def serve(self, alive: Callable[[], bool]) -> None:
        """Accept connections until :attr:`stop` is set or ``alive()`` turns False."""
        chooser = selectors.DefaultSelector()
        for sock, _ in self.listeners:
            sock.setblocking(False)
            chooser.register(sock, selectors.EVENT_READ)
        waited = 0.0
        try:
            while not self.stop.is_set():
                for key, _ in chooser.select(timeout=0.2):
                    listener = cast(socket.socket, key.fileobj)  # only sockets registered
                    try:
                        conn, _ = listener.accept()
                    except OSError:
                        continue
                    conn.setblocking(True)
                    local = listener.getsockname()[1]
                    self.say(f"Handling connection for {local}\n")
                    remote = dict((s.getsockname()[1], r) for s, r in self.listeners)[local]
                    try:
                        listening = self.site.ports()
                    except LookupError:  # the pod was deleted since the last look
                        conn.close()
                        self.say("error: lost connection to pod\n")
                        return
                    if remote not in listening:
                        conn.close()
                        self.say(_refused(local, remote, self.site))
                        continue
                    threading.Thread(
                        target=handle, args=(self.site, conn, "127.0.0.1"), daemon=True
                    ).start()
                waited += 0.2
                if waited >= CHECK_EVERY:
                    waited = 0.0
                    if not alive():
                        self.say("error: lost connection to pod\n")
                        break
        finally:
            for sock, _ in self.listeners:
                sock.close()


def _refused(local: int, remote: int, site: PodSite) -> str:
    """Kubectl's (klog) line when nothing in the pod listens on the forwarded port."""
    stamp = datetime.now(UTC)
    return (
        f'E{stamp:%m%d %H:%M:%S.%f}    4242 portforward.go:424] "Unhandled Error" err="an '
        f"error occurred forwarding {local} -> {remote}: error forwarding port {remote} to pod "
        f"{site.pod}: failed to connect to localhost:{remote} inside the pod: connect: "
        'connection refused"\n'
    )


_RUNNING: list[Forwarder] = []


def stop_all() -> None:
    """End every background forwarder this process started."""
    for forwarder in _RUNNING:
        forwarder.stop.set()
    _RUNNING.clear()


def _target_pod(cluster: Cluster, inv: Invocation) -> tuple[Obj, Obj | None]:
    """(pod, Service or None) that ``TYPE/NAME`` names (a plain NAME is a pod)."""
    word = inv.args[0]
    ns = namespace(inv)
    type_word, slash, name = word.partition("/")
    if not slash:
        type_word, name = "pod", word
    kind = kind_of(type_word)
    if kind.kind == "Pod":
        return cluster.get("Pod", ns, name), None
    owner = cluster.get(kind.kind, ns, name)
    if kind.kind == "Service":
        chosen = owner["spec"].get("selector") or {}
        pods = [p for p in cluster.list("Pod", ns) if _matches(chosen, p)]
    elif kind.kind in {"Deployment", "ReplicaSet"}:
        chosen = owner["spec"].get("selector", {}).get("matchLabels") or {}
        pods = [p for p in cluster.list("Pod", ns) if _matches(chosen, p)]
    else:
        raise KubectlError(f"error: cannot attach to {kind.qualified}: not implemented")
    running = [p for p in pods if p["status"].get("phase") == "Running"]
    if not (running or pods):
        raise KubectlError("error: timed out waiting for the condition")
    return (running or pods)[0], owner if kind.kind == "Service" else None


def _matches(selector: dict[str, str], pod: Obj) -> bool:
    labels = pod["metadata"].get("labels") or {}
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def _service_target(svc: Obj, pod: Obj, port: int) -> int:
    for item in svc["spec"].get("ports", []):
        if item.get("port") == port:
            target = item.get("targetPort", port)
            if isinstance(target, str) and not target.isdigit():
                return listening_ports(pod).get(target, port)
            return int(target)
    raise KubectlError(
        f"error: Service {svc['metadata']['name']} does not have a service port {port}"
    )


def forward(
    inv: Invocation, folder: Path | None, say: Callable[[str], None], foreground: bool
) -> Result:
    """Run ``kubectl port-forward``: bind, announce, then serve (blocking or in a thread)."""
    if len(inv.args) < 2:
        raise KubectlError(
            "error: TYPE/NAME and list of ports are required for port-forward\n"
            "See 'kubectl port-forward -h' for help and examples"
        )
    addresses = [a for item in inv.options["address"] for a in item.split(",")]
    outside = [a for a in addresses if a not in LOOPBACK]
    if outside:
        raise KubectlError(
            f"error: the simulated cluster forwards on 127.0.0.1 only, not on {outside[0]}"
        )
    pairs = _ports(inv.args[1:])
    cluster = Cluster.load(folder)
    cluster.require_quorum()
    pod, svc = _target_pod(cluster, inv)
    if pod["status"].get("phase") != "Running":
        raise KubectlError(
            "error: unable to forward port because pod is not running. Current status="
            f"{pod['status'].get('phase', 'Pending')}"
        )
    if svc is not None:
        pairs = [(local or 0, _service_target(svc, pod, remote)) for local, remote in pairs]
    listeners: list[tuple[socket.socket, int]] = []
    text = ""
    for local, remote in pairs:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind(("127.0.0.1", local))
        except OSError:
            sock.close()
            for other, _ in listeners:
                other.close()
            raise KubectlError(
                f"Unable to listen on port {local}: Listeners failed to create with the "
                f"following errors: [unable to create listener: Error listen tcp4 "
                f"127.0.0.1:{local}: bind: address already in use]\n"
                f"error: unable to listen on any of the requested ports: [{{{local} {remote}}}]"
            ) from None
        sock.listen(16)
        bound = sock.getsockname()[1]
        listeners.append((sock, remote))
        text += f"Forwarding from 127.0.0.1:{bound} -> {remote}\n"
    meta = pod["metadata"]
    site = PodSite(folder, meta["namespace"], meta["name"])
    forwarder = Forwarder(site, listeners, say)

    def alive() -> bool:
        try:
            return site.pod_exists()
        except (LookupError, ClusterError):
            return False

    _RUNNING.append(forwarder)
    if foreground:
        say(text)
        try:
            forwarder.serve(alive)
        except KeyboardInterrupt:
            pass
        return Result()
    threading.Thread(target=forwarder.serve, args=(alive,), daemon=True).start()
    return Result(text)
