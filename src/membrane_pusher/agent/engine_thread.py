"""One long-lived thread for the offline model's native engine.

The engine's native calls (setting up tools, generating) hold their thread
for seconds without returning to Python, so a Ctrl-C in that thread would
only be seen when they end. They run on a thread of their own instead, and
the caller waits in short slices, so `KeyboardInterrupt` gets through at
once. An abandoned job finishes on its own, or dies with the process.

Every job runs on this one thread, one after the other: the engine keeps one
global model state per process, so this also serialises its calls (no lock
is needed), and it is much slower when called from a new thread each time.

It is a plain daemon thread rather than a one-worker `ThreadPoolExecutor`:
the executor's workers are joined when the interpreter exits, so a native
call abandoned on Ctrl-C would hold up the exit for as long as it runs.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeoutError
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["run_on_engine_thread"]

_WAIT_SLICE = 0.2
"""Seconds between two looks at the job: how soon a Ctrl-C is handled."""

_JOBS: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
_THREAD: threading.Thread | None = None
_THREAD_LOCK = threading.Lock()


def run_on_engine_thread(job: Callable[[], Any]) -> Any:
    """Run `job` on the engine thread and wait for it, open to Ctrl-C.

    Args:
        job: A callable without arguments.

    Returns:
        What `job` returned.

    Raises:
        BaseException: Whatever `job` raised.
        KeyboardInterrupt: When interrupted while waiting (the job goes on).
    """
    _ensure_thread()
    future: Future[Any] = Future()
    _JOBS.put((job, future))
    while True:
        try:
            return future.result(timeout=_WAIT_SLICE)
        except FutureTimeoutError:
            continue  # waking up now and then lets Python run signal handlers


def _ensure_thread() -> None:
    """Start the engine thread unless it runs already."""
    global _THREAD  # noqa: PLW0603 - one engine thread per process
    with _THREAD_LOCK:
        if _THREAD is None or not _THREAD.is_alive():
            _THREAD = threading.Thread(
                target=_serve_jobs, name="offline-model", daemon=True
            )
            _THREAD.start()


def _serve_jobs() -> None:
    """Run jobs one after the other, forever (a daemon thread)."""
    while True:
        job, future = _JOBS.get()
        if not future.set_running_or_notify_cancel():
            continue
        try:
            future.set_result(job())
        except BaseException as error:  # noqa: BLE001 - handed to the waiting caller
            future.set_exception(error)
