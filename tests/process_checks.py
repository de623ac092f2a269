"""Process checks shared by the signal and interrupt tests.

`alive` counts a zombie as gone (it was killed; only its exit status is left),
`wait_gone` waits a bounded time for a process to go, and `reaped` kills and
reaps a child process the test started, whatever happens in the block.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING

import psutil

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Iterator


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


@contextlib.contextmanager
def reaped(process: subprocess.Popen) -> Iterator[subprocess.Popen]:
    """Yield the process; kill and reap it at the end if it still runs."""
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
