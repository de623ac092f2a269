"""The one concurrency bound shared by threads and event loops."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from membrane_pusher.membrane.slots import Slots


def test_a_thread_waits_for_a_slot_freed_by_another():
    # Arrange
    slots = Slots(1)
    slots.acquire()
    entered = threading.Event()

    def hold_briefly():
        with slots.hold():
            entered.set()

    waiter = threading.Thread(target=hold_briefly)

    # Act
    waiter.start()
    time.sleep(0.1)
    blocked = not entered.is_set()
    slots.release()
    waiter.join(2)

    # Assert
    assert blocked
    assert entered.is_set()
    assert slots.held == 0


async def test_a_task_waits_without_blocking_its_loop():
    # Arrange
    slots = Slots(1)
    slots.acquire()
    task = asyncio.create_task(slots.aacquire())

    # Act: the loop keeps running while the task waits
    await asyncio.sleep(0.05)
    waited = not task.done()
    threading.Thread(target=slots.release).start()
    await asyncio.wait_for(task, 2)

    # Assert
    assert waited
    assert slots.held == 1
    slots.release()
    assert slots.held == 0


async def test_a_task_cancelled_after_being_handed_a_slot_passes_it_on():
    # Arrange
    slots = Slots(1)
    await slots.aacquire()
    first = asyncio.create_task(slots.aacquire())
    second = asyncio.create_task(slots.aacquire())
    await asyncio.sleep(0)

    # Act: the slot goes to `first`, which is cancelled before it resumes
    slots.release()
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    await asyncio.wait_for(second, 2)

    # Assert: `second` holds the only slot; nothing leaked
    assert slots.held == 1
    slots.release()
    assert slots.held == 0


async def test_a_cancelled_waiter_leaves_the_queue():
    # Arrange
    slots = Slots(1)
    await slots.aacquire()
    waiter = asyncio.create_task(slots.aacquire())
    await asyncio.sleep(0)

    # Act
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    slots.release()

    # Assert
    assert slots.held == 0
    await asyncio.wait_for(slots.aacquire(), 1)
    assert slots.held == 1


async def test_threads_and_tasks_never_exceed_the_limit():
    # Arrange
    slots = Slots(2)
    inside = 0
    most = 0
    lock = threading.Lock()

    def enter():
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)

    def leave():
        nonlocal inside
        with lock:
            inside -= 1

    def in_thread():
        with slots.hold():
            enter()
            time.sleep(0.02)
            leave()

    async def in_task():
        async with slots.ahold():
            enter()
            await asyncio.sleep(0.02)
            leave()

    # Act
    threads = [threading.Thread(target=in_thread) for _ in range(6)]
    for thread in threads:
        thread.start()
    await asyncio.gather(*(in_task() for _ in range(6)))
    for thread in threads:
        thread.join(5)

    # Assert
    assert most == 2
    assert slots.held == 0


def test_the_limit_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        Slots(0)
