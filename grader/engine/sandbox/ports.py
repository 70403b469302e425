"""Published ports: Docker's allocation rules, real host sockets, and the helper process.

Starting a container with ``-p`` binds real sockets on the host's loopback addresses (so
``curl localhost:8080`` works and a port taken by something else fails as on Docker, while
nothing is reachable from the network: :func:`loopback`), then hands them to a
detached helper process (:mod:`.server`) that outlives the shim. Its pid is recorded in
the ``servers`` table; stop, kill and rm end it, and :func:`shutdown_all` ends them all.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from grader.engine.errors import EngineError
from grader.engine.sandbox.store import SandboxStateError, Store

if TYPE_CHECKING:
    import subprocess

JSON = dict


class PortError(EngineError):
    """The daemon's 500 "driver failed programming external connectivity"."""


def _message(name: str, endpoint: str, detail: str) -> str:
    return (
        f"driver failed programming external connectivity on endpoint {name} ({endpoint}): {detail}"
    )


def plan(doc: JSON) -> list[tuple[str, str, str]]:
    """(container port key, host ip, host port or "") for every requested binding."""
    hc = doc["HostConfig"]
    wanted: list[tuple[str, str, str]] = []
    for key, bindings in (hc.get("PortBindings") or {}).items():
        for b in bindings or [{"HostIp": "", "HostPort": ""}]:
            wanted.append((key, b.get("HostIp") or "", str(b.get("HostPort") or "")))
    if hc.get("PublishAllPorts"):
        bound = {k for k, _, _ in wanted}
        wanted += [(k, "", "") for k in (doc["Config"].get("ExposedPorts") or {}) if k not in bound]
    return wanted


def allocated(db, exclude: str) -> dict[tuple[str, int, str], str]:
    """Host (ip, port, proto) -> container name, for every running container."""
    taken: dict[tuple[str, int, str], str] = {}
    rows = db.execute(
        "SELECT id, doc FROM containers WHERE json_extract(doc, '$.State.Running') = 1 AND id != ?",
        (exclude,),
    )
    for _, raw in rows:
        doc = json.loads(raw)
        for key, bindings in (doc["NetworkSettings"]["Ports"] or {}).items():
            for b in bindings or []:
                taken[(b["HostIp"], int(b["HostPort"]), key.split("/")[1])] = doc["Name"]
    return taken


def bind(db, doc: JSON, container_ip: str, endpoint: str) -> tuple[dict, list[socket.socket]]:
    """Allocate and bind every published port of ``doc``.

    Returns:
        (NetworkSettings.Ports, the bound sockets to hand to the helper process).

    Raises:
        PortError: Docker's messages for a port another container holds ("port is already
            allocated") or something else on the host holds ("address already in use").
    """
    name = doc["Name"].lstrip("/")
    taken = allocated(db, doc["Id"])
    ports: dict[str, list[dict[str, str]] | None] = {}
    sockets: list[socket.socket] = []
    try:
        for key in sorted(doc["Config"].get("ExposedPorts") or {}):
            ports[key] = None
        for key, host_ip, host_port in plan(doc):
            proto = key.split("/")[1]
            families = (
                [("0.0.0.0", socket.AF_INET), ("::", socket.AF_INET6)]
                if not host_ip
                else [(host_ip, socket.AF_INET6 if ":" in host_ip else socket.AF_INET)]
            )
            port = int(host_port) if host_port else 0
            if port:
                for ip, _ in families:
                    clash = [
                        t
                        for t in taken
                        if t[1] == port
                        and t[2] == proto
                        and (t[0] == ip or "0.0.0.0" in (t[0], ip) or "::" in (t[0], ip))
                    ]
                    if clash and ":" not in ip:
                        raise PortError(
                            _message(
                                name,
                                endpoint,
                                f"Bind for {ip}:{port} failed: port is already allocated",
                            ),
                            500,
                        )
            bindings = []
            for ip, family in families:
                kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
                sock = socket.socket(family, kind)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if family == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                try:
                    sock.bind((loopback(ip, family), port))
                except OSError as error:
                    sock.close()
                    if family == socket.AF_INET6 and not host_ip:
                        continue
                    shown = f"[{ip}]" if ":" in ip else ip
                    detail = (
                        f"failed to bind host port for {shown}:{port}:{container_ip}:"
                        f"{key.split('/')[0]}/{proto}: {(error.strerror or str(error)).lower()}"
                    )
                    raise PortError(_message(name, endpoint, detail), 500) from None
                if proto == "tcp":
                    sock.listen(128)
                port = port or sock.getsockname()[1]
                sockets.append(sock)
                bindings.append({"HostIp": ip, "HostPort": str(port)})
                taken[(ip, port, proto)] = doc["Name"]
            if not any(b["HostIp"] == "::" for b in bindings) and not host_ip:
                bindings.append({"HostIp": "::", "HostPort": bindings[0]["HostPort"]})
            ports[key] = (ports.get(key) or []) + bindings
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return ports, sockets


def loopback(ip: str, family: int) -> str:
    """The address a sandbox helper really listens on for a binding shown as ``ip``.

    The tables and inspect show what Docker shows (``0.0.0.0:8080->80/tcp``), but a
    sandbox serves the machine it runs on only: every binding listens on the loopback
    address of its family, so a student's container is never reachable from the network.
    """
    if family == socket.AF_INET6:
        return "::1"
    return ip if ip.startswith("127.") else "127.0.0.1"


def spawn(state_dir: Path, cid: str, sockets: list[socket.socket], mode: str) -> int:
    """Start the detached helper serving ``sockets``; return its pid."""
    fds = [s.fileno() for s in sockets]
    for fd in fds:
        os.set_inheritable(fd, True)
    args = [
        sys.executable,
        "-m",
        "grader.engine.sandbox.server",
        str(state_dir),
        cid,
        mode,
        *[str(fd) for fd in fds],
    ]
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    import subprocess  # on first use: every docker command's start-up would pay for it

    process = subprocess.Popen(
        args,
        pass_fds=fds,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
        env=env,
    )
    for sock in sockets:
        sock.close()
    _children.append(process)
    return process.pid


_children: list[subprocess.Popen] = []
"""Helpers this process started (reaped when they end, so none stays a zombie)."""


REGISTRY_KEY = "registry:5000"
"""The ``servers`` key of the registry helper (``grader.engine.sandbox.registry``)."""


def _is_ours(pid: int, cid: str) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    if cid == REGISTRY_KEY:
        return b"grader.engine.sandbox.registry" in cmdline and state != "Z"
    return cid.encode() in cmdline and b"grader.engine.sandbox.server" in cmdline and state != "Z"


def kill(pid: int, cid: str) -> None:
    """End the helper ``pid`` of container ``cid`` and wait until its ports are free."""
    child = next((c for c in _children if c.pid == pid), None)
    if child is not None:
        import subprocess

        child.terminate()
        try:
            child.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        _children.remove(child)
        return
    if not _is_ours(pid, cid):
        return
    import signal  # on first use: every docker command's start-up would pay for it

    try:
        os.kill(pid, signal.SIGTERM)
    except OSError:
        return
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        for child in list(_children):
            if child.poll() is not None:
                _children.remove(child)
        if not _is_ours(pid, cid):
            return
        time.sleep(0.005)
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def shutdown_all(state_dir: Path) -> None:
    """Stop every helper process of the sandbox in ``state_dir``.

    Those recorded in the ``servers`` table, and any other helper whose command line
    names this state folder (one whose record was lost cannot outlive the sandbox).
    """
    path = Path(state_dir) / "state.db"
    if path.exists():
        try:
            store = Store(Path(state_dir))
        except SandboxStateError:
            pass  # a damaged database: the helpers are found through /proc below
        else:
            rows = store.db.execute("SELECT container_id, pid FROM servers").fetchall()
            for cid, pid in rows:
                kill(pid, cid)
            with store.write() as db:
                db.execute("DELETE FROM servers")
            store.close()
    for pid, cid in _helpers_of(Path(state_dir)):
        kill(pid, cid)


def _helpers_of(state_dir: Path) -> list[tuple[int, str]]:
    """(pid, container id or registry key) of the running helpers serving ``state_dir``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if len(argv) > 5 and argv[2] == b"grader.engine.sandbox.server":
            if argv[3].decode(errors="replace") == str(state_dir):
                found.append((int(entry.name), argv[4].decode()))
        elif len(argv) > 4 and argv[2] == b"grader.engine.sandbox.registry":
            if argv[3].decode(errors="replace") == str(state_dir / "state.db"):
                found.append((int(entry.name), REGISTRY_KEY))
    return found
