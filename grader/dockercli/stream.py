"""Follow an endless stream (``logs -f``, a foreground ``run``) with a time bound.

The items come from a background thread, so the caller can stop waiting when the bound
is reached or the user presses Ctrl-C (KeyboardInterrupt), leaving the kernel usable.
When the engine says the stream has gone quiet (:data:`grader.engine.api.FOLLOW_QUIET`:
while grading, nothing else can add a line), following ends at once with the outcome the
bound would have given, so the grader never waits out a demo cell's ``--timeout``.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from grader.engine.api import FOLLOW_QUIET

_END = object()

QUIET_JOIN = 5.0
"""Seconds to wait, after a quiet mark, for the stream's reader to stop."""


def follow(items: Iterable[Any], handle: Callable[[Any], None], timeout: float | None) -> str:
    """Pass each item to ``handle`` until the stream ends, the bound passes, or Ctrl-C.

    Returns:
        "end", "timeout" or "interrupted".
    """
    pipe: queue.Queue[Any] = queue.Queue()
    failure: list[BaseException] = []
    stop = threading.Event()

    def pump() -> None:
        iterator = iter(items)
        try:
            for item in iterator:
                if stop.is_set():
                    break
                pipe.put(item)
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()  # ends the engine's stream (HTTP response, polling loop)
            pipe.put(_END)

    pumping = threading.Thread(target=pump, daemon=True, name="docker-follow")
    pumping.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        outcome = _drain(pipe, handle, deadline, failure)
    except KeyboardInterrupt:
        return "interrupted"
    finally:
        stop.set()
    if outcome == "quiet":
        # A quiet stream says so again at its next poll, where the pump stops: no reader of
        # the engine's state is left running beside the next command.
        pumping.join(QUIET_JOIN)
        return "timeout"
    return outcome


def _drain(
    pipe: queue.Queue[Any],
    handle: Callable[[Any], None],
    deadline: float | None,
    failure: list[BaseException],
) -> str:
    """Hand queued items on until the end marker, a quiet mark or the deadline."""
    while True:
        wait = None if deadline is None else deadline - time.monotonic()
        if wait is not None and wait <= 0:
            return "timeout"
        try:
            item = pipe.get(timeout=min(wait, 0.25) if wait is not None else 0.25)
        except queue.Empty:
            continue
        if item is _END:
            if failure:
                raise failure[0]
            return "end"
        if item is FOLLOW_QUIET:
            return "quiet"
        handle(item)


def stop_note(outcome: str, timeout: float | None, what: str) -> str:
    """The short stderr note printed when following stopped early ("" when it ended)."""
    if outcome == "timeout":
        return f"(stopped following after {timeout:g}s; {what})\n"
    if outcome == "interrupted":
        return f"(interrupted; {what})\n"
    return ""
