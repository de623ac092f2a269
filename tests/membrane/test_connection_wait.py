"""`connection get --wait --timeout`: the CLI's wait and the call stay bounded."""

from __future__ import annotations

import time

import pytest

from membrane_pusher.errors import CLITimeoutError
from membrane_pusher.membrane import commands

PUSHER = "con_pusher_sandbox"


@pytest.mark.parametrize(
    ("timeout", "flag"),
    [
        (0.2, "--timeout=1"),
        (2.0, "--timeout=2"),
        (2.1, "--timeout=3"),
        (600, "--timeout=60"),
    ],
)
def test_the_wait_is_whole_seconds_within_the_api_range(timeout, flag):
    args = commands.connection_get_args(PUSHER, wait=True, timeout=timeout)

    assert args == ["connection", "get", PUSHER, "--wait", flag, "--json"]


def test_no_timeout_flag_without_wait():
    assert "--timeout" not in " ".join(
        commands.connection_get_args(PUSHER, wait=False, timeout=5)
    )


def test_a_bounded_poll_is_cut_at_its_timeout_and_not_retried(client, standin):
    # arrange: `connection get` hangs far longer than the poll may take
    standin.set_faults([{"command": "connection get", "sleep": 20}])

    # act
    started = time.monotonic()
    with pytest.raises(CLITimeoutError):
        client.get_connection(PUSHER, wait=True, timeout=1)
    elapsed = time.monotonic() - started

    # assert: one attempt of about timeout + the one-second margin
    assert elapsed < 4
    assert len(standin.calls("connection get")) == 1


async def test_the_async_twin_is_bounded_too(client, standin):
    standin.set_faults([{"command": "connection get", "sleep": 20}])

    started = time.monotonic()
    with pytest.raises(CLITimeoutError):
        await client.aget_connection(PUSHER, wait=True, timeout=1)

    assert time.monotonic() - started < 4
    assert len(standin.calls("connection get")) == 1


def test_a_plain_get_keeps_its_retries(client, standin):
    standin.set_faults([{"command": "connection get", "times": 1, "garbage": True}])

    assert client.get_connection(PUSHER).id == PUSHER
    assert len(standin.calls("connection get")) == 2
