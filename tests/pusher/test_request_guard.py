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
        ("/channels/%25252525252e%25252525252e/x", "more than 5 times"),
        ("/channels/%2525252e%2525252e/x", "'..' segments"),
        ("/channels/..;/x", "'..' segments"),
        ("/channels/..;jsessionid=1/x", "'..' segments"),
        ("/channels/.;/x", "'..' segments"),
        ("/channels/%2e%2e;/x", "'..' segments"),
        ("/channels/.../x", "'..' segments"),
        ("/channels/..%20/x", "'..' segments"),
        ("/channels/%c0%ae%c0%ae/x", "non-ASCII bytes"),
        ("/channels/%25c0%25ae/x", "non-ASCII bytes"),
        ("/channels/%e2%80%a8", "non-ASCII bytes"),
        ("/channels/%u002e%u002e/x", "'%u' escapes"),
        ("/channels/%U002E/x", "'%u' escapes"),
        ("/channels/100%", "two-digit hex escape"),
        ("/channels/%zz", "two-digit hex escape"),
    ],
)
def test_paths_refused(transport, path, rule):
    refused(RAW, {"method": "GET", "path": path}, transport, rule)


@pytest.mark.parametrize(
    "key", ["auth_key", "AUTH_SIGNATURE", "auth_timestamp", "body_md5"]
)
def test_auth_parameters_from_the_model_refused(transport, key):
    arguments = {"method": "GET", "path": "/channels", "query": {key: "x"}}
    refused(RAW, arguments, transport, f"query: {key} is an authentication parameter")


def test_query_values_with_control_characters_refused(transport):
    arguments = {"method": "GET", "path": "/channels", "query": {"info": "a\r\nb"}}
    refused(RAW, arguments, transport, "control characters")


@pytest.mark.parametrize(
    "value",
    [
        "x&auth_key=evil",
        "a=b",
        "a#b",
        "%0d%0a",
        "x%26auth_key%3Devil",
        "100%",
    ],
)
def test_query_values_with_query_marks_refused(transport, value):
    # A value such as `x&auth_key=evil` would reach the proxy as
    # `--query=k=x&auth_key=evil` and add a parameter of its own.
    arguments = {"method": "GET", "path": "/custom", "query": {"k": value}}
    refused(RAW, arguments, transport, "'&', '=', '#' and '%' are refused")


@pytest.mark.parametrize("value", ["a\ud800b", "\udfff", "\udbff\udc00"])
def test_query_values_that_are_not_unicode_refused(transport, value):
    arguments = {"method": "GET", "path": "/custom", "query": {"k": value}}
    refused(RAW, arguments, transport, "not valid Unicode")


def test_query_keys_that_are_not_unicode_refused(transport):
    arguments = {"method": "GET", "path": "/custom", "query": {"k\ud800": "v"}}
    refused(RAW, arguments, transport, "must be 1-64 letters")


@pytest.mark.parametrize("value", ["presence-", "a-b_c.d,e;f@g", "ünï", "x y", 7, True])
def test_plain_query_values_accepted(transport, value):
    arguments = {"method": "GET", "path": "/custom", "query": {"k": value}}
    accepted(RAW, arguments, transport)


def test_body_text_that_is_not_unicode_refused(transport):
    body = {"a": ["ok", "x\ud800"], "k\udc00": 1}
    error = refused(
        RAW,
        {"method": "POST", "path": "/custom", "body": body},
        transport,
        "body.a[1]: the text is not valid Unicode",
    )
    assert "(a key)" in str(error)


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
    # An endpoint no typed tool covers, so only the guard's own bound applies
    # (/events bodies also follow the trigger's rules: see test_raw_rules.py).
    # json.dumps({"a": "..."}) adds 9 bytes around the value.
    fits = {"a": "x" * (MAX_RAW_BODY_BYTES - 9)}
    accepted(RAW, {"method": "POST", "path": "/custom", "body": fits}, transport)
    transport.sent.clear()
    too_big = {"a": "x" * (MAX_RAW_BODY_BYTES - 8)}
    refused(
        RAW,
        {"method": "POST", "path": "/custom", "body": too_big},
        transport,
        "at most",
    )


def test_post_without_body_sends_empty_object(transport):
    request = accepted(
        RAW, {"method": "POST", "path": "/users/u1/terminate_connections"}, transport
    )
    assert request.body == {}


# A trailing '/' is refused on every path, known endpoint or not, naming the
# path without it: Pusher's endpoints have none, so the server would answer 404.
TRAILING_SLASHES = [
    ("GET", "/channels/", "/channels"),
    ("GET", "channels/", "channels"),
    ("GET", "/apps/12345/channels/", "/apps/12345/channels"),
    ("GET", "/channels/room/", "/channels/room"),
    ("GET", "/channels/presence-room/users/", "/channels/presence-room/users"),
    ("POST", "/events/", "/events"),
    ("POST", "/apps/12345/batch_events/", "/apps/12345/batch_events"),
    ("POST", "/users/u1/terminate_connections/", "/users/u1/terminate_connections"),
    ("GET", "/custom/", "/custom"),
    ("POST", "/apps/12345/custom/thing/", "/apps/12345/custom/thing"),
    ("GET", "/channels%2F", "/channels"),
    ("GET", "/channels%2f", "/channels"),
]


@pytest.mark.parametrize(("method", "path", "right"), TRAILING_SLASHES)
def test_a_trailing_slash_is_refused_naming_the_right_path(
    transport, method, path, right
):
    # Arrange
    arguments = {"method": method, "path": path}

    # Act
    problems = raw_request_problems(arguments)

    # Assert
    assert f"path: no Pusher endpoint ends with '/'; use \"{right}\"" in problems
    refused(RAW, arguments, transport, "no Pusher endpoint ends with '/'")


@pytest.mark.parametrize("path", ["/channels%252F", "/channels/%2F%2F"])
def test_a_trailing_slash_hidden_deeper_is_refused_too(transport, path):
    refused(
        RAW,
        {"method": "GET", "path": path},
        transport,
        "no Pusher endpoint ends with '/'",
    )


@pytest.mark.parametrize(("method", "path", "right"), TRAILING_SLASHES[:10])
def test_the_path_named_in_the_refusal_passes_the_guard(method, path, right):
    # Act
    problems = raw_request_problems({"method": method, "path": right})

    # Assert
    assert problems == [], path


# Without its trailing '/', a path may still be refused for another reason:
# then only the rule is given, never a path the guard itself refuses.
@pytest.mark.parametrize(
    "path",
    [
        "/channels/..%2f",
        "/channels/%2e%2e/",
        "/channels/..;x/",
        "/channels/a b/",
        "/channels/%u002e/",
    ],
)
def test_a_trailing_slash_suggests_no_path_the_guard_refuses(path):
    # Act
    problems = raw_request_problems({"method": "GET", "path": path})

    # Assert
    slash = [line for line in problems if "ends with '/'" in line]
    assert slash == ["path: no Pusher endpoint ends with '/'"], problems
    assert len(problems) > 1


@pytest.mark.parametrize(
    ("path", "right"),
    [("/channels/x/", "/channels/x"), ("/channels/x%2F%2f", "/channels/x")],
)
def test_a_trailing_slash_suggests_the_path_when_it_passes(path, right):
    # Act
    problems = raw_request_problems({"method": "GET", "path": path})

    # Assert
    assert f"path: no Pusher endpoint ends with '/'; use \"{right}\"" in problems
    assert raw_request_problems({"method": "GET", "path": right}) == []
