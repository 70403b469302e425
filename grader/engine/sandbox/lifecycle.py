"""Container lifecycle: start, stop, restart, kill, pause, unpause, wait.

The main process is simulated (:mod:`.programs`). A process that ends by itself later
(``sleep 30``) gets a ``deadline``; every call first "settles" the containers whose
deadline passed, so the state is right whenever anyone looks, from any process.
"""

from __future__ import annotations

import json
import random
import time
from typing import TYPE_CHECKING, Any

from grader.engine.errors import Conflict, EngineError, InvalidArgument, NotFound
from grader.engine.sandbox import health, ports
from grader.engine.sandbox.base import JSON, SandboxBase
from grader.engine.sandbox.clock import new_id, now_ns, rfc3339_ns
from grader.engine.sandbox.fs import ContainerFS

if TYPE_CHECKING:
    from grader.engine.sandbox import programs

AUTOREMOVE_GRACE = 2.0
"""Seconds an exited ``--rm`` container stays, so a client can still read its logs."""
RESTART_DELAY = 1.0
MAX_RESTARTS_PER_SETTLE = 5
WAIT_POLL = 0.05
"""Seconds between looks at the state while a wait is read."""
EXITS_KEPT = 8
"""How many of a container's latest exits it keeps for the waits registered before them."""


def signal_name(value: str | int | None, default: str = "SIGKILL") -> str:
    """Normalise "TERM", "15", 15 or "SIGTERM" to "SIGTERM".

    Raises:
        InvalidArgument: Docker's "Invalid signal" for an unknown one.
    """
    import signal as signals  # on first use: only stop and kill name signals

    if value is None or value == "":
        return default
    text = str(value).upper()
    if text.isdigit():
        try:
            return signals.Signals(int(text)).name
        except ValueError:
            raise InvalidArgument(f"Invalid signal: {value}") from None
    name = text if text.startswith("SIG") else "SIG" + text
    if name not in signals.Signals.__members__:
        raise InvalidArgument(f"Invalid signal: {value}")
    return name


def _note_exit(doc: JSON) -> None:
    """Keep the exit just written into ``State`` (a start resets its ``ExitCode``).

    A wait registered before it reads it there (:class:`SandboxWait`), even once the
    container runs again; ``_exits`` is private, as every ``_`` key of the document.
    """
    state = doc["State"]
    kept = doc.get("_exits", [])[-(EXITS_KEPT - 1) :]
    doc["_exits"] = [*kept, [state["FinishedAt"], state["ExitCode"]]]


class LifecycleMixin(SandboxBase):
    """Start/stop endpoints and the settling of self-ending processes."""

    # -- settling --------------------------------------------------------------------
    def _settle(self) -> None:
        """Apply every due exit, restart and auto-removal."""
        now = time.time()
        due = self.store.db.execute(
            "SELECT id FROM containers WHERE deadline IS NOT NULL AND deadline <= ?", (now,)
        ).fetchall()
        for (cid,) in due:
            removal = False
            with self.store.write() as db:
                row = db.execute(
                    "SELECT doc, deadline FROM containers WHERE id = ?", (cid,)
                ).fetchone()
                if row is None or row[1] is None or row[1] > now:
                    continue
                doc = json.loads(row[0])
                if doc.get("_remove_pending"):
                    removal = True
                elif doc["State"]["Status"] == "restarting":
                    self._rerun(db, doc, row[1])
                else:
                    removal = self._exit(db, doc, doc.get("_exit_code", 0), row[1], natural=True)
            if removal:
                self._auto_remove(cid)
            else:
                self._drop_server_if_stopped(cid)
        self._probe_health(now)

    def _probe_health(self, now: float) -> None:
        """Run the health probes that fell due (the latest of each container's, once)."""
        rows = self.store.db.execute(
            "SELECT id FROM containers WHERE json_extract(doc, '$.State.Health') IS NOT NULL "
            "AND json_extract(doc, '$.State.Running') = 1"
        ).fetchall()
        for (cid,) in rows:
            with self.store.write() as db:
                row = db.execute("SELECT doc FROM containers WHERE id = ?", (cid,)).fetchone()
                doc = json.loads(row[0]) if row else None
                probes = health.due(doc, now) if doc else 0
                if not doc or not probes:
                    continue
                code, output = self._run_probe(db, doc)
                health.record(doc, probes, code, output, now)
                db.execute("UPDATE containers SET doc = ? WHERE id = ?", (json.dumps(doc), cid))

    def _run_probe(self, db: Any, doc: JSON) -> tuple[int, str]:
        """Run the health test in the container: (exit code, output as dockerd keeps it)."""
        from grader.engine.sandbox import coreutils, programs
        from grader.engine.sandbox.shell import BudgetExceeded, run_argv

        image_doc = json.loads(
            db.execute("SELECT doc FROM images WHERE id = ?", (doc["Image"],)).fetchone()[0]
        )
        from grader.engine.sandbox.reach import DockerNetwork

        fs = ContainerFS(self.store, doc, image_doc)
        ctx = programs.context(doc, fs, DockerNetwork(self.store, doc))
        try:
            code, out, err = run_argv(health.argv(doc["Config"]["Healthcheck"]), ctx)
        except BudgetExceeded:
            return -1, "Health check exceeded timeout"
        except coreutils.ExecutableNotFound as missing:
            return -1, f'exec: "{missing.name}": executable file not found in $PATH'
        return code, (out + err).decode(errors="replace")[:4096]

    def _exit(self, db: Any, doc: JSON, code: int, at: float, natural: bool) -> bool:
        """Record the main process's end; return True when the container must go (--rm)."""
        state = doc["State"]
        state.update(
            {
                "Status": "exited",
                "Running": False,
                "Paused": False,
                "Restarting": False,
                "Pid": 0,
                "ExitCode": code,
                "FinishedAt": rfc3339_ns(int(at * 1e9)),
            }
        )
        self._clear_network(doc)
        doc.pop("_exit_code", None)
        _note_exit(doc)
        deadline = None
        if natural and self._should_restart(doc, code):
            state.update({"Status": "restarting", "Running": True, "Restarting": True})
            deadline = at + RESTART_DELAY
        elif doc["HostConfig"].get("AutoRemove"):
            doc["_remove_pending"] = True
            db.execute(
                "INSERT OR REPLACE INTO exits(container_id, code, at) VALUES (?, ?, ?)",
                (doc["Id"], code, at),
            )
            if not natural or time.time() - at > AUTOREMOVE_GRACE:
                self._save_container(db, doc, at)
                return True
            deadline = at + AUTOREMOVE_GRACE
        self._save_container(db, doc, deadline)
        return False

    def _should_restart(self, doc: JSON, code: int) -> bool:
        policy = doc["HostConfig"]["RestartPolicy"]
        name = policy["Name"]
        if name in ("always", "unless-stopped"):
            return True
        if name == "on-failure" and code != 0:
            limit = policy.get("MaximumRetryCount") or 0
            return limit == 0 or doc["RestartCount"] < limit
        return False

    def _rerun(self, db: Any, doc: JSON, at: float) -> None:
        """A restart by policy: the main process runs again."""
        for _ in range(MAX_RESTARTS_PER_SETTLE):
            doc["RestartCount"] += 1
            outcome = self._run_main(db, doc, at)
            if outcome.exit_code is None or outcome.runtime:
                return
            finished = at + 0.001
            if not self._should_restart(doc, outcome.exit_code):
                self._exit(db, doc, outcome.exit_code, finished, natural=False)
                return
            doc["State"].update(
                {
                    "Status": "restarting",
                    "Running": True,
                    "Restarting": True,
                    "ExitCode": outcome.exit_code,
                    "FinishedAt": rfc3339_ns(int(finished * 1e9)),
                }
            )
            _note_exit(doc)
            at = finished + RESTART_DELAY
            if at > time.time():
                self._save_container(db, doc, at)
                return
        self._save_container(db, doc, time.time() + RESTART_DELAY)

    def _auto_remove(self, cid: str) -> None:
        self._delete_container(cid, remove_volumes=True)

    # -- start ---------------------------------------------------------------------------
    def start(self, container: str) -> None:
        """``POST /containers/{id}/start``."""
        self._settle()
        cid, doc = self._container(container)
        if doc["State"]["Paused"]:
            raise Conflict("cannot start a paused container, try unpause instead")
        if doc["State"]["Running"]:
            return
        sockets: list = []
        failure: EngineError | None = None
        removal = False
        with self.store.write() as db:
            row = db.execute("SELECT doc FROM containers WHERE id = ?", (cid,)).fetchone()
            if row is None:
                raise NotFound(f"No such container: {container}")
            doc = json.loads(row[0])
            if doc["State"]["Running"]:
                return
            try:
                self._join_networks(doc)
                ip = next((e["IPAddress"] for e in doc["NetworkSettings"]["Networks"].values()), "")
                endpoint = next(
                    (e["EndpointID"] for e in doc["NetworkSettings"]["Networks"].values()), new_id()
                )
                if doc["HostConfig"]["NetworkMode"] not in ("host", "none"):
                    bound, sockets = ports.bind(db, doc, ip, endpoint)
                    doc["NetworkSettings"]["Ports"] = bound
            except ports.PortError as error:
                self._fail_start(db, doc, error.explanation, 128)
                failure = error
            outcome = None if failure else self._run_main(db, doc, time.time())
            if outcome is not None and outcome.error:
                for sock in sockets:
                    sock.close()
                self._fail_start(db, doc, outcome.error, outcome.exit_code or 127)
                failure = EngineError(outcome.error, 400)
            if failure is None and outcome is not None:  # outcome is None only on failure
                removal = self._record_start(db, doc, outcome, sockets)
        if failure is not None:
            raise failure
        if removal:
            self._auto_remove(cid)

    def _record_start(self, db: Any, doc: JSON, outcome: programs.Outcome, sockets: list) -> bool:
        """Save a successful start; True when an --rm container already ended."""
        cid = doc["Id"]
        at = time.time()
        doc["RestartCount"] = 0
        removal = False
        if outcome.exit_code is not None and not outcome.runtime:
            removal = self._exit(db, doc, outcome.exit_code, at + 0.001, natural=True)
            for sock in sockets:
                sock.close()
            sockets = []
        elif outcome.exit_code is not None and outcome.runtime:  # runtime: never None here
            doc["_exit_code"] = outcome.exit_code
            self._save_container(db, doc, at + outcome.runtime)
        else:
            self._save_container(db, doc, None)
        if sockets:
            pid = ports.spawn(self.state_dir, cid, sockets, outcome.serves or "proxy")
            db.execute(
                "INSERT OR REPLACE INTO servers(container_id, pid, ports) VALUES (?, ?, ?)",
                (cid, pid, json.dumps(doc["NetworkSettings"]["Ports"])),
            )
        return removal

    def _run_main(self, db: Any, doc: JSON, at: float) -> programs.Outcome:
        image_doc = json.loads(
            db.execute("SELECT doc FROM images WHERE id = ?", (doc["Image"],)).fetchone()[0]
        )
        from grader.engine.sandbox import programs
        from grader.engine.sandbox.reach import DockerNetwork

        fs = ContainerFS(self.store, doc, image_doc)
        outcome = programs.start(doc, fs, DockerNetwork(self.store, doc), doc.get("_starts", 0))
        if outcome.error:
            return outcome
        doc["_starts"] = doc.get("_starts", 0) + 1
        start_ns = int(at * 1e9)
        tty = doc["Config"].get("Tty")
        db.executemany(
            "INSERT INTO logs(container_id, ts, stream, line) VALUES (?, ?, ?, ?)",
            [
                (
                    doc["Id"],
                    start_ns + int(offset * 1e9),
                    1 if tty else stream,
                    line.rstrip(b"\n") + b"\r\n" if tty else line,
                )
                for offset, stream, line in outcome.lines
            ],
        )
        doc["State"].update(
            {
                "Status": "running",
                "Running": True,
                "Paused": False,
                "Restarting": False,
                "OOMKilled": False,
                "Dead": False,
                "Pid": random.randint(1000, 60000),
                "ExitCode": 0,
                "Error": "",
                "StartedAt": rfc3339_ns(start_ns),
            }
        )
        health.started(doc)
        return outcome

    def _fail_start(self, db: Any, doc: JSON, message: str, code: int) -> None:
        doc["State"].update({"Error": message, "ExitCode": code})
        if doc["State"]["Status"] != "created":
            doc["State"]["Status"] = "exited"
            doc["State"]["FinishedAt"] = rfc3339_ns(now_ns())
        self._clear_network(doc)
        self._save_container(db, doc, None)

    def _join_networks(self, doc: JSON) -> None:
        settings = doc["NetworkSettings"]
        settings["SandboxID"] = new_id()
        settings["SandboxKey"] = f"/var/run/docker/netns/{settings['SandboxID'][:12]}"
        for name, endpoint in settings["Networks"].items():
            self._join_endpoint(doc, name, endpoint)

    def _clear_network(self, doc: JSON) -> None:
        settings = doc["NetworkSettings"]
        settings.update(
            {
                "Ports": {},
                "EndpointID": "",
                "Gateway": "",
                "IPAddress": "",
                "IPPrefixLen": 0,
                "MacAddress": "",
            }
        )
        for endpoint in settings["Networks"].values():
            endpoint.update(
                {
                    "EndpointID": "",
                    "Gateway": "",
                    "IPAddress": "",
                    "IPPrefixLen": 0,
                    "MacAddress": "",
                }
            )

    # -- stop, kill, pause ------------------------------------------------------------------
    def stop(self, container: str, timeout: int | None = None) -> None:
        """``POST /containers/{id}/stop``: the stop signal, then SIGKILL (exit 137)."""
        self._settle()
        cid, doc = self._container(container)
        if not doc["State"]["Running"]:
            return
        sig = signal_name(doc["Config"].get("StopSignal"), "SIGTERM")
        from grader.engine.sandbox import programs  # on first use: the simulated programs

        code = programs.stop_exit_code(doc, sig)
        self._terminate(cid, sig if code is not None else "SIGKILL")

    def _terminate(self, cid: str, sig: str) -> bool:
        """End the main process with ``sig``; False when the process ignores it."""
        from grader.engine.sandbox import programs

        removal = False
        with self.store.write() as db:
            row = db.execute("SELECT doc FROM containers WHERE id = ?", (cid,)).fetchone()
            doc = json.loads(row[0]) if row else None
            if doc is None or not doc["State"]["Running"]:
                return True
            code = programs.stop_exit_code(doc, sig)
            if code is None:
                return False
            if doc["State"]["Status"] == "restarting":
                code = doc["State"]["ExitCode"]
            now = time.time_ns()
            for offset, stream, line in programs.stop_lines(doc, sig):
                db.execute(
                    "INSERT INTO logs(container_id, ts, stream, line) VALUES (?, ?, ?, ?)",
                    (cid, now + int(offset * 1e9), stream, line),
                )
            removal = self._exit(db, doc, code, time.time(), natural=False)
        self._stop_server(cid)
        if removal:
            self._auto_remove(cid)
        return True

    def restart(self, container: str, timeout: int | None = None) -> None:
        """``POST /containers/{id}/restart``."""
        self.stop(container, timeout)
        self.start(container)

    def kill(self, container: str, signal: str | int | None = None) -> None:
        """``POST /containers/{id}/kill``."""
        self._settle()
        cid, doc = self._container(container)
        sig = signal_name(signal)
        if not doc["State"]["Running"] or doc["State"]["Status"] == "restarting":
            raise Conflict(f"cannot kill container: {container}: container {cid} is not running")
        self._terminate(cid, sig)

    def pause(self, container: str) -> None:
        """``POST /containers/{id}/pause``."""
        self._set_paused(container, True)

    def unpause(self, container: str) -> None:
        """``POST /containers/{id}/unpause``."""
        self._set_paused(container, False)

    def _set_paused(self, container: str, paused: bool) -> None:
        self._settle()
        cid, _ = self._container(container)
        with self.store.write() as db:
            row = db.execute("SELECT doc, deadline FROM containers WHERE id = ?", (cid,)).fetchone()
            doc, deadline = json.loads(row[0]), row[1]
            state = doc["State"]
            if paused:
                if not state["Running"]:
                    raise Conflict(f"container {cid} is not running")
                if state["Paused"]:
                    raise Conflict(f"Container {cid} is already paused")
                if state["Restarting"]:
                    raise Conflict(
                        f"Container {cid} is restarting, wait until the container is running"
                    )
            elif not state["Paused"]:
                raise EngineError(f"Container {cid} is not paused", 500)
            state["Paused"] = paused
            state["Status"] = "paused" if paused else "running"
            if deadline is not None:
                doc["_paused_left"] = (
                    max(deadline - time.time(), 0) if paused else doc.get("_paused_left")
                )
                deadline = None if paused else time.time() + (doc.pop("_paused_left", 0) or 0)
            self._save_container(db, doc, deadline)

    def wait(
        self, container: str, timeout: float | None = None, condition: str | None = None
    ) -> JSON:
        """``POST /containers/{id}/wait``: block until the main process ends."""
        found = self._container_or_kept_exit(container)
        if isinstance(found, int):
            return {"Error": None, "StatusCode": found}
        cid, doc = found
        limit = None if timeout is None else time.monotonic() + timeout
        del condition  # only "not-running" (the default) is supported
        while doc["State"]["Running"]:
            if limit is not None and time.monotonic() > limit:
                raise EngineError("context deadline exceeded", 408)
            time.sleep(WAIT_POLL)
            self._settle()
            now = self._find_container(cid)
            if now is None:
                return {"Error": None, "StatusCode": self._kept_exit(cid) or 0}
            doc = now[1]
        if doc.get("_remove_pending"):
            self._auto_remove(cid)
        return {"Error": None, "StatusCode": doc["State"]["ExitCode"]}

    def _container_or_kept_exit(self, container: str) -> tuple[str, JSON] | int:
        """The container's (ID, document), or the exit kept for an auto-removed one.

        Settles the state first. Raises ``NotFound`` when the container is neither.
        """
        self._settle()
        try:
            return self._container(container)
        except NotFound:
            code = self._kept_exit(container)
            if code is None:
                raise
            return code

    def _kept_exit(self, cid: str) -> int | None:
        """The exit code kept for an auto-removed container (None: none kept)."""
        row = self.store.db.execute(
            "SELECT code FROM exits WHERE container_id = ?", (cid,)
        ).fetchone()
        return None if row is None else int(row[0])

    def register_wait(self, container: str) -> SandboxWait:
        """``POST /containers/{id}/wait`` registered now, its answer read later.

        Registering notes the container's last exit (``FinishedAt``); the answer is the
        first exit after that, so an exit between the registration and the reading is not
        missed, whoever's call settled it. A container not running now is answered now.
        """
        found = self._container_or_kept_exit(container)
        if isinstance(found, int):
            return SandboxWait(self, container, None, found)
        cid, doc = found
        state = doc["State"]
        if state["Running"]:
            return SandboxWait(self, cid, state["FinishedAt"], None)
        return SandboxWait(self, cid, None, state["ExitCode"])

    # -- helper processes -------------------------------------------------------------------
    def _stop_server(self, cid: str) -> None:
        row = self.store.db.execute(
            "SELECT pid FROM servers WHERE container_id = ?", (cid,)
        ).fetchone()
        if row is None:
            return
        ports.kill(row[0], cid)
        with self.store.write() as db:
            db.execute("DELETE FROM servers WHERE container_id = ?", (cid,))

    def _drop_server_if_stopped(self, cid: str) -> None:
        found = self._find_container(cid)
        if found is None or not found[1]["State"]["Running"]:
            self._stop_server(cid)

    @staticmethod
    def shutdown_all(state_dir: Any) -> None:
        """Stop every helper process (HTTP servers) of the sandbox in ``state_dir``."""
        ports.shutdown_all(state_dir)


class SandboxWait:
    """A wait :meth:`LifecycleMixin.register_wait` registered (see ``RegisteredWait``).

    The sandbox's state is shared by every process using its folder, so the wait holds no
    resource: reading it looks at the state until the container's ``FinishedAt`` moves
    past the one registered, then answers the first exit after it among those the
    container keeps (:data:`EXITS_KEPT`; Docker's RFC 3339 times, all of one width, sort
    as text). One limit of the sandbox's record: a container removed meanwhile by force
    keeps no exit, and reports 0.
    """

    def __init__(
        self, engine: LifecycleMixin, cid: str, finished: str | None, code: int | None
    ) -> None:
        self._engine = engine
        self._cid = cid
        self._finished = finished
        """The container's ``FinishedAt`` at the registration (None: answered then)."""
        self._code = code

    def result(self) -> JSON:
        """Block until the container exited after the registration: {StatusCode, Error}."""
        engine = self._engine
        while self._code is None:
            engine._settle()
            found = engine._find_container(self._cid)
            if found is None:
                self._code = engine._kept_exit(self._cid) or 0
            elif found[1]["State"]["FinishedAt"] != self._finished:
                later = [code for at, code in found[1].get("_exits", []) if at > self._finished]
                self._code = later[0] if later else found[1]["State"]["ExitCode"]
            else:
                time.sleep(WAIT_POLL)
        found = engine._find_container(self._cid)
        if found is not None and found[1].get("_remove_pending"):
            engine._auto_remove(self._cid)
        return {"Error": None, "StatusCode": self._code}

    def close(self) -> None:
        """Nothing to free: the wait is only what it noted."""
