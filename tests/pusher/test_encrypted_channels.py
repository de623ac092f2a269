"""Encrypted channels: refused without a master key, encrypted with one.

Whatever the path (trigger, batch, raw `/events` or `/batch_events`), data for
a `private-encrypted-` channel never leaves in plain text.
"""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import ToolMessage
from pusher_helpers import accepted, error_of, refused

from membrane_pusher.pusher import encryption
from membrane_pusher.pusher.operations import OPERATIONS
from membrane_pusher.pusher.tools import pusher_tool

pytest.importorskip("nacl")

KEY = bytes(range(32))
CHANNEL = "private-encrypted-room"
TRIGGER = "pusher_trigger_event"
BATCH = "pusher_trigger_batch"
RAW = "pusher_api_request"
NO_KEY = "no encryption master key is configured"


def call_with_key(name, arguments, transport, key=KEY) -> ToolMessage:
    """Invoke a built-in tool whose operation carries the master key."""
    tool = pusher_tool(OPERATIONS[name].with_encryption_key(key), transport)
    message = tool.invoke(
        {"type": "tool_call", "name": name, "args": arguments, "id": "call-1"}
    )
    assert isinstance(message, ToolMessage)
    return message


def sent_request(name, arguments, transport):
    """Call with the key and return the one request that was sent."""
    message = call_with_key(name, arguments, transport)
    assert message.status == "success", message.content
    (request,) = transport.sent
    return request


# --- without a key ----------------------------------------------------------------


def test_trigger_on_encrypted_channel_refused_without_key(transport):
    arguments = {"channels": [CHANNEL], "event": "e", "data": "secret"}
    error = refused(TRIGGER, arguments, transport, NO_KEY)
    assert encryption.MASTER_KEY_ENV in json.dumps(error)


def test_batch_event_on_encrypted_channel_refused_without_key(transport):
    events = [
        {"channel": "plain", "event": "e", "data": "a"},
        {"channel": CHANNEL, "event": "e", "data": "b"},
    ]
    error = refused(BATCH, {"events": events}, transport, NO_KEY)
    (problem,) = error["problems"]
    assert problem.startswith(f'events[1].channel: "{CHANNEL}"')


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/events", {"name": "e", "channels": [CHANNEL], "data": "secret"}),
        ("/events", {"name": "e", "channel": CHANNEL, "data": "secret"}),
        ("/batch_events", {"batch": [{"channel": CHANNEL, "name": "e", "data": "s"}]}),
    ],
)
def test_raw_requests_to_encrypted_channels_refused_without_key(transport, path, body):
    refused(RAW, {"method": "POST", "path": path, "body": body}, transport, NO_KEY)


def test_refused_before_confirmation(transport):
    def confirm(*_):
        raise AssertionError("a call that cannot be sent is not shown to anyone")

    tool = pusher_tool(OPERATIONS[RAW], transport, confirm=confirm)
    body = {"name": "e", "channels": [CHANNEL], "data": "secret"}
    message = tool.invoke(
        {
            "type": "tool_call",
            "name": RAW,
            "args": {"method": "POST", "path": "/events", "body": body},
            "id": "1",
        }
    )
    assert NO_KEY in json.dumps(error_of(message))
    assert transport.sent == []


def test_key_without_pynacl_refused(transport, monkeypatch):
    monkeypatch.setattr(encryption, "is_available", lambda: False)
    arguments = {"channels": [CHANNEL], "event": "e", "data": "secret"}
    message = call_with_key(TRIGGER, arguments, transport)
    assert "PyNaCl is not installed" in json.dumps(error_of(message))
    assert transport.sent == []


def test_plain_channels_need_no_key(transport):
    request = accepted(
        TRIGGER, {"channels": ["c"], "event": "e", "data": "x"}, transport
    )
    assert request.body["data"] == "x"


# --- with a key -------------------------------------------------------------------


def test_trigger_sends_the_envelope(transport):
    # Act
    request = sent_request(
        TRIGGER, {"channels": [CHANNEL], "event": "e", "data": {"a": 1}}, transport
    )

    # Assert
    sealed = request.body["data"]
    assert set(json.loads(sealed)) == {"nonce", "ciphertext"}
    assert encryption.decrypt_data(CHANNEL, sealed, KEY) == '{"a":1}'


def test_batch_encrypts_only_encrypted_channels(transport):
    events = [
        {"channel": "plain", "event": "e", "data": "open"},
        {"channel": CHANNEL, "event": "e", "data": "closed"},
    ]
    request = sent_request(BATCH, {"events": events}, transport)

    plain, sealed = request.body["batch"]
    assert plain["data"] == "open"
    assert encryption.decrypt_data(CHANNEL, sealed["data"], KEY) == "closed"


@pytest.mark.parametrize("field", ["channels", "channel"])
def test_raw_events_encrypted(transport, field):
    channels = [CHANNEL] if field == "channels" else CHANNEL
    body = {"name": "e", field: channels, "data": "secret"}
    request = sent_request(
        RAW, {"method": "POST", "path": "/events", "body": body}, transport
    )

    assert encryption.decrypt_data(CHANNEL, request.body["data"], KEY) == "secret"
    assert body["data"] == "secret", "the caller's body is untouched"


def test_raw_batch_encrypted(transport):
    batch = [
        {"channel": "plain", "name": "e", "data": "open"},
        {"channel": CHANNEL, "name": "e", "data": "closed"},
    ]
    request = sent_request(
        RAW,
        {"method": "POST", "path": "/batch_events", "body": {"batch": batch}},
        transport,
    )

    plain, sealed = request.body["batch"]
    assert plain == batch[0]
    assert encryption.decrypt_data(CHANNEL, sealed["data"], KEY) == "closed"


def test_limit_applies_to_the_encrypted_payload(transport):
    fits = {"channels": [CHANNEL], "event": "e", "data": "x" * 7619}
    request = sent_request(TRIGGER, fits, transport)
    assert len(request.body["data"].encode()) == 10240

    transport.sent.clear()
    too_big = {"channels": [CHANNEL], "event": "e", "data": "x" * 7620}
    message = call_with_key(TRIGGER, too_big, transport)
    assert "payload too large: 10244 > 10240 bytes once encrypted" in json.dumps(
        error_of(message)
    )
    assert transport.sent == []


def test_limit_applies_without_key_too(transport):
    # The size rule needs no key: the message names the real limit first.
    too_big = {"channels": [CHANNEL], "event": "e", "data": "x" * 7620}
    refused(TRIGGER, too_big, transport, "once encrypted")


def test_batch_limit_applies_to_the_encrypted_payload(transport):
    events = [{"channel": CHANNEL, "event": "e", "data": "x" * 8000}]
    message = call_with_key(BATCH, {"events": events}, transport)
    assert "events[0].data: payload too large" in json.dumps(error_of(message))
    assert transport.sent == []


def test_multi_channel_trigger_with_encrypted_channel_still_refused(transport):
    arguments = {"channels": [CHANNEL, "plain"], "event": "e", "data": "x"}
    message = call_with_key(TRIGGER, arguments, transport)
    assert "cannot be triggered together" in json.dumps(error_of(message))
    assert transport.sent == []


def test_send_to_user_is_never_encrypted(transport):
    message = call_with_key(
        "pusher_send_to_user", {"user_id": "u1", "event": "e", "data": "x"}, transport
    )
    assert message.status == "success"
    assert transport.sent[0].body["data"] == "x"


def test_key_of_wrong_length_refused():
    from membrane_pusher.errors import ConfigurationError  # noqa: PLC0415

    with pytest.raises(ConfigurationError, match="31 bytes"):
        OPERATIONS[TRIGGER].with_encryption_key(b"x" * 31)


def test_key_never_in_repr():
    operation = OPERATIONS[TRIGGER].with_encryption_key(KEY)
    assert repr(KEY) not in repr(operation)
