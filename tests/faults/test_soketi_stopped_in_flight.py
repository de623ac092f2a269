"""soketi stopped while a trigger is in flight through the Membrane proxy path.

The path is the sandbox's own: tool -> `MembraneClient` -> the stand-in's
`membrane request` -> signed HTTP -> soketi. A holding relay (see
`holding_proxy`) sits between the stand-in and soketi, so the test stops soketi
at a known point of the call: before the request reaches it, or after it took
the request but before its answer got back. A real subscriber counts the
events. Either way the call fails with the proxy's 502 as a Pusher API error,
within a bounded time, after exactly one attempt, and the event arrives at
most once.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, Any

import pytest
from holding_proxy import HOLD_AFTER_UPSTREAM, HOLD_BEFORE_UPSTREAM, HoldingProxy

from membrane_pusher.pusher.tools import builtin_tools
from membrane_pusher.pusher.transports.membrane_proxy import MembraneProxyTransport
from membrane_pusher.sandbox.soketi import SoketiServer
from membrane_pusher.sandbox.subscriber import PusherSubscriber

if TYPE_CHECKING:
    from collections.abc import Iterator

CHANNEL = "deploys"
EVENT = "deploy-finished"
TRIGGER = {"channels": [CHANNEL], "event": EVENT, "data": {"ok": True}}
# The whole call, including stopping soketi (SIGTERM, then SIGKILL after 3 s).
CALL_LIMIT_SECONDS = 10.0

pytestmark = [pytest.mark.soketi, pytest.mark.slow]


@pytest.fixture
def soketi(pusher_sandbox_install_dir) -> Iterator[SoketiServer]:
    """A soketi of this test's own, stopped at the end if the test did not."""
    server = SoketiServer(install_dir=pusher_sandbox_install_dir).start()
    try:
        yield server
    finally:
        server.stop()


def _trigger_tool(standin, soketi: SoketiServer, relay: HoldingProxy) -> Any:
    """The trigger tool on the stand-in, whose upstream is soketi behind the relay."""
    standin.update(
        upstream={
            "base_url": relay.base_url,
            "app_id": soketi.app_id,
            "key": soketi.key,
            "secret": soketi.secret,
        }
    )
    transport = MembraneProxyTransport(
        standin.client(timeout=CALL_LIMIT_SECONDS), "con_pusher_sandbox", soketi.app_id
    )
    [tool] = builtin_tools(transport, include={"pusher_trigger_event"})
    return tool


async def _stop_in_flight(
    tool: Any, soketi: SoketiServer, relay: HoldingProxy, subscriber: PusherSubscriber
) -> tuple[Any, float]:
    """Start the trigger, stop soketi once the relay holds it; return the answer."""
    started = time.monotonic()
    call = asyncio.create_task(
        tool.ainvoke(
            {"name": tool.name, "args": TRIGGER, "id": "c1", "type": "tool_call"}
        )
    )
    held = await asyncio.to_thread(relay.in_flight.wait, CALL_LIMIT_SECONDS)
    assert held, "the trigger never reached the relay"
    if relay.hold == HOLD_AFTER_UPSTREAM:
        # soketi took the request: its broadcast reaches the subscriber first.
        await subscriber.wait_for(event=EVENT, timeout=5)

    await asyncio.to_thread(soketi.stop)
    relay.release()
    message = await asyncio.wait_for(call, CALL_LIMIT_SECONDS)
    return message, time.monotonic() - started


def _events(subscriber: PusherSubscriber) -> int:
    return sum(1 for event in subscriber.received if event.event == EVENT)


def _pusher_error(message: Any) -> dict[str, Any]:
    assert message.status == "error", message.content
    error: dict[str, Any] = json.loads(message.content)["error"]
    assert error["type"] == "pusher_api_error", error
    assert error["status"] == 502
    assert "upstream unreachable" in error["message"]
    assert "may or may not have been applied" in error["hint"]
    return error


async def _run(hold: str, standin, soketi: SoketiServer) -> dict[str, Any]:
    """Subscribe, trigger, stop soketi at `hold`; return what each side saw."""
    relay = HoldingProxy(soketi.port, hold).start()
    tool = _trigger_tool(standin, soketi, relay)
    subscriber = PusherSubscriber(soketi.ws_url, soketi.key, soketi.secret)
    await subscriber.connect()
    await subscriber.subscribe(CHANNEL)
    try:
        message, elapsed = await _stop_in_flight(tool, soketi, relay, subscriber)
    finally:
        await subscriber.close()
        relay.close()
    return {
        "message": message,
        "elapsed": elapsed,
        "cli_calls": len(standin.calls("request")),
        "relay_received": len(relay.received),
        "reached_soketi": len(relay.passed_on),
        "events": _events(subscriber),
    }


async def test_soketi_stopped_before_it_took_the_trigger(standin, soketi, no_leftovers):
    # Act
    seen = await _run(HOLD_BEFORE_UPSTREAM, standin, soketi)

    # Assert
    _pusher_error(seen["message"])
    assert seen["elapsed"] < CALL_LIMIT_SECONDS
    assert not soketi.running
    assert seen["cli_calls"] == 1, "a write is never sent again"
    assert seen["relay_received"] == 1
    assert seen["reached_soketi"] == 0
    assert seen["events"] == 0


async def test_soketi_stopped_after_it_took_the_trigger_delivers_it_once(
    standin, soketi, no_leftovers
):
    # Act
    seen = await _run(HOLD_AFTER_UPSTREAM, standin, soketi)

    # Assert: the call fails, yet the event went out, once and never again
    _pusher_error(seen["message"])
    assert seen["elapsed"] < CALL_LIMIT_SECONDS
    assert not soketi.running
    assert seen["cli_calls"] == 1, "a write is never sent again"
    assert seen["relay_received"] == 1
    assert seen["reached_soketi"] == 1
    assert seen["events"] == 1
