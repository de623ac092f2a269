"""Stopping a CLI process and everything it started, and reaping it.

Every CLI process leads a process group of its own, so one `killpg` reaches
the `npx` -> `node` -> worker chain whole. These helpers kill that group and
wait for the child's exit status, so that no process and no zombie is left,
even when the awaiting task is cancelled again while it cleans up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import time
from typing import Any

__all__ = ["drain", "finish_spawn", "kill_group", "stop_async"]

logger = logging.getLogger(__name__)

# How long to wait for pipes to drain after the process group was killed.
DRAIN_SECONDS = 2.0


def kill_group(pid: int) -> None:
    """Kill the whole process group led by `pid` (already gone is fine).

    Args:
        pid: The pid of the group's leader, the CLI process itself.
    """
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def drain(process: subprocess.Popen[bytes]) -> None:
    """Reap a killed process, giving up on pipes a stray process keeps open.

    Args:
        process: A process whose group was just killed.
    """
    try:
        process.communicate(timeout=DRAIN_SECONDS)
    except subprocess.TimeoutExpired:
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        process.wait()


async def finish_spawn(
    spawning: asyncio.Future[asyncio.subprocess.Process],
) -> asyncio.subprocess.Process | None:
    """Wait for a spawn to end, through any cancellation of the caller.

    Args:
        spawning: The task running `asyncio.create_subprocess_exec`.

    Returns:
        The started process, or None when the spawn failed or was cancelled.
    """
    await _outlast(spawning)
    if spawning.cancelled() or spawning.exception() is not None:
        return None
    return spawning.result()


async def stop_async(process: asyncio.subprocess.Process) -> None:
    """Kill the group of an asyncio process and reap it, even while cancelled.

    Args:
        process: The CLI process, leader of its own process group.

    Raises:
        asyncio.CancelledError: When the caller was cancelled meanwhile; the
            process is reaped first all the same.
    """
    kill_group(process.pid)
    exiting = asyncio.ensure_future(process.wait())

    # asyncio's wait() also waits for the pipes to close; a process that left
    # the group may hold them open, so stop listening to them after a while.
    cancelled = await _outlast(exiting, seconds=DRAIN_SECONDS)
    if not exiting.done():
        logger.debug("pipes of group %d still open; closing them", process.pid)
        transport = getattr(process, "_transport", None)
        if transport is not None:
            transport.close()
        cancelled = await _outlast(exiting) or cancelled

    if cancelled:
        raise asyncio.CancelledError


async def _outlast(future: asyncio.Future[Any], seconds: float | None = None) -> bool:
    """Wait until the future is done (or `seconds` pass), ignoring cancellation.

    Returns:
        Whether the caller was cancelled while it waited.
    """
    deadline = None if seconds is None else time.monotonic() + seconds
    cancelled = False
    while not future.done():
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            break
        try:
            await asyncio.wait({future}, timeout=left)
        except asyncio.CancelledError:
            cancelled = True
    return cancelled
