"""The grader's own IPython shell: runs the instructor's cells, records kernel-shaped outputs.

A fresh :class:`GraderShell` is made for each submission (in that submission's child
process), so ``%load_ext grader.magics``, ``%%docker``, ``%docker`` and the checks work
exactly as in the student's kernel. It runs only the *source* notebook's cells; the
student's answers reach it as data (:mod:`grader.grading.answers`).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from grader.grading.outputs import CellOutputs, StreamWriter


class CellTimeoutError(Exception):
    """A cell ran longer than the per-cell time limit."""


class _Publisher(DisplayPublisher):
    """``display(...)`` goes to the current cell's outputs."""

    def publish(  # noqa: D102
        self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs
    ):
        shell = self.shell
        if isinstance(shell, GraderShell) and shell.current is not None:
            shell.current.display(data)

    def clear_output(self, wait=False):  # noqa: D102
        shell = self.shell
        if isinstance(shell, GraderShell) and shell.current is not None:
            shell.current.items.clear()


class _DisplayHook(DisplayHook):
    """The value of a cell's last expression becomes an ``execute_result``."""

    def write_output_prompt(self):  # noqa: D102
        pass

    def write_format_data(self, format_dict, md_dict=None):  # noqa: D102
        shell = self.shell
        if isinstance(shell, GraderShell) and shell.current is not None:
            shell.current.result(format_dict, shell.execution_count)

    def finish_displayhook(self):  # noqa: D102
        self._is_active = False


class GraderShell(InteractiveShell):
    """An in-process IPython shell whose outputs are recorded per cell."""

    displayhook_class = _DisplayHook
    display_pub_class = _Publisher

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.current: CellOutputs | None = None
        self._stdout = StreamWriter("stdout")
        self._stderr = StreamWriter("stderr")

    def showtraceback(  # noqa: D102
        self,
        exc_tuple=None,
        filename=None,
        tb_offset=None,
        exception_only=False,
        running_compiled_code=False,
    ):
        # The cell's error output is `Name: message` (:mod:`grader.grading.outputs`), so
        # IPython's formatted traceback (pygments, stack_data: tens of milliseconds a
        # failed cell) is never built, here or for the history below.
        try:
            etype, evalue, _ = self._get_exc_info(exc_tuple)
        except ValueError:
            print("No traceback available to show.", file=sys.stderr)
            return
        if etype is UsageError:
            self.show_usage_error(evalue)
            return
        if filename and issubclass(etype, SyntaxError):
            evalue.filename = filename
        self._record_exception(etype, evalue)

    def showsyntaxerror(self, filename=None, running_compiled_code=False):  # noqa: D102
        self.showtraceback(filename=filename)

    def _format_exception_for_storage(  # noqa: D102
        self, exception, filename=None, running_compiled_code=False
    ):
        # What IPython keeps of a failed cell for ``%tb`` and the history: the same one line.
        name = type(exception).__name__
        return {"ename": name, "evalue": str(exception), "traceback": [f"{name}: {exception}"]}

    def _showtraceback(self, etype, evalue, stb):  # noqa: D102
        self._record_exception(etype, evalue)

    def _record_exception(self, etype: type | None, evalue: BaseException | None) -> None:
        if self.current is not None:
            name = getattr(etype, "__name__", "Error")
            self.current.error(name, str(evalue) if evalue is not None else "")

    @contextmanager
    def recording(self, timeout: float | None) -> Iterator[CellOutputs]:
        """Send stdout, stderr, displays and errors of the block to a new :class:`CellOutputs`.

        Args:
            timeout: seconds before the block is interrupted with :class:`CellTimeoutError`
                (recorded as the cell's error); None or 0 for no limit.
        """
        outputs = CellOutputs()
        self.current = outputs
        self._stdout.target = self._stderr.target = outputs
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = self._stdout, self._stderr
        try:
            with _time_limit(timeout):
                yield outputs
        except CellTimeoutError as error:
            outputs.error("CellTimeoutError", str(error))
        finally:
            sys.stdout, sys.stderr = saved
            self._stdout.target = self._stderr.target = None
            self.current = None

    def run_code_cell(self, source: str, timeout: float | None) -> list[dict]:
        """Run an instructor's code cell; return its outputs."""
        with self.recording(timeout) as outputs:
            self.run_cell(source, store_history=True)
        return outputs.items

    def call(self, function: Callable[[], object], timeout: float | None) -> list[dict]:
        """Run ``function`` (a magic replaying an answer) as a cell; return its outputs."""
        with self.recording(timeout) as outputs:
            try:
                function()
            except CellTimeoutError:
                raise
            except (Exception, SystemExit) as error:  # noqa: BLE001 - the cell's error output
                self._record_exception(type(error), error)
        return outputs.items


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    if not seconds:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise CellTimeoutError(
            f"A cell timed out while it was being executed, after {seconds:g} seconds."
        )

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def new_shell() -> GraderShell:
    """A fresh shell (any earlier one is dropped), without history or colours."""
    GraderShell.clear_instance()
    InteractiveShell.clear_instance()
    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.autocall = 0
    return GraderShell.instance(config=config)
