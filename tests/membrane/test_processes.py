"""Timeouts, cancellation, concurrency and argv limits, with real processes."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest

from membrane_pusher.errors import (
    CLITimeoutError,
    InputTooLargeError,
    InvalidArgumentsError,
)
from membrane_pusher.membrane.client import MembraneClient
from membrane_pusher.membrane.models import ProxyRequest
from membrane_pusher.membrane.runner import MAX_ARG_BYTES

PUSHER = "con_pusher_sandbox"
TRIGGER = "act_pusher_trigger_event"


def _wait_until_gone(pids, seconds=3.0):
    deadline = time.monotonic() + seconds
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in alive if _running(pid)]
        time.sleep(0.05)
    return alive


def _running(pid):
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _started_pids(standin):
    return [call["pid"] for call in standin.calls()] + standin.children()


def test_timeout_kills_the_whole_process_group(standin):
    standin.set_faults(
        [{"command": "connection list", "sleep": 30, "spawn_children": 2}]
    )
    client = standin.client(timeout=1.5, read_retries=0)

    with pytest.raises(CLITimeoutError) as caught:
        client.list_connections()

    assert "1.5 s" in caught.value.message
    pids = _started_pids(standin)
    assert len(pids) == 3
    assert _wait_until_gone(pids) == []
    assert not psutil.pid_exists(pids[0])  # our own child was reaped, not a zombie


def test_timeout_of_a_run_warns_that_it_may_have_happened(standin):
    standin.set_faults([{"command": "action run", "sleep": 30}])
    client = standin.client(timeout=1.0)

    with pytest.raises(CLITimeoutError) as caught:
        client.run_action(TRIGGER, PUSHER, {})

    assert "may still have taken effect" in caught.value.hint
    assert len(standin.calls("action run")) == 1


async def test_async_timeout_kills_the_process_group(standin):
    standin.set_faults(
        [{"command": "connection list", "sleep": 30, "spawn_children": 1}]
    )
    client = standin.client(timeout=1.5, read_retries=0)

    with pytest.raises(CLITimeoutError):
        await client.alist_connections()

    assert _wait_until_gone(_started_pids(standin)) == []


async def test_cancelling_the_task_kills_the_process(standin):
    standin.set_faults([{"command": "action run", "sleep": 30, "spawn_children": 1}])
    client = standin.client(timeout=60)
    task = asyncio.create_task(client.arun_action(TRIGGER, PUSHER, {}))

    while len(_started_pids(standin)) < 2:
        await asyncio.sleep(0.05)
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert _wait_until_gone(_started_pids(standin)) == []


def test_sync_calls_respect_the_concurrency_bound(standin):
    standin.set_faults([{"command": "status", "sleep": 0.6}])
    client = standin.client(max_concurrency=2)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: client.status(), range(4)))
    elapsed = time.monotonic() - started

    assert all(status.logged_in for status in results)
    assert elapsed >= 1.2  # two waves of two


async def test_async_calls_respect_the_concurrency_bound(standin):
    standin.set_faults([{"command": "status", "sleep": 0.6}])
    client = standin.client(max_concurrency=2)

    started = time.monotonic()
    results = await asyncio.gather(*(client.astatus() for _ in range(4)))
    elapsed = time.monotonic() - started

    assert all(status.logged_in for status in results)
    assert elapsed >= 1.2
    starts = sorted(call["ts"] for call in standin.calls("status"))
    assert starts[2] - starts[0] >= 0.5  # the third waited for a free slot


def test_an_oversized_argument_fails_before_any_process_starts(client, standin):
    big = "x" * (MAX_ARG_BYTES + 1)

    with pytest.raises(InputTooLargeError):
        client.run_action(TRIGGER, PUSHER, {"data": big})

    assert standin.calls() == []


def test_an_argument_just_under_the_limit_is_sent(client, standin):
    data = "x" * (MAX_ARG_BYTES - 200)

    result = client.run_action(
        TRIGGER, PUSHER, {"channels": ["c"], "name": "n", "data": data}
    )

    assert result.output["received"]["data"] == data


def test_a_nul_character_is_refused_before_any_process_starts(client, standin):
    with pytest.raises(InvalidArgumentsError) as caught:
        client.list_actions(PUSHER, "send\x00--limit=1")

    assert "NUL" in caught.value.message
    assert standin.calls() == []


def test_a_nul_inside_json_input_travels_escaped(client, standin):
    payload = {"channels": ["c"], "name": "n", "data": "a\x00b"}

    result = client.run_action(TRIGGER, PUSHER, payload)

    assert result.output["received"] == payload


def test_constructor_checks_its_numbers():
    with pytest.raises(ValueError):
        MembraneClient(command=["x"], timeout=0)
    with pytest.raises(ValueError):
        MembraneClient(command=["x"], max_concurrency=0)


async def test_sync_and_async_calls_share_one_concurrency_bound(standin):
    # Arrange: three threads and three tasks, each call busy for 0.6 s
    standin.set_faults([{"command": "status", "sleep": 0.6}])
    client = standin.client(max_concurrency=2)

    # Act
    with ThreadPoolExecutor(max_workers=3) as pool:
        threads = [pool.submit(client.status) for _ in range(3)]
        results = await asyncio.gather(*(client.astatus() for _ in range(3)))
        results += [future.result() for future in threads]

    # Assert: never three processes inside one 0.6 s window
    assert all(status.logged_in for status in results)
    starts = sorted(call["ts"] for call in standin.calls("status"))
    assert len(starts) == 6
    assert all(
        later - first >= 0.5 for first, later in zip(starts, starts[2:], strict=False)
    )
    assert client._runner.slots.held == 0


async def test_a_cancelled_waiter_gives_its_slot_back(standin):
    # Arrange: one slot, held by a slow call; a second call waits for it
    standin.set_faults([{"command": "status", "sleep": 0.6}])
    client = standin.client(max_concurrency=1)
    holder = asyncio.create_task(client.astatus())
    while not standin.calls("status"):
        await asyncio.sleep(0.02)
    waiter = asyncio.create_task(client.astatus())
    await asyncio.sleep(0.05)

    # Act
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    await holder

    # Assert: the slot is free again for sync and async calls alike
    assert client._runner.slots.held == 0
    assert (await client.astatus()).logged_in
    assert client.status().logged_in


@pytest.mark.parametrize(
    ("call", "where"),
    [
        (
            lambda c: c.run_action(
                TRIGGER, PUSHER, {"channels": ["c"], "name": "n", "data": "a\ud800"}
            ),
            "data",
        ),
        (
            lambda c: c.run_action(TRIGGER, PUSHER, {"channels": ["ok", "\udcff"]}),
            "channels[1]",
        ),
        (lambda c: c.list_actions(PUSHER, "send \ud83d"), "intent"),
        (
            lambda c: c.request(
                ProxyRequest(
                    PUSHER, "/apps/1/events", method="POST", body={"x": "\ud800"}
                )
            ),
            "body.x",
        ),
        (
            lambda c: c.argv_for_run_action(TRIGGER, PUSHER, {"a": {"\ud800": 1}}),
            "a",
        ),
        (
            lambda c: c.argv_for_request(
                ProxyRequest(PUSHER, "/apps/1/channels", query={"q": "\ud800"})
            ),
            "query.q",
        ),
    ],
)
def test_a_lone_surrogate_is_refused_before_any_process_starts(
    client, standin, call, where
):
    # Act
    with pytest.raises(InvalidArgumentsError) as caught:
        call(client)

    # Assert
    assert caught.value.problems[0].startswith(f"{where}: ")
    assert "surrogate" in caught.value.problems[0]
    caught.value.message.encode("utf-8")  # the message itself is printable
    assert standin.calls() == []


async def test_a_lone_surrogate_is_refused_in_async_calls_too(client, standin):
    # Act
    with pytest.raises(InvalidArgumentsError) as caught:
        await client.arun_action(TRIGGER, PUSHER, {"data": "\ud800"})

    # Assert
    assert caught.value.problems[0].startswith("data: ")
    assert standin.calls() == []
