"""Measure how long child processes live, from the inside of this interpreter.

`ProcessSpans` wraps the two points every `subprocess.Popen` passes through (sync
or under asyncio): `Popen._execute_child` (spawn) and `os.waitpid` (reap). The
time between them is the process's own share of a call; whatever remains of the
call's wall time was spent in our code (validation, argv, parsing, shaping,
LangChain's tool machinery and asyncio's wake-up).

NOTE: a runner that reaps only through `Popen.poll()` bypasses `os.waitpid`'s
module attribute; spans then stay open and callers fall back to comparing wall
times with a bare `subprocess.run`.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from types import TracebackType


class ProcessSpans:
    """Record spawn and reap times of child processes while active.

    Use as a context manager; `take()` returns and clears the spans seen so far.
    """

    def __init__(self) -> None:
        """Prepare an empty recorder."""
        self._lock = threading.Lock()
        self._started: dict[int, float] = {}
        self._spans: list[float] = []
        self._original_execute: Any = None
        self._original_waitpid: Any = None

    def __enter__(self) -> Self:
        """Install the wrappers."""
        self._original_execute = subprocess.Popen._execute_child  # type: ignore[attr-defined]  # noqa: SLF001
        self._original_waitpid = os.waitpid
        recorder = self
        original_execute = self._original_execute
        original_waitpid = self._original_waitpid

        def execute_child(
            popen: subprocess.Popen[Any], *args: Any, **kwargs: Any
        ) -> Any:
            started = time.perf_counter()
            outcome = original_execute(popen, *args, **kwargs)
            with recorder._lock:
                recorder._started[popen.pid] = started
            return outcome

        def waitpid(pid: int, options: int) -> tuple[int, int]:
            reaped_pid, status = original_waitpid(pid, options)
            ended = time.perf_counter()
            if reaped_pid:
                recorder._close(reaped_pid, ended)
            return reaped_pid, status

        subprocess.Popen._execute_child = execute_child  # type: ignore[attr-defined]  # noqa: SLF001
        os.waitpid = waitpid
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Remove the wrappers."""
        subprocess.Popen._execute_child = self._original_execute  # type: ignore[attr-defined]  # noqa: SLF001
        os.waitpid = self._original_waitpid

    def _close(self, pid: int, ended: float) -> None:
        """Turn an open span into a finished one."""
        with self._lock:
            started = self._started.pop(pid, None)
            if started is not None:
                self._spans.append(ended - started)

    def take(self) -> list[float]:
        """Return the finished spans (seconds) and forget them."""
        with self._lock:
            spans, self._spans = self._spans, []
            self._started.clear()
        return spans
