"""One bound on running CLI processes, shared by threads and event loops.

`Slots` counts the processes a client runs at once. Sync callers block their
thread; async callers wait on a future of their own loop, so the loop is never
blocked and no executor thread is tied up. Waiters are served first come, first
served, whichever mode they use.

A freed slot is handed straight to the next waiter (the count does not drop),
so nobody can slip in between. A waiter that gives up (its task is cancelled,
its thread interrupted) after being handed a slot passes it on at once.

NOTE: a sync call made on a thread that runs an event loop blocks that loop
while it waits; if the slots are held by tasks of that same loop, they can
never finish. Call the async methods from coroutines.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

__all__ = ["Slots"]


class _Waiter:
    """One caller waiting for a slot: a thread (event) or a task (future)."""

    __slots__ = ("event", "future", "granted", "loop")

    def __init__(
        self,
        *,
        event: threading.Event | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        future: asyncio.Future[None] | None = None,
    ) -> None:
        self.event = event
        self.loop = loop
        self.future = future
        self.granted = False

    def wake(self) -> bool:
        """Tell the waiter it holds a slot; False when it cannot be told."""
        if self.event is not None:
            self.event.set()
            return True
        if self.loop is None or self.future is None:
            return False
        try:
            self.loop.call_soon_threadsafe(_resolve, self.future)
        except RuntimeError:  # the waiter's loop is closed: nobody is waiting
            return False
        return True


def _resolve(future: asyncio.Future[None]) -> None:
    """Complete a waiter's future unless it was cancelled meanwhile."""
    if not future.done():
        future.set_result(None)


class Slots:
    """A counting bound shared by sync and async callers of one client.

    Args:
        limit: How many holders at once (at least 1).
    """

    def __init__(self, limit: int) -> None:
        """Create the bound with every slot free."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self._held = 0
        self._waiters: deque[_Waiter] = deque()
        self._lock = threading.Lock()

    @property
    def held(self) -> int:
        """How many slots are held now."""
        return self._held

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Hold one slot for the block, blocking this thread until one is free."""
        self.acquire()
        try:
            yield
        finally:
            self.release()

    @contextlib.asynccontextmanager
    async def ahold(self) -> AsyncIterator[None]:
        """Hold one slot for the block, waiting without blocking the loop."""
        await self.aacquire()
        try:
            yield
        finally:
            self.release()

    def acquire(self) -> None:
        """Take a slot, blocking this thread until one is free."""
        with self._lock:
            if self._take_free():
                return
            event = threading.Event()
            waiter = _Waiter(event=event)
            self._waiters.append(waiter)

        try:
            event.wait()
        except BaseException:
            self._abandon(waiter)
            raise

    async def aacquire(self) -> None:
        """Take a slot, waiting on the running loop until one is free."""
        with self._lock:
            if self._take_free():
                return
            loop = asyncio.get_running_loop()
            future: asyncio.Future[None] = loop.create_future()
            waiter = _Waiter(loop=loop, future=future)
            self._waiters.append(waiter)

        try:
            await future
        except BaseException:
            self._abandon(waiter)
            raise

    def release(self) -> None:
        """Give a slot back: to the first waiter, or to the free pool."""
        with self._lock:
            while self._waiters:
                waiter = self._waiters.popleft()
                waiter.granted = True
                if waiter.wake():
                    return
                waiter.granted = False
            self._held -= 1

    def _take_free(self) -> bool:
        """Take a free slot when nobody waits before us (lock held)."""
        if self._held >= self.limit or self._waiters:
            return False
        self._held += 1
        return True

    def _abandon(self, waiter: _Waiter) -> None:
        """Stop waiting; pass the slot on when it was handed over already."""
        with self._lock:
            if not waiter.granted:
                self._waiters.remove(waiter)
                return
        self.release()
