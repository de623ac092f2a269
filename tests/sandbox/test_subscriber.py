"""The WebSocket subscriber on a real soketi: events, presence, sign-in, terminate."""

from __future__ import annotations

import json

import pytest

from membrane_pusher.sandbox.background_subscriber import BackgroundSubscriber
from membrane_pusher.sandbox.subscriber import (
    PusherSubscriber,
    SubscriberClosedError,
    SubscriberError,
)

pytestmark = pytest.mark.soketi


def subscriber_for(server, **kwargs) -> PusherSubscriber:
    return PusherSubscriber(server.ws_url, server.key, server.secret, **kwargs)


async def test_connection_established_gives_a_socket_id(soketi):
    # Act
    async with subscriber_for(soketi) as sub:
        socket_id = sub.socket_id

    # Assert
    assert socket_id is not None
    assert socket_id.replace(".", "").isdigit()
    assert sub.closed


async def test_public_channel_receives_a_triggered_event(soketi, pusher_api):
    # Arrange
    async with subscriber_for(soketi) as sub:
        await sub.subscribe("deploys")

        # Act
        answer = pusher_api(
            "POST",
            "/events",
            {"name": "deploy-finished", "channels": ["deploys"], "data": '{"ok":true}'},
        )
        event = await sub.wait_for(
            event="deploy-finished", channel="deploys", timeout=5
        )

    # Assert
    assert answer == {"ok": True}
    assert event.data == '{"ok":true}'
    assert event.json() == {"ok": True}
    assert [e.event for e in sub.received] == ["deploy-finished"]


async def test_private_channel_subscription_is_signed(soketi, pusher_api):
    # Arrange
    async with subscriber_for(soketi) as sub:
        await sub.subscribe("private-ops")

        # Act
        pusher_api(
            "POST", "/events", {"name": "n", "channels": ["private-ops"], "data": "x"}
        )
        event = await sub.wait_for(channel="private-ops", timeout=5)

    # Assert
    assert event.event == "n"


async def test_wrong_secret_is_refused(soketi):
    # Arrange
    sub = PusherSubscriber(soketi.ws_url, soketi.key, "sk-wrong", timeout=5)

    # Act / Assert
    async with sub:
        with pytest.raises(SubscriberError, match="refused"):
            await sub.subscribe("private-ops")


async def test_presence_channel_lists_two_users(soketi, pusher_api):
    # Arrange
    async with subscriber_for(soketi) as alice, subscriber_for(soketi) as bob:
        first = await alice.subscribe(
            "presence-room", user_id="alice", user_info={"n": 1}
        )
        second = await bob.subscribe("presence-room", user_id="bob")
        joined = await alice.wait_for(event="pusher_internal:member_added", timeout=5)

        # Act
        users = pusher_api("GET", "/channels/presence-room/users")
        info = pusher_api(
            "GET", "/channels/presence-room", query={"info": "user_count"}
        )

    # Assert
    assert first["presence"]["ids"] == ["alice"]
    assert sorted(second["presence"]["ids"]) == ["alice", "bob"]
    assert joined.json()["user_id"] == "bob"
    assert sorted(u["id"] for u in users["users"]) == ["alice", "bob"]
    assert info["user_count"] == 2


async def test_presence_needs_a_user_id(soketi):
    async with subscriber_for(soketi) as sub:
        with pytest.raises(SubscriberError, match="user_id"):
            await sub.subscribe("presence-room")


async def test_signin_then_terminate_closes_the_socket(soketi, pusher_api):
    # Arrange
    async with subscriber_for(soketi) as sub:
        await sub.signin("user-7", user_info={"name": "Seven"})

        # Act
        answer = pusher_api("POST", "/users/user-7/terminate_connections", {})
        code = await sub.wait_closed(timeout=5)

    # Assert
    assert answer == {"ok": True}
    assert sub.closed
    assert code == 4009
    assert sub.error is not None
    assert sub.error["code"] == 4009


async def test_send_to_user_reaches_the_signed_in_socket(soketi, pusher_api):
    # Arrange
    async with subscriber_for(soketi) as sub:
        await sub.signin("user-8")

        # Act
        pusher_api(
            "POST",
            "/events",
            {"name": "hello", "channels": ["#server-to-user-user-8"], "data": "hi"},
        )
        event = await sub.wait_for(event="hello", timeout=5)

    # Assert
    assert event.channel == "#server-to-user-user-8"


async def test_waiting_on_a_closed_socket_fails_fast(soketi, pusher_api):
    # Arrange
    async with subscriber_for(soketi) as sub:
        await sub.signin("user-9")
        pusher_api("POST", "/users/user-9/terminate_connections", {})

        # Act / Assert
        with pytest.raises(SubscriberClosedError):
            await sub.wait_for(event="never", timeout=5)


async def test_wait_for_times_out_when_nothing_comes(soketi):
    async with subscriber_for(soketi) as sub:
        await sub.subscribe("quiet")
        with pytest.raises(TimeoutError):
            await sub.wait_for(event="nothing", timeout=0.3)
        assert sub.received == []


def test_background_subscriber_works_from_sync_code(soketi, pusher_api):
    # Arrange
    with BackgroundSubscriber(subscriber_for(soketi)) as sub:
        sub.subscribe("sync-channel")

        # Act
        pusher_api(
            "POST",
            "/events",
            {"name": "e", "channels": ["sync-channel"], "data": json.dumps({"n": 1})},
        )
        event = sub.wait_for(event="e", timeout=5)

    # Assert
    assert event.json() == {"n": 1}
    assert len(sub.received) == 1
