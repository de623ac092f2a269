"""The raw Pusher request tool refuses anything that could leave the app's API.

Each hostile request goes through the real `pusher_api_request` tool with an
in-process recording client behind the Membrane transport: the model gets an
`invalid_arguments` tool error and nothing reaches the client.
"""

from __future__ import annotations

import json

import pytest

from membrane_pusher.pusher.request_guard import (
    raw_request_problems,
    resolve_raw_path,
)
from membrane_pusher.pusher.tools import builtin_tools
from membrane_pusher.pusher.transports.membrane_proxy import MembraneProxyTransport

APP_ID = "123456"

REFUSED_PATHS = {
    "absolute-https": "https://evil.example/apps/123456/events",
    "absolute-http-upper": "HTTP://evil.example/x",
    "scheme-only": "javascript:alert(1)",
    "scheme-relative": "//evil.example/apps/123456/channels",
    "scheme-relative-encoded": "%2F%2Fevil.example/x",
    "dot-dot": "/apps/123456/../999/channels",
    "dot-dot-trailing": "/channels/..",
    "dot": "/apps/123456/./channels",
    "encoded-dot-dot-lower": "/apps/123456/%2e%2e/999/channels",
    "encoded-dot-dot-upper": "/apps/123456/%2E%2E/999/channels",
    "encoded-dot-dot-mixed": "/apps/123456/.%2e/999/channels",
    "double-encoded-dot-dot": "/apps/123456/%252e%252e/999/channels",
    "encoded-slash": "/apps/123456%2F..%2F999/channels",
    "encoded-slash-alone": "/channels%2F..%2F..%2Fadmin",
    "backslash": "/apps/123456/..\\999/channels",
    "encoded-backslash": "/apps/123456/%5C..%5C999",
    "cr-lf": "/apps/123456/channels\r\nHost: evil.example",
    "lf": "/channels\nX: y",
    "encoded-cr-lf": "/channels%0d%0aX-Evil:%201",
    "nul": "/channels\x00",
    "query-in-path": "/channels?auth_key=evil",
    "fragment-in-path": "/channels#x",
    "other-app": "/apps/999/channels",
    "empty": "",
    "root": "/",
    "decoded-past-the-limit": "/channels/%25252525252e%25252525252e/x",
    "dot-dot-semicolon": "/apps/123456/..;/999/channels",
    "dot-dot-parameter": "/channels/..;jsessionid=x/admin",
    "dot-run": "/apps/123456/.../999",
    "overlong-utf8-dots": "/apps/123456/%c0%ae%c0%ae/999/channels",
    "double-encoded-overlong": "/apps/123456/%25c0%25ae%25c0%25ae/999",
    "iis-unicode-dots": "/apps/123456/%u002e%u002e/999/channels",
    "stray-percent": "/channels/%",
}

REFUSED_QUERIES = {
    "auth_key": {"auth_key": "evil"},
    "auth_signature": {"auth_signature": "0" * 64},
    "auth_timestamp": {"auth_timestamp": "1"},
    "auth_version": {"auth_version": "1.0"},
    "body_md5": {"body_md5": "d41d8cd98f00b204e9800998ecf8427e"},
    "upper-case": {"AUTH_KEY": "evil"},
    "crlf-value": {"filter_by_prefix": "a\r\nb"},
    "smuggled-parameter": {"filter_by_prefix": "x&auth_key=evil"},
    "smuggled-assignment": {"filter_by_prefix": "x=y"},
    "fragment-value": {"filter_by_prefix": "x#y"},
    "encoded-crlf-value": {"filter_by_prefix": "a%0d%0aX-Evil:%201"},
    "encoded-ampersand-value": {"filter_by_prefix": "x%26auth_key%3Devil"},
    "lone-surrogate-value": {"filter_by_prefix": "a\ud800"},
    "lone-surrogate-key": {"k\udc00": "v"},
}


@pytest.fixture
def raw_tool(recording_client):
    """The built-in raw request tool on the Membrane transport, recording calls."""
    transport = MembraneProxyTransport(recording_client, "con_pusher_sandbox", APP_ID)
    (tool,) = builtin_tools(transport, include={"pusher_api_request"})
    return tool


def _call(tool, arguments):
    """Invoke the tool with a ToolCall and return the parsed message content."""
    message = tool.invoke(
        {"name": tool.name, "args": arguments, "id": "c1", "type": "tool_call"}
    )
    return message.status, json.loads(message.content)


@pytest.mark.parametrize("path", REFUSED_PATHS.values(), ids=REFUSED_PATHS.keys())
def test_hostile_paths_are_refused_by_the_guard(path):
    # Act
    problems = raw_request_problems({"method": "GET", "path": path})
    if not problems and path.startswith("/apps/"):
        problems = [] if resolve_raw_path(path, APP_ID) else ["outside the app"]

    # Assert
    assert problems, path


@pytest.mark.parametrize("path", REFUSED_PATHS.values(), ids=REFUSED_PATHS.keys())
def test_hostile_paths_never_reach_the_cli(path, raw_tool, recording_client):
    # Act
    status, content = _call(raw_tool, {"method": "GET", "path": path})

    # Assert
    assert status == "error"
    assert content["error"]["type"] == "invalid_arguments"
    assert recording_client.requests == []


@pytest.mark.parametrize("query", REFUSED_QUERIES.values(), ids=REFUSED_QUERIES.keys())
def test_auth_and_control_characters_in_query_are_refused(
    query, raw_tool, recording_client
):
    # Act
    status, content = _call(
        raw_tool, {"method": "GET", "path": "/channels", "query": query}
    )

    # Assert
    assert status == "error"
    assert content["error"]["type"] == "invalid_arguments"
    assert recording_client.requests == []


@pytest.mark.parametrize(
    "body",
    [
        {"name": "e", "channels": ["c"], "data": "x" * (200 * 1024)},
        {"name": "e", "channels": ["c"], "data": "line\r\nX-Evil: 1"},
    ],
    ids=["oversized", "crlf-in-body"],
)
def test_oversized_or_control_character_bodies_are_refused(
    body, raw_tool, recording_client
):
    # Act
    status, content = _call(
        raw_tool, {"method": "POST", "path": "/events", "body": body}
    )

    # Assert
    assert status == "error"
    assert content["error"]["type"] == "invalid_arguments"
    assert recording_client.requests == []


@pytest.mark.parametrize("method", ["DELETE", "PUT", "TRACE", "GET\r\nX: y", "get /x"])
def test_unexpected_methods_are_refused(method, raw_tool, recording_client):
    # Act
    status, _ = _call(raw_tool, {"method": method, "path": "/channels"})

    # Assert
    assert status == "error"
    assert recording_client.requests == []


def test_a_plain_path_under_the_app_is_sent_as_given(raw_tool, recording_client):
    # Act
    status, _ = _call(
        raw_tool,
        {"method": "GET", "path": "/channels", "query": {"filter_by_prefix": "p-"}},
    )

    # Assert
    assert status != "error"
    assert len(recording_client.requests) == 1
    sent = recording_client.requests[0]
    assert sent["path"] == f"/apps/{APP_ID}/channels"
    assert sent["method"] == "GET"
    assert not any(key.startswith("auth_") for key in (sent["query"] or {}))


BYPASSES = {
    "client-event-reserved-channel-oversized": (
        "/events",
        {
            "name": "client-x",
            "channels": ["#server-to-user-u1", "bad:chan"],
            "data": "x" * 20_000,
        },
    ),
    "eleven-batch-events": (
        "/batch_events",
        {"batch": [{"channel": f"c{i}", "name": "e", "data": "d"} for i in range(11)]},
    ),
    "plain-text-to-encrypted-channel": (
        "/events",
        {"name": "e", "channels": ["private-encrypted-x"], "data": "secret"},
    ),
    "encoded-events-path": (
        "/apps/123456/Event%73/",
        {"name": "client-x", "channels": ["c"], "data": "d"},
    ),
    "lone-surrogate-in-data": (
        "/events",
        {"name": "e", "channels": ["c"], "data": "a\ud800b"},
    ),
}


@pytest.mark.parametrize(("path", "body"), BYPASSES.values(), ids=BYPASSES.keys())
def test_typed_rules_cannot_be_bypassed_with_a_raw_request(
    path, body, raw_tool, recording_client
):
    # Act
    status, content = _call(raw_tool, {"method": "POST", "path": path, "body": body})

    # Assert
    assert status == "error"
    assert content["error"]["type"] == "invalid_arguments"
    assert recording_client.requests == []


def test_user_count_on_private_users_cannot_be_asked_raw(raw_tool, recording_client):
    # Act
    status, content = _call(
        raw_tool,
        {
            "method": "GET",
            "path": "/channels/private-x/users",
            "query": {"info": "user_count"},
        },
    )

    # Assert
    assert status == "error"
    assert "pusher_list_presence_users" in json.dumps(content)
    assert recording_client.requests == []
