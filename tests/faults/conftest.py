"""Fixtures for fault-injection tests: leftover-process checks and call counts."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

import psutil
import pytest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager

# How long a killed process group may take to disappear.
_GRACE_SECONDS = 3.0


def _processes_of(marker: str | None) -> set[int]:
    """Return our live descendants, plus any process whose environment names `marker`.

    Orphans of a killed process group are re-parented to init, so the marker
    (the stand-in's workspace path) is how they are found.
    """
    found = {
        child.pid
        for child in psutil.Process().children(recursive=True)
        if _alive(child)
    }
    if marker is None:
        return found
    for process in psutil.process_iter(["pid"]):
        try:
            environ = process.environ()
        except (psutil.Error, OSError):
            continue
        if marker in environ.values() and _alive(process):
            found.add(process.pid)
    return found


def _alive(process: psutil.Process) -> bool:
    """Tell whether a process was left behind.

    A running process counts, and so does a zombie whose parent is this test
    process (we failed to reap it). A zombie re-parented to an init that does
    not reap (as in some containers) was killed and counts as gone.
    """
    try:
        if process.status() == psutil.STATUS_ZOMBIE:
            return process.ppid() == os.getpid()
        return process.status() != psutil.STATUS_DEAD
    except psutil.NoSuchProcess:
        return False


def _alive_pid(pid: int) -> bool:
    """Tell whether a process id belongs to a running (or zombie) process."""
    try:
        return _alive(psutil.Process(pid))
    except psutil.Error:
        return False


def leftover_processes(before: set[int], marker: str | None = None) -> set[int]:
    """Wait up to a grace period; return processes started since `before`."""
    deadline = time.monotonic() + _GRACE_SECONDS
    while True:
        extra = _processes_of(marker) - before
        if not extra or time.monotonic() > deadline:
            return extra
        time.sleep(0.05)


@pytest.fixture
def no_leftovers(standin) -> Iterator[None]:
    """Fail the test when it leaves a process of ours (or of the stand-in) behind."""
    marker = str(standin.path)
    before = _processes_of(marker)

    yield

    extra = leftover_processes(before, marker)
    extra |= {pid for pid in standin.children() if _alive_pid(pid)}
    described = []
    for pid in extra:
        try:
            described.append(f"{pid}: {psutil.Process(pid).cmdline()}")
        except psutil.Error:
            described.append(str(pid))
    assert not extra, f"processes left behind: {described}"


@pytest.fixture
def count_calls(standin) -> Callable[[str], int]:
    """Return a function counting the stand-in's recorded calls of one command."""

    def count(command: str) -> int:
        return len(standin.calls(command))

    return count


@contextmanager
def _finishes_within(seconds: float) -> Iterator[None]:
    started = time.monotonic()
    yield
    elapsed = time.monotonic() - started
    assert elapsed < seconds, (
        f"took {elapsed:.1f} s; no fault may hang past {seconds} s"
    )


@pytest.fixture
def within() -> Callable[[float], AbstractContextManager[None]]:
    """Return `within(seconds)`: a block that fails the test when it takes longer."""
    return _finishes_within
