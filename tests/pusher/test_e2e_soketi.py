"""End to end against a real soketi on 127.0.0.1, through the direct transport.

The session's `pusher_sandbox` (the sandbox's pytest plugin) provides soketi,
and its `PusherSubscriber` receives what each tool sends.
"""

from __future__ import annotations

import json

import pytest

from membrane_pusher.errors import PusherAPIError
from membrane_pusher.pusher import encryption
from membrane_pusher.pusher.config import PusherSettings
from membrane_pusher.pusher.operations import OPERATIONS, PusherRequest
from membrane_pusher.pusher.tools import builtin_tools, pusher_tool
from membrane_pusher.pusher.transports.direct import DirectTransport
from membrane_pusher.pusher.transports.responses import interpret_response

pytestmark = pytest.mark.soketi


@pytest.fixture
def settings(pusher_sandbox):
    return PusherSettings.from_url(
        pusher_sandbox.base_url.replace(
            "http://", f"http://{pusher_sandbox.key}:{pusher_sandbox.secret}@"
        )
        + f"/apps/{pusher_sandbox.app_id}"
    )


@pytest.fixture
def tools(settings):
    return {
        tool.name: tool for tool in builtin_tools(DirectTransport(settings, timeout=5))
    }


async def nothing_named(listener, event, wait=0.5):
    """Tell whether no message named `event` arrives within `wait` seconds."""
    try:
        await listener.wait_for(event=event, timeout=wait)
    except TimeoutError:
        return True
    return False


async def run(tools, name, arguments):
    message = await tools[name].ainvoke(
        {"type": "tool_call", "name": name, "args": arguments, "id": "1"}
    )
    assert message.status == "success", message.content
    return json.loads(message.content)


async def refused(tools, name, arguments):
    message = await tools[name].ainvoke(
        {"type": "tool_call", "name": name, "args": arguments, "id": "1"}
    )
    assert message.status == "error", message.content
    return json.loads(message.content)["error"]


async def test_trigger_reaches_subscribers_except_the_excluded(pusher_sandbox, tools):
    async with (
        pusher_sandbox.subscriber() as first,
        pusher_sandbox.subscriber() as second,
    ):
        await first.subscribe("orders")
        await second.subscribe("private-orders")
        await second.subscribe("orders")

        await run(
            tools,
            "pusher_trigger_event",
            {
                "channels": ["orders", "private-orders"],
                "event": "created",
                "data": {"id": 7, "name": "ü"},
            },
        )
        received = await first.wait_for(event="created")
        assert (received.channel, json.loads(received.data)) == (
            "orders",
            {"id": 7, "name": "ü"},
        )
        assert {(await second.wait_for(event="created")).channel for _ in range(2)} == {
            "orders",
            "private-orders",
        }

        await run(
            tools,
            "pusher_trigger_event",
            {
                "channels": ["orders"],
                "event": "quiet",
                "data": "x",
                "socket_id": first.socket_id,
            },
        )
        assert (await second.wait_for(event="quiet")).data == "x"
        assert await nothing_named(first, "quiet")


async def test_largest_payload_delivered(pusher_sandbox, tools):
    data = "😀" * 2560
    async with pusher_sandbox.subscriber() as listener:
        await listener.subscribe("big")
        await run(
            tools,
            "pusher_trigger_event",
            {"channels": ["big"], "event": "e", "data": data},
        )
        assert (await listener.wait_for(event="e")).data == data


async def test_batch_delivers_every_event(pusher_sandbox, tools):
    async with pusher_sandbox.subscriber() as listener:
        await listener.subscribe("b1")
        await listener.subscribe("b2")
        events = [
            {"channel": "b1", "event": "one", "data": "1"},
            {"channel": "b2", "event": "two", "data": {"n": 2}},
        ]
        await run(tools, "pusher_trigger_batch", {"events": events})
        assert (await listener.wait_for(event="one")).channel == "b1"
        assert json.loads((await listener.wait_for(event="two")).data) == {"n": 2}


async def test_channels_and_channel(pusher_sandbox, tools):
    async with pusher_sandbox.subscriber() as listener:
        await listener.subscribe("room-1")
        await listener.subscribe("presence-lobby", user_id="alice")
        listed = await run(tools, "pusher_list_channels", {})
        assert {"room-1", "presence-lobby"} <= set(listed["channels"])
        filtered = await run(
            tools,
            "pusher_list_channels",
            {"prefix": "presence-", "info": ["user_count"]},
        )
        assert set(filtered["channels"]) == {"presence-lobby"}
        channel = await run(
            tools,
            "pusher_get_channel",
            {"channel": "room-1", "info": ["subscription_count"]},
        )
        assert channel["occupied"] is True
        assert channel["subscription_count"] == 1
        presence = await run(
            tools,
            "pusher_get_channel",
            {"channel": "presence-lobby", "info": ["user_count"]},
        )
        assert presence["user_count"] == 1
    empty = await run(tools, "pusher_get_channel", {"channel": "nobody-here"})
    assert empty["occupied"] is False


async def test_presence_users_with_two_users(pusher_sandbox, tools):
    async with pusher_sandbox.subscriber() as alice, pusher_sandbox.subscriber() as bob:
        await alice.subscribe("presence-team", user_id="alice")
        await bob.subscribe("presence-team", user_id="bob")
        users = await run(
            tools, "pusher_list_presence_users", {"channel": "presence-team"}
        )
        assert sorted(u["id"] for u in users["users"]) == ["alice", "bob"]


async def test_terminate_closes_the_signed_in_user(pusher_sandbox, tools):
    async with (
        pusher_sandbox.subscriber() as user,
        pusher_sandbox.subscriber() as other,
    ):
        await user.signin("u-term")
        await other.signin("someone-else")
        await run(tools, "pusher_terminate_user_connections", {"user_id": "u-term"})
        code = await user.wait_closed()
        errors = [m for m in user.messages if m.event == "pusher:error"]
        assert code == 4009 or any(e.json()["code"] == 4009 for e in errors)
        assert await nothing_named(other, "pusher:error")


async def test_send_to_user_reaches_only_that_user(pusher_sandbox, tools):
    async with (
        pusher_sandbox.subscriber() as user,
        pusher_sandbox.subscriber() as other,
    ):
        await user.signin("u-send")
        await other.signin("u-other")
        await run(
            tools,
            "pusher_send_to_user",
            {"user_id": "u-send", "event": "notice", "data": {"hi": True}},
        )
        received = await user.wait_for(event="notice")
        assert received.channel == "#server-to-user-u-send"
        assert json.loads(received.data) == {"hi": True}
        assert await nothing_named(other, "notice")


async def test_raw_request_get_and_post(pusher_sandbox, tools):
    async with pusher_sandbox.subscriber() as listener:
        await listener.subscribe("raw-room")
        listed = await run(
            tools,
            "pusher_api_request",
            {
                "method": "GET",
                "path": "/channels",
                "query": {"filter_by_prefix": "raw-"},
            },
        )
        assert list(listed["channels"]) == ["raw-room"]
        body = {"name": "raw", "channels": ["raw-room"], "data": "via raw"}
        await run(
            tools,
            "pusher_api_request",
            {"method": "POST", "path": "/events", "body": body},
        )
        assert (await listener.wait_for(event="raw")).data == "via raw"


async def test_server_errors_behind_200_are_failures(settings):
    # The tools refuse these requests themselves, so they go to soketi through
    # the transport, below the tools: soketi answers them with HTTP 200 and an
    # error body, which the shared interpreter must still treat as failures.
    transport = DirectTransport(settings, timeout=5)
    batch = [{"channel": f"c{i}", "name": "e", "data": "d"} for i in range(11)]
    too_many = PusherRequest(
        "POST", f"/apps/{settings.app_id}/batch_events", body={"batch": batch}
    )
    oversized = PusherRequest(
        "POST",
        f"/apps/{settings.app_id}/events",
        body={"name": "e", "channels": ["c"], "data": "x" * 10241},
    )

    try:
        batch_answer = await transport.asend(too_many)
        size_answer = await transport.asend(oversized)
    finally:
        await transport.aclose()

    assert batch_answer.status == 200
    with pytest.raises(PusherAPIError) as refused_batch:
        interpret_response(batch_answer)
    assert refused_batch.value.status == 400
    assert "10" in refused_batch.value.message
    assert size_answer.status == 200
    with pytest.raises(PusherAPIError) as refused_size:
        interpret_response(size_answer)
    assert refused_size.value.status == 413
    assert "payload too large" in refused_size.value.hint


async def test_raw_tool_refuses_what_soketi_would_refuse(tools):
    batch = [{"channel": f"c{i}", "name": "e", "data": "d"} for i in range(11)]
    error = await refused(
        tools,
        "pusher_api_request",
        {"method": "POST", "path": "/batch_events", "body": {"batch": batch}},
    )
    assert error["type"] == "invalid_arguments"
    assert "at most 10 events per batch" in json.dumps(error)


async def test_encrypted_channel_gets_the_envelope(pusher_sandbox, settings):
    # Arrange: a subscriber on a private-encrypted channel (the subscriber signs
    # private subscriptions; soketi never sees the master key).
    key = bytes(range(32))
    operation = OPERATIONS["pusher_trigger_event"].with_encryption_key(key)
    tool = pusher_tool(operation, DirectTransport(settings, timeout=5))
    channel = "private-encrypted-e2e"
    data = {"secret": "só nós", "n": 1}

    async with pusher_sandbox.subscriber() as listener:
        await listener.subscribe(channel)

        # Act
        message = await tool.ainvoke(
            {
                "type": "tool_call",
                "name": tool.name,
                "args": {"channels": [channel], "event": "sealed", "data": data},
                "id": "1",
            }
        )
        received = await listener.wait_for(event="sealed")

    # Assert: soketi carried only the envelope, which opens to the data.
    assert message.status == "success", message.content
    envelope = json.loads(received.data)
    assert set(envelope) == {"nonce", "ciphertext"}
    assert "só nós" not in received.data
    opened = encryption.decrypt_data(channel, received.data, key)
    assert json.loads(opened) == data


async def test_wrong_secret_is_a_401_failure(pusher_sandbox, settings):
    wrong = PusherSettings(
        app_id=settings.app_id,
        key=settings.key,
        secret="not-the-secret",
        host=settings.host,
        port=settings.port,
        use_tls=False,
    )
    tool = builtin_tools(DirectTransport(wrong), include={"pusher_list_channels"})[0]
    message = await tool.ainvoke(
        {"type": "tool_call", "name": tool.name, "args": {}, "id": "1"}
    )
    error = json.loads(message.content)["error"]
    assert error["status"] == 401
    assert "not-the-secret" not in message.content


def test_sync_trigger_against_soketi(settings):
    transport = DirectTransport(settings)
    request = OPERATIONS["pusher_trigger_event"].request(
        {"channels": ["sync"], "event": "e", "data": "d"}, settings.app_id
    )
    response = transport.send(request)
    transport.close()
    assert response.status == 200
