"""Container logs: every line with its time, filtered like ``GET /containers/{id}/logs``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from grader.engine.api import FOLLOW_QUIET
from grader.engine.errors import InvalidArgument
from grader.engine.safety import grading_mode
from grader.engine.sandbox.base import SandboxBase
from grader.engine.sandbox.clock import parse_rfc3339, rfc3339_ns

STREAMS = {1: "stdout", 2: "stderr"}
FOLLOW_POLL = 0.1


def to_ns(value: Any) -> int | None:
    """A since/until value in Unix nanoseconds (None or 0: unset).

    Accepts what docker-py passes: datetime, Unix int/float, RFC 3339 or "sec.nanos" text.
    """
    if value is None or value == 0 or value == "":
        return None
    if isinstance(value, datetime):
        return int(value.timestamp() * 1e9)
    if isinstance(value, int | float):
        return int(value * 1e9)
    text = str(value)
    try:
        seconds, _, frac = text.partition(".")
        return int(seconds) * 1_000_000_000 + int((frac + "000000000")[:9] or 0)
    except ValueError:
        pass
    try:
        return int(parse_rfc3339(text) * 1e9)
    except ValueError:
        raise InvalidArgument(
            f'invalid value for "since": failed to parse value as time or duration: "{text}"'
        ) from None


class LogsMixin(SandboxBase):
    """``GET /containers/{id}/logs``."""

    def logs(
        self,
        container: str,
        stdout: bool = True,
        stderr: bool = True,
        timestamps: bool = False,
        tail: str | int = "all",
        since: Any = None,
        until: Any = None,
        follow: bool = False,
    ) -> Iterator[tuple[str, bytes]]:
        """(stream, line) pairs; with ``timestamps`` each line starts with its RFC 3339 time."""
        self._settle()
        cid, _ = self._container(container)
        streams = [s for s, wanted in ((1, stdout), (2, stderr)) if wanted]
        since_ns, until_ns = _int64(to_ns(since)), _int64(to_ns(until))
        if tail in ("all", None, "") or int(tail) < 0:
            count = None
        else:
            count = int(tail)
        first = self._select(cid, streams, since_ns, until_ns, count, after=0)
        return self._stream(cid, streams, first, timestamps, until_ns, follow)

    def _select(
        self,
        cid: str,
        streams: list[int],
        since_ns: int | None,
        until_ns: int | None,
        count: int | None,
        after: int,
    ) -> list[tuple[int, int, int, bytes]]:
        if not streams:
            return []
        now = time.time_ns()
        query = (
            "SELECT seq, ts, stream, line FROM logs WHERE container_id = ? AND seq > ? AND ts <= ? "
            f"AND stream IN ({','.join('?' * len(streams))})"
        )
        args: list[Any] = [cid, after, now, *streams]
        if since_ns is not None:
            query += " AND ts > ?"
            args.append(since_ns)
        if until_ns is not None:
            query += " AND ts <= ?"
            args.append(until_ns)
        if count is not None:
            rows = self.store.db.execute(
                query + " ORDER BY seq DESC LIMIT ?", (*args, count)
            ).fetchall()
            return sorted(rows)
        return self.store.db.execute(query + " ORDER BY seq", args).fetchall()

    def _stream(
        self,
        cid: str,
        streams: list[int],
        first: list,
        timestamps: bool,
        until_ns: int | None,
        follow: bool,
    ) -> Iterator[tuple[str, bytes]]:
        last = 0
        for seq, ts, stream, line in first:
            last = max(last, seq)
            yield (
                STREAMS[stream],
                (rfc3339_ns(ts) + " ").encode() + bytes(line) if timestamps else bytes(line),
            )
        if not follow:
            return
        last = max(last, self._max_seq_before_now(cid))
        while True:
            self._settle()
            found = self._find_container(cid)
            rows = self._select(cid, streams, None, until_ns, None, after=last)
            for seq, ts, stream, line in rows:
                last = max(last, seq)
                yield (
                    STREAMS[stream],
                    (rfc3339_ns(ts) + " ").encode() + bytes(line) if timestamps else bytes(line),
                )
            if found is None or not found[1]["State"]["Running"]:
                return
            if until_ns is not None and time.time_ns() > until_ns:
                return
            if grading_mode() and self._quiet(cid, last):
                yield FOLLOW_QUIET
            time.sleep(FOLLOW_POLL)

    def _quiet(self, cid: str, last: int) -> bool:
        """Whether container ``cid`` will write nothing after line ``last`` by itself.

        It has no line still to come (a script's later output) and no time at which its
        main process ends; only a request to its published ports or an exec, from outside
        the cell that follows it, could add a line.
        """
        row = self.store.db.execute(
            "SELECT deadline IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM logs WHERE container_id = ? AND seq > ?) "
            "FROM containers WHERE id = ?",
            (cid, last, cid),
        ).fetchone()
        return bool(row and row[0])

    def _max_seq_before_now(self, cid: str) -> int:
        row = self.store.db.execute(
            "SELECT MAX(seq) FROM logs WHERE container_id = ? AND ts <= ?", (cid, time.time_ns())
        ).fetchone()
        return row[0] or 0


def _int64(ns: int | None) -> int | None:
    """A time in nanoseconds within SQLite's (and the daemon's) 64-bit integers."""
    return None if ns is None else max(-(2**63), min(ns, 2**63 - 1))
