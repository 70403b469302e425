"""``/containers/{id}/exec`` and ``/exec/{id}/...``: exec instances over the sandbox's exec.

The sandbox runs a command in one call (``exec_run``); the Engine API splits it into create,
start (a hijacked stream) and inspect, so the daemon keeps each exec instance's settings
and exit code in memory. A shell started with a TTY and stdin (``docker exec -it web sh``)
gets a line-by-line terminal: the daemon echoes what is typed, and each line runs as
``SHELL -c LINE`` in the container until ``exit`` or Ctrl-D, as the course's own terminal
does. Without a TTY, a shell's stdin (``docker exec -i web sh < script``) is its script.
"""

from __future__ import annotations

import secrets
import socket
import threading
from typing import Any

from grader.engine.api import EngineAPI
from grader.engine.errors import Conflict, NotFound
from grader.serve.http import Reply, Request, close_writing, frame

SHELLS = {"sh", "bash", "ash", "dash", "zsh"}


class ExecTable:
    """The daemon's exec instances, by id (they last as long as the daemon)."""

    def __init__(self) -> None:
        self._items: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def add(self, item: dict[str, Any]) -> str:
        """Keep a new instance and return its id."""
        exec_id = secrets.token_hex(32)
        with self._lock:
            self._items[exec_id] = {**item, "ID": exec_id}
        return exec_id

    def get(self, exec_id: str) -> dict[str, Any]:
        """The instance ``exec_id`` (a unique prefix works too), or Docker's 404."""
        with self._lock:
            found = self._items.get(exec_id)
            if found is None:
                matches = [v for k, v in self._items.items() if k.startswith(exec_id)]
                found = matches[0] if len(matches) == 1 else None
        if found is None:
            raise NotFound(f"No such exec instance: {exec_id}")
        return found


EXECS = ExecTable()


def create(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /containers/{id}/exec``: refuse a stopped or paused container, as dockerd."""
    doc = engine.inspect_container(req.groups["id"])
    state = doc["State"]
    if state["Paused"]:
        raise Conflict(f"Container {doc['Id']} is paused, unpause the container before exec")
    if not state["Running"]:
        raise Conflict(f"container {doc['Id']} is not running")
    body = req.json()
    if not body.get("Cmd"):
        raise Conflict("No exec command specified")
    item = {
        "ContainerID": doc["Id"],
        "Running": False,
        "ExitCode": None,
        "Pid": 0,
        "OpenStdin": bool(body.get("AttachStdin")),
        "OpenStdout": bool(body.get("AttachStdout")),
        "OpenStderr": bool(body.get("AttachStderr")),
        "CanRemove": False,
        "DetachKeys": "",
        "ProcessConfig": {
            "tty": bool(body.get("Tty")),
            "entrypoint": body["Cmd"][0],
            "arguments": body["Cmd"][1:],
            "privileged": bool(body.get("Privileged")),
            "user": body.get("User") or "",
        },
        "_env": body.get("Env") or None,
        "_workdir": body.get("WorkingDir") or None,
    }
    reply.json({"Id": EXECS.add(item)}, 201)


def inspect(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``GET /exec/{id}/json``."""
    item = EXECS.get(req.groups["id"])
    reply.json({k: v for k, v in item.items() if not k.startswith("_")})


def start(engine: EngineAPI, req: Request, reply: Reply) -> None:
    """``POST /exec/{id}/start``: run the command; stream its output (hijacked)."""
    item = EXECS.get(req.groups["id"])
    body = req.json()
    config = item["ProcessConfig"]
    argv = [config["entrypoint"], *config["arguments"]]
    tty = bool(body.get("Tty", config["tty"]))
    options = {"user": config["user"], "environment": item["_env"], "workdir": item["_workdir"]}
    if body.get("Detach"):
        engine.exec_run(item["ContainerID"], argv, detach=True, **options)
        item["ExitCode"] = 0
        reply.empty(200)
        return
    item["Running"] = True
    sock = reply.hijack(tty, req.upgrade())
    try:
        if item["OpenStdin"] and _is_shell(engine, item["ContainerID"], argv):
            if tty:
                item["ExitCode"] = terminal(engine, sock, item["ContainerID"], argv[0], options)
                return
            argv = [argv[0], "-c", _read_all(sock).decode("utf-8", "replace")]
        code, out, err = engine.exec_run(item["ContainerID"], argv, tty=tty, **options)
        item["ExitCode"] = int(code or 0)
        if tty:
            sock.sendall(out + err)
        else:
            sock.sendall(
                (frame("stdout", out) if out else b"") + (frame("stderr", err) if err else b"")
            )
    finally:
        item["Running"] = False
        close_writing(sock)


def _is_shell(engine: EngineAPI, container: str, argv: list[str]) -> bool:
    if len(argv) != 1 or argv[0].rsplit("/", 1)[-1] not in SHELLS:
        return False
    found, _, _ = engine.exec_run(container, ["sh", "-c", f"command -v {argv[0]}"])
    return found == 0


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def terminal(
    engine: EngineAPI, sock: socket.socket, container: str, shell: str, options: dict[str, Any]
) -> int:
    """A line-by-line shell on a raw terminal: echo, backspace, Ctrl-C, Ctrl-D, ``exit``."""
    prompt = b"# " if options.get("user") in (None, "", "root", "0") else b"$ "
    code, line = 0, bytearray()
    sock.sendall(prompt)
    while data := sock.recv(4096):
        for byte in data:
            char = bytes([byte])
            if char in (b"\r", b"\n"):
                sock.sendall(b"\r\n")
                text = line.decode("utf-8", "replace").strip()
                line.clear()
                words = text.split()
                if words[:1] == ["exit"]:
                    return int(words[1]) if len(words) > 1 and words[1].isdigit() else code
                if text:
                    result, out, err = engine.exec_run(
                        container, [shell, "-c", text], tty=True, **options
                    )
                    code = int(result or 0)
                    sock.sendall(out + err)
                sock.sendall(prompt)
            elif char == b"\x7f":
                if line:
                    line.pop()
                    sock.sendall(b"\b \b")
            elif char == b"\x03":
                line.clear()
                sock.sendall(b"^C\r\n" + prompt)
            elif char == b"\x04" and not line:
                sock.sendall(b"exit\r\n")
                return code
            elif byte >= 0x20:
                line += char
                sock.sendall(char)
    return code
