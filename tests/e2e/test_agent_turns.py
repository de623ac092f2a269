"""Scripted agent turns through the whole chain on a real soketi.

A `GenericFakeChatModel` plays the model: it asks for exactly the tool calls a
real model would. Each call then goes through the toolkit's tool, the
`membrane` stand-in (`membrane request`, signed and forwarded), soketi, and a
real WebSocket subscriber, which is what the assertions look at.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from membrane_pusher.agent import arun_agent_turn, run_agent_turn
from membrane_pusher.sandbox.background_subscriber import BackgroundSubscriber

pytestmark = pytest.mark.soketi


def model_calling(name: str, args: dict[str, Any], answer: str = "Done.") -> Any:
    call = {"name": name, "args": args, "id": "call_e2e_1", "type": "tool_call"}
    replies = [AIMessage("", tool_calls=[call]), AIMessage(answer)]
    return GenericFakeChatModel(messages=iter(replies))


def builtin_tools(sandbox):
    return sandbox.toolkit(intents=()).get_tools()


def request_count(sandbox) -> int:
    return len(sandbox.workspace.calls("request"))


async def test_an_instruction_becomes_exactly_the_event_the_subscriber_gets(
    pusher_sandbox,
):
    # Arrange
    tools = builtin_tools(pusher_sandbox)
    args = {
        "channels": ["e2e-deploys"],
        "event": "deploy-finished",
        "data": {"service": "api", "version": "1.4.2"},
    }
    model = model_calling("pusher_trigger_event", args, "Told e2e-deploys.")
    async with pusher_sandbox.subscriber() as sub:
        await sub.subscribe("e2e-deploys")

        # Act
        turn = await arun_agent_turn(
            model, tools, "Tell e2e-deploys that api 1.4.2 is deployed."
        )
        event = await sub.wait_for(event="deploy-finished", timeout=10)
        await asyncio.sleep(0.3)
        received = sub.received

    # Assert
    [record] = turn.calls
    assert record.name == "pusher_trigger_event"
    assert record.status == "ok", record.content
    assert event.channel == "e2e-deploys"
    assert event.json() == {"service": "api", "version": "1.4.2"}
    assert [(e.event, e.channel) for e in received] == [
        ("deploy-finished", "e2e-deploys")
    ]
    assert turn.answer == "Told e2e-deploys."


def test_the_sync_loop_delivers_through_a_background_subscriber(pusher_sandbox):
    # Arrange
    tools = builtin_tools(pusher_sandbox)
    args = {"channels": ["e2e-sync"], "event": "ping", "data": "plain text"}
    model = model_calling("pusher_trigger_event", args)
    with BackgroundSubscriber(pusher_sandbox.subscriber()) as sub:
        sub.subscribe("e2e-sync")

        # Act
        turn = run_agent_turn(model, tools, "Ping e2e-sync.")
        event = sub.wait_for(event="ping", timeout=10)

    # Assert
    assert turn.calls[0].status == "ok", turn.calls[0].content
    assert turn.calls[0].duration_ms > 0
    assert event.data == "plain text"


async def test_presence_members_are_listed_with_both_ids(pusher_sandbox):
    # Arrange
    tools = builtin_tools(pusher_sandbox)
    model = model_calling("pusher_list_presence_users", {"channel": "presence-e2e"})
    async with pusher_sandbox.subscriber() as one, pusher_sandbox.subscriber() as two:
        await one.subscribe("presence-e2e", user_id="alice-1")
        await two.subscribe("presence-e2e", user_id="bob-2")

        # Act
        turn = await arun_agent_turn(model, tools, "Who is on presence-e2e?")

    # Assert
    [record] = turn.calls
    assert record.status == "ok", record.content
    shown = json.loads(record.content)
    ids = sorted(user["id"] for user in shown["users"])
    assert ids == ["alice-1", "bob-2"]


async def test_a_refused_call_sends_nothing(pusher_sandbox):
    # Arrange: one good channel and one bad one in the same call
    tools = builtin_tools(pusher_sandbox)
    args = {
        "channels": ["e2e-refused", "bad channel!"],
        "event": "deploy-finished",
        "data": {},
    }
    model = model_calling("pusher_trigger_event", args, "The channel name is invalid.")
    before = request_count(pusher_sandbox)
    async with pusher_sandbox.subscriber() as sub:
        await sub.subscribe("e2e-refused")

        # Act
        turn = await arun_agent_turn(
            model, tools, "Tell e2e-refused and 'bad channel!' it is done."
        )
        await asyncio.sleep(0.5)
        received = sub.received

    # Assert: refused as a whole, so the good channel got nothing either
    [record] = turn.calls
    assert record.status == "error"
    error = json.loads(record.content)["error"]
    assert error["type"] == "invalid_arguments"
    assert any("bad channel!" in problem for problem in error["problems"])
    assert not any("e2e-refused" in problem for problem in error["problems"])
    assert received == []
    assert request_count(pusher_sandbox) == before


async def test_terminate_closes_a_signed_in_users_connection(pusher_sandbox):
    # Arrange
    tools = builtin_tools(pusher_sandbox)
    asked: list[str] = []

    def confirm(name: str, args: dict[str, Any]) -> bool:
        asked.append(f"{name} {args['user_id']}")
        return True

    model = model_calling(
        "pusher_terminate_user_connections", {"user_id": "user-e2e-42"}, "Disconnected."
    )
    async with pusher_sandbox.subscriber() as sub:
        await sub.signin("user-e2e-42")

        # Act
        turn = await arun_agent_turn(
            model, tools, "Disconnect user-e2e-42.", confirm=confirm
        )
        code = await sub.wait_closed(timeout=10)

    # Assert
    assert asked == ["pusher_terminate_user_connections user-e2e-42"]
    assert turn.calls[0].status == "ok", turn.calls[0].content
    assert sub.closed
    assert code == 4009  # Pusher's "connection closed by the server" code


async def test_terminate_without_confirmation_leaves_the_user_connected(pusher_sandbox):
    # Arrange
    tools = builtin_tools(pusher_sandbox)
    model = model_calling(
        "pusher_terminate_user_connections", {"user_id": "user-e2e-43"}, "Not done."
    )
    before = request_count(pusher_sandbox)
    async with pusher_sandbox.subscriber() as sub:
        await sub.signin("user-e2e-43")

        # Act
        turn = await arun_agent_turn(
            model, tools, "Disconnect user-e2e-43.", confirm=lambda *_: False
        )
        await asyncio.sleep(0.5)
        still_open = not sub.closed

    # Assert
    assert turn.calls[0].status == "refused"
    assert still_open
    assert request_count(pusher_sandbox) == before
