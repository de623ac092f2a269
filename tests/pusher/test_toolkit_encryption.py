"""The toolkit passes the encryption master key to the built-in tools."""

from __future__ import annotations

import base64
import json

import pytest
from pusher_helpers import FakeProxyClient

from membrane_pusher.errors import ConfigurationError
from membrane_pusher.pusher import encryption
from membrane_pusher.pusher.toolkit import PusherToolkit

pytest.importorskip("nacl")

KEY = bytes(range(32))
KEY_TEXT = base64.b64encode(KEY).decode()
CHANNEL = "private-encrypted-room"
CALL = {
    "type": "tool_call",
    "name": "pusher_trigger_event",
    "args": {"channels": [CHANNEL], "event": "e", "data": "the plan"},
    "id": "call-1",
}


def trigger_tool(client, **options):
    toolkit = PusherToolkit(
        connection_id="con_x",
        intents=(),
        app_id="12345",
        client=client,
        include=["pusher_trigger_event"],
        **options,
    )
    (tool,) = toolkit.get_tools()
    return tool


def sent_data(client) -> str:
    (request,) = client.calls
    body = request["body"]
    return (json.loads(body) if isinstance(body, str) else body)["data"]


def test_key_given_to_the_toolkit_encrypts_the_data():
    client = FakeProxyClient()
    tool = trigger_tool(client, encryption_master_key_base64=KEY_TEXT)

    message = tool.invoke(CALL)

    assert message.status == "success", message.content
    envelope = sent_data(client)
    assert "the plan" not in envelope
    assert encryption.decrypt_data(CHANNEL, envelope, KEY) == "the plan"


def test_key_from_the_environment_encrypts_the_data(monkeypatch):
    monkeypatch.setenv(encryption.MASTER_KEY_ENV, KEY_TEXT)
    client = FakeProxyClient()
    tool = trigger_tool(client)

    message = tool.invoke(CALL)

    assert message.status == "success", message.content
    assert encryption.decrypt_data(CHANNEL, sent_data(client), KEY) == "the plan"


def test_without_a_key_the_encrypted_channel_is_refused_and_nothing_sent():
    client = FakeProxyClient()
    tool = trigger_tool(client)

    message = tool.invoke(CALL)

    assert message.status == "error"
    assert encryption.MASTER_KEY_ENV in str(message.content)
    assert client.calls == []


def test_a_malformed_key_is_a_setup_error_that_never_shows_the_key():
    with pytest.raises(ConfigurationError) as caught:
        trigger_tool(FakeProxyClient(), encryption_master_key_base64="c2hvcnQ=")

    assert "c2hvcnQ=" not in str(caught.value)


def test_key_is_not_in_the_toolkit_repr():
    toolkit = PusherToolkit(intents=(), encryption_master_key_base64=KEY_TEXT)

    assert KEY_TEXT not in repr(toolkit)
