"""The raw request guard: only this app's API, nothing smuggled in."""

from __future__ import annotations

import pytest
from pusher_helpers import accepted, call, error_of, refused

from membrane_pusher.pusher.request_guard import (
    MAX_RAW_BODY_BYTES,
    raw_request_problems,
)

RAW = "pusher_api_request"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/channels", "/apps/12345/channels"),
        ("channels", "/apps/12345/channels"),
        ("/apps/12345/channels", "/apps/12345/channels"),
        ("/channels/presence-room/users", "/apps/12345/channels/presence-room/users"),
        ("/channels/a%40b", "/apps/12345/channels/a%40b"),
    ],
)
def test_paths_under_the_app_accepted(transport, path, expected):
    request = accepted(RAW, {"method": "GET", "path": path}, transport)
    assert request.path == expected


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("/apps/999/channels", "outside this app's API"),
        ("/apps", "outside this app's API"),
        ("http://evil.example/x", "absolute URLs"),
        ("HTTPS://evil.example/x", "absolute URLs"),
        ("javascript:alert(1)", "absolute URLs"),
        ("//evil.example/x", "scheme-relative"),
        ("/%2F%2Fevil.example/x", "scheme-relative"),
        ("/channels/../../other", "'..' segments"),
        ("/channels/%2e%2e/x", "'..' segments"),
        ("/channels/%2E%2E%2Fx", "'..' segments"),
        ("/channels/%252e%252e/x", "'..' segments"),
        ("/channels/./x", "'..' segments"),
        ("/channels\\..\\x", "URL path characters"),
        ("/channels/%5c..%5cx", "backslashes"),
        ("/channels\r\nX-Injected: 1", "control characters"),
        ("/channels%0d%0aX: 1", "control characters"),
        ("/channels%00", "control characters"),
        ("/channels\x00", "control characters"),
        ("/channels?auth_key=x", "put query parameters in 'query'"),
        ("/channels%3Fx=1", "put query parameters in 'query'"),
        ("/channels#x", "URL path characters"),
        ("/", "give the endpoint path"),
        ("/channels/é", "URL path characters"),
    ],
)
def test_paths_refused(transport, path, rule):
    refused(RAW, {"method": "GET", "path": path}, transport, rule)


@pytest.mark.parametrize(
    "key", ["auth_key", "AUTH_SIGNATURE", "auth_timestamp", "body_md5"]
)
def test_auth_parameters_from_the_model_refused(transport, key):
    arguments = {"method": "GET", "path": "/channels", "query": {key: "x"}}
    refused(RAW, arguments, transport, "added by the signer")


def test_query_values_with_control_characters_refused(transport):
    arguments = {"method": "GET", "path": "/channels", "query": {"info": "a\r\nb"}}
    refused(RAW, arguments, transport, "control characters")


def test_query_accepted_and_rendered(transport):
    arguments = {
        "method": "GET",
        "path": "/channels",
        "query": {"filter_by_prefix": "presence-", "n": 3, "b": True},
    }
    request = accepted(RAW, arguments, transport)
    assert request.query == {"filter_by_prefix": "presence-", "n": "3", "b": "true"}


@pytest.mark.parametrize("method", ["DELETE", "PUT", "get", "CONNECT"])
def test_methods_outside_the_allow_list_refused(transport, method):
    message = call(RAW, {"method": method, "path": "/channels"}, transport)
    assert error_of(message)
    assert transport.sent == []
    assert raw_request_problems({"method": method, "path": "/channels"})


def test_get_with_body_refused(transport):
    refused(
        RAW,
        {"method": "GET", "path": "/channels", "body": {"a": 1}},
        transport,
        "takes no body",
    )


def test_body_strings_with_control_characters_refused(transport):
    body = {
        "name": "e",
        "channels": ["c"],
        "data": "line1\nline2",
        "x": [{"y": "\x00"}],
    }
    error = refused(
        RAW, {"method": "POST", "path": "/events", "body": body}, transport, "body.data"
    )
    assert "body.x[0].y" in str(error)


def test_body_size_bound(transport):
    # json.dumps({"a": "..."}) adds 9 bytes around the value.
    fits = {"a": "x" * (MAX_RAW_BODY_BYTES - 9)}
    accepted(RAW, {"method": "POST", "path": "/events", "body": fits}, transport)
    transport.sent.clear()
    too_big = {"a": "x" * (MAX_RAW_BODY_BYTES - 8)}
    refused(
        RAW,
        {"method": "POST", "path": "/events", "body": too_big},
        transport,
        "at most",
    )


def test_post_without_body_sends_empty_object(transport):
    request = accepted(
        RAW, {"method": "POST", "path": "/users/u1/terminate_connections"}, transport
    )
    assert request.body == {}
