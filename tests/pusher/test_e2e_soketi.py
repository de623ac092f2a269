"""End to end against a real soketi on 127.0.0.1, through the direct transport.

A real WebSocket subscriber receives what each tool sends.
"""

from __future__ import annotations

import json

import pytest
from ws_subscriber import Subscriber

from membrane_pusher.pusher.config import PusherSettings
from membrane_pusher.pusher.operations import OPERATIONS
from membrane_pusher.pusher.tools import builtin_tools
from membrane_pusher.pusher.transports.direct import DirectTransport

pytestmark = pytest.mark.soketi


@pytest.fixture
def settings(soketi_server):
    return PusherSettings.from_url(
        soketi_server.base_url.replace(
            "http://", f"http://{soketi_server.key}:{soketi_server.secret}@"
        )
        + f"/apps/{soketi_server.app_id}"
    )


@pytest.fixture
def tools(settings):
    return {
        tool.name: tool for tool in builtin_tools(DirectTransport(settings, timeout=5))
    }


def subscriber(soketi_server) -> Subscriber:
    return Subscriber(soketi_server.ws_url, soketi_server.key, soketi_server.secret)


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


async def test_trigger_reaches_subscribers_except_the_excluded(soketi_server, tools):
    async with subscriber(soketi_server) as first, subscriber(soketi_server) as second:
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
        received = await first.next_message("created")
        assert (received["channel"], json.loads(received["data"])) == (
            "orders",
            {"id": 7, "name": "ü"},
        )
        assert {
            (await second.next_message("created"))["channel"] for _ in range(2)
        } == {"orders", "private-orders"}

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
        assert (await second.next_message("quiet"))["data"] == "x"
        assert await first.nothing_named("quiet")


async def test_largest_payload_delivered(soketi_server, tools):
    data = "😀" * 2560
    async with subscriber(soketi_server) as listener:
        await listener.subscribe("big")
        await run(
            tools,
            "pusher_trigger_event",
            {"channels": ["big"], "event": "e", "data": data},
        )
        assert (await listener.next_message("e"))["data"] == data


async def test_batch_delivers_every_event(soketi_server, tools):
    async with subscriber(soketi_server) as listener:
        await listener.subscribe("b1")
        await listener.subscribe("b2")
        events = [
            {"channel": "b1", "event": "one", "data": "1"},
            {"channel": "b2", "event": "two", "data": {"n": 2}},
        ]
        await run(tools, "pusher_trigger_batch", {"events": events})
        assert (await listener.next_message("one"))["channel"] == "b1"
        assert json.loads((await listener.next_message("two"))["data"]) == {"n": 2}


async def test_channels_and_channel(soketi_server, tools):
    async with subscriber(soketi_server) as listener:
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


async def test_presence_users_with_two_users(soketi_server, tools):
    async with subscriber(soketi_server) as alice, subscriber(soketi_server) as bob:
        await alice.subscribe("presence-team", user_id="alice")
        await bob.subscribe("presence-team", user_id="bob")
        users = await run(
            tools, "pusher_list_presence_users", {"channel": "presence-team"}
        )
        assert sorted(u["id"] for u in users["users"]) == ["alice", "bob"]


async def test_terminate_closes_the_signed_in_user(soketi_server, tools):
    async with subscriber(soketi_server) as user, subscriber(soketi_server) as other:
        await user.signin("u-term")
        await other.signin("someone-else")
        await run(tools, "pusher_terminate_user_connections", {"user_id": "u-term"})
        messages, code = await user.closed_with()
        errors = [m for m in messages if m.get("event") == "pusher:error"]
        assert code == 4009 or any(e["data"]["code"] == 4009 for e in errors)
        assert await other.nothing_named("pusher:error")


async def test_send_to_user_reaches_only_that_user(soketi_server, tools):
    async with subscriber(soketi_server) as user, subscriber(soketi_server) as other:
        await user.signin("u-send")
        await other.signin("u-other")
        await run(
            tools,
            "pusher_send_to_user",
            {"user_id": "u-send", "event": "notice", "data": {"hi": True}},
        )
        received = await user.next_message("notice")
        assert received["channel"] == "#server-to-user-u-send"
        assert json.loads(received["data"]) == {"hi": True}
        assert await other.nothing_named("notice")


async def test_raw_request_get_and_post(soketi_server, tools):
    async with subscriber(soketi_server) as listener:
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
        assert (await listener.next_message("raw"))["data"] == "via raw"


async def test_server_errors_behind_200_are_failures(soketi_server, tools):
    batch = [{"channel": f"c{i}", "name": "e", "data": "d"} for i in range(11)]
    error = await refused(
        tools,
        "pusher_api_request",
        {"method": "POST", "path": "/batch_events", "body": {"batch": batch}},
    )
    assert error["status"] == 400
    assert "10" in error["message"]
    oversized = {"name": "e", "channels": ["c"], "data": "x" * 10241}
    error = await refused(
        tools,
        "pusher_api_request",
        {"method": "POST", "path": "/events", "body": oversized},
    )
    assert error["status"] == 413
    assert "payload too large" in error["hint"]


async def test_wrong_secret_is_a_401_failure(soketi_server, settings):
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
