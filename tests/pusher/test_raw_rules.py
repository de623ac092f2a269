"""Raw requests to endpoints the typed tools cover follow those tools' rules."""

from __future__ import annotations

import json

import pytest
from pusher_helpers import accepted, refused

from membrane_pusher.pusher.operations.raw_rules import typed_endpoint

RAW = "pusher_api_request"


def raw(method, path, *, body=None, query=None):
    arguments = {"method": method, "path": path}
    if body is not None:
        arguments["body"] = body
    if query is not None:
        arguments["query"] = query
    return arguments


# --- POST /events -----------------------------------------------------------------


def test_events_body_follows_the_trigger_rules(transport):
    # Arrange
    body = {
        "name": "client-x",
        "channels": ["#server-to-user-u1", "bad:chan"],
        "data": "x" * 20_000,
    }

    # Act
    error = refused(RAW, raw("POST", "/events", body=body), transport, "body.name")

    # Assert
    text = json.dumps(error)
    assert "client events" in text
    assert "body.channels[0]: a channel name starting with '#server-to-user-'" in text
    assert 'body.channels[1]: channel name \\"bad:chan\\"' in text
    assert "payload too large: 20000 > 10240" in text
    assert "pusher_trigger_event" in text


def test_events_body_at_the_limits_accepted(transport):
    body = {
        "name": "e" * 200,
        "channels": [f"c{i}" for i in range(100)],
        "data": "x" * 10_240,
        "socket_id": "1.2",
    }
    request = accepted(RAW, raw("POST", "/events", body=body), transport)
    assert request.body == body


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ({"name": "e", "channels": "c", "data": "x"}, "must be a list"),
        ({"name": "e", "channels": ["c"], "data": {"a": 1}}, "data as a string"),
        ({"name": "e", "channels": ["c"], "data": "x", "info": 3}, "comma-separated"),
        ({"name": "e", "channel": "a:b", "data": "x"}, "characters Pusher does not"),
        ({"channels": ["c"], "data": "x"}, "an event name must be a string"),
        ({}, "give at least one channel"),
        (
            {"name": "e", "channels": ["c"], "data": "x", "info": "user_count"},
            "only for presence",
        ),
        ({"name": "e", "channels": ["c"], "data": "x", "socket_id": "1"}, "socket"),
    ],
)
def test_events_body_refused(transport, body, rule):
    refused(RAW, raw("POST", "/events", body=body), transport, rule)


@pytest.mark.parametrize(
    "path",
    [
        "/events",
        "events",
        "/apps/12345/events",
        "/EVENTS",
        "/events/",
        "/event%73",
        "/events;x",
    ],
)
def test_every_spelling_of_events_is_checked(transport, path):
    body = {"name": "client-x", "channels": ["c"], "data": "x"}
    refused(RAW, raw("POST", path, body=body), transport, "client events")


# --- POST /batch_events -----------------------------------------------------------


def test_batch_of_eleven_refused(transport):
    batch = [{"channel": f"c{i}", "name": "e", "data": "d"} for i in range(11)]
    refused(
        RAW,
        raw("POST", "/batch_events", body={"batch": batch}),
        transport,
        "at most 10 events per batch",
    )


def test_batch_of_ten_accepted(transport):
    batch = [{"channel": f"c{i}", "name": "e", "data": "d"} for i in range(10)]
    request = accepted(
        RAW, raw("POST", "/batch_events", body={"batch": batch}), transport
    )
    assert request.body == {"batch": batch}


@pytest.mark.parametrize(
    ("event", "rule"),
    [
        ({"channel": "c", "name": "client-x", "data": "d"}, "client events"),
        ({"channel": "#server-to-user-u", "name": "e", "data": "d"}, "reserved"),
        (
            {"channel": "c", "name": "e", "data": "d", "info": "user_count"},
            "only for presence",
        ),
        ({"channel": "c", "name": "e", "data": "x" * 10_241}, "payload too large"),
        ({"channel": "c", "name": "e", "data": 5}, "data as a string"),
        ("not an event", "must be an object"),
    ],
)
def test_batch_events_follow_the_event_rules(transport, event, rule):
    error = refused(
        RAW, raw("POST", "/batch_events", body={"batch": [event]}), transport, rule
    )
    assert "pusher_trigger_batch" in json.dumps(error)


def test_batch_must_be_a_list(transport):
    refused(RAW, raw("POST", "/batch_events", body={}), transport, "body.batch")


# --- GET /channels, /channels/{c}, /channels/{c}/users ---------------------------


def test_users_of_a_private_channel_refused(transport):
    error = refused(
        RAW,
        raw("GET", "/channels/private-x/users", query={"info": "user_count"}),
        transport,
        "users can only be listed for presence- channels",
    )
    text = json.dumps(error)
    assert "takes no parameters" in text
    assert "pusher_list_presence_users" in text


def test_users_of_a_presence_channel_accepted(transport):
    accepted(RAW, raw("GET", "/channels/presence-room/users"), transport)


@pytest.mark.parametrize(
    ("query", "rule"),
    [
        ({"info": "user_count"}, "needs prefix 'presence-'"),
        ({"info": "user_count", "filter_by_prefix": "private-"}, "needs prefix"),
        ({"filter_by_prefix": "#server-to-user-"}, "a prefix starting with"),
        ({"filter_by_prefix": "a:b"}, 'prefix \\"a:b\\" has characters'),
    ],
)
def test_channel_list_follows_the_list_rules(transport, query, rule):
    error = refused(RAW, raw("GET", "/channels", query=query), transport, rule)
    assert "pusher_list_channels" in json.dumps(error)


def test_channel_list_with_presence_prefix_accepted(transport):
    query = {"filter_by_prefix": "presence-", "info": "user_count"}
    request = accepted(RAW, raw("GET", "/channels", query=query), transport)
    assert request.query == query


@pytest.mark.parametrize(
    ("path", "query", "rule"),
    [
        ("/channels/my-channel", {"info": "user_count"}, "only for presence"),
        ("/channels/presence-a", {"info": "subscription_count"}, "not available"),
        ("/channels/a:b", None, "characters Pusher does not allow"),
        ("/channels/my-channel", {"info": "cache"}, "only for cache channels"),
    ],
)
def test_one_channel_follows_the_channel_rules(transport, path, query, rule):
    error = refused(RAW, raw("GET", path, query=query), transport, rule)
    assert "pusher_get_channel" in json.dumps(error)


def test_channel_names_keep_their_semicolons(transport):
    request = accepted(RAW, raw("GET", "/channels/a;b"), transport)
    assert request.path == "/apps/12345/channels/a;b"


def test_one_channel_accepted(transport):
    query = {"info": "user_count"}
    request = accepted(RAW, raw("GET", "/channels/presence-a", query=query), transport)
    assert request.path == "/apps/12345/channels/presence-a"


# --- POST /users/{id}/terminate_connections ---------------------------------------


def test_terminate_follows_the_user_id_rules(transport):
    path = f"/users/{'u' * 129}/terminate_connections"
    error = refused(RAW, raw("POST", path), transport, "at most 128")
    assert "pusher_terminate_user_connections" in json.dumps(error)


def test_terminate_of_a_valid_user_accepted(transport):
    accepted(RAW, raw("POST", "/users/u-1/terminate_connections"), transport)


# --- other endpoints stay open ----------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/events"),
        ("POST", "/channels"),
        ("GET", "/users/u1/terminate_connections"),
        ("POST", "/some/new/endpoint"),
        ("GET", "/channels/a/b/c"),
    ],
)
def test_paths_no_typed_tool_covers_are_not_typed(method, path):
    assert typed_endpoint(method, path) is None


def test_unknown_endpoint_with_any_body_accepted(transport):
    body = {"name": "client-x", "anything": [1, 2]}
    accepted(RAW, raw("POST", "/webhooks/test", body=body), transport)
