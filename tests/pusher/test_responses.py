"""One interpreter for every answer: 4xx, 5xx, and errors hidden behind 200."""

from __future__ import annotations

import pytest

from membrane_pusher.errors import OutputParseError, PusherAPIError
from membrane_pusher.pusher.transports.responses import (
    PusherResponse,
    interpret_response,
    parse_body,
)


def failure(status, body) -> PusherAPIError:
    with pytest.raises(PusherAPIError) as caught:
        interpret_response(PusherResponse(status=status, body=body))
    return caught.value


@pytest.mark.parametrize(
    ("status", "body"),
    [(200, {}), (200, {"ok": True}), (202, {}), (None, {"channels": {}})],
)
def test_success(status, body):
    assert interpret_response(PusherResponse(status=status, body=body)) == body


@pytest.mark.parametrize("body", [None, "", " \n"])
def test_an_empty_success_is_an_unreadable_answer(body):
    with pytest.raises(OutputParseError) as caught:
        interpret_response(PusherResponse(status=200, body=body))

    assert caught.value.message.endswith("its answer was empty")


def test_falsy_success_bodies_kept():
    assert interpret_response(PusherResponse(status=200, body=[])) == []
    assert interpret_response(PusherResponse(status=200, body=0)) == 0


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        (
            {"error": "The event data should be less than 10 KB.", "code": 413},
            413,
            "payload too large",
        ),
        (
            {"error": "Cannot batch-send more than 10 messages at once", "code": 400},
            400,
            "malformed",
        ),
        (
            {"error": "The secret authentication failed", "code": 401},
            401,
            "key and secret",
        ),
        (
            {"error": "The app 999 could not be found.", "code": 404},
            404,
            "PUSHER_APP_ID",
        ),
    ],
)
def test_soketi_errors_behind_200_are_failures(body, status, text):
    error = failure(200, body)
    assert error.status == status
    assert body["error"] in error.message
    assert text in error.hint
    assert not error.retryable


def test_timestamp_401_points_at_the_clock():
    error = failure(
        401,
        "Timestamp expired: Given timestamp (1) not within 600s of server time (700)",
    )
    assert "clock" in error.hint
    assert error.status == 401


def test_unknown_auth_key_points_at_the_cluster():
    error = failure(400, "Unknown auth_key")
    assert "cluster" in error.hint


@pytest.mark.parametrize("status", [403, 404, 413])
def test_client_errors_carry_a_hint(status):
    error = failure(status, "nope")
    assert error.hint
    assert error.status == status
    assert "nope" in error.message


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_are_retryable(status):
    error = failure(status, "")
    assert error.retryable
    assert "nothing is retried automatically" in error.hint


@pytest.mark.parametrize(
    "body",
    ["<html>502 Bad Gateway</html>\n\x1b[31m{{{ not json", '{"channe', "OK"],
)
def test_a_success_in_plain_text_is_an_unreadable_answer(body):
    # Act
    with pytest.raises(OutputParseError) as caught:
        interpret_response(PusherResponse(status=200, body=body))

    # Assert: said plainly, control characters gone, and writes warned about
    assert "not JSON" in caught.value.message
    assert "\x1b" not in caught.value.message
    assert caught.value.retryable
    assert "before resending a write" in caught.value.hint


def test_an_error_body_naming_its_status_keeps_it():
    error = failure(200, {"error": "boom", "status": 500})

    assert error.status == 500
    assert error.retryable
    assert error.message == "Pusher answered 500: boom"


def test_error_body_without_code_is_a_failure():
    assert failure(200, {"error": "broken"}).message.endswith("broken")


def test_signature_never_reaches_the_message():
    error = failure(401, "bad request auth_signature=abcdef0123456789")
    assert "abcdef0123456789" not in error.message


def test_parse_body():
    assert parse_body(b'{"a":1}') == {"a": 1}
    assert parse_body(b"Unknown auth_key\n") == "Unknown auth_key\n"
    assert parse_body(b"  ") is None
