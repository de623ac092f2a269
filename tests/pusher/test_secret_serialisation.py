"""Secrets stay out of dumps, reprs and pickles of the toolkit and its tools."""

from __future__ import annotations

import base64
import copy
import json
import pickle

import httpx
import pytest
from pusher_helpers import FakeProxyClient

from membrane_pusher.errors import ConfigurationError
from membrane_pusher.pusher import encryption
from membrane_pusher.pusher.config import PusherSettings
from membrane_pusher.pusher.toolkit import PusherToolkit
from membrane_pusher.pusher.transports.direct import DirectTransport

KEY = bytes(range(100, 132))
KEY_TEXT = base64.b64encode(KEY).decode()
APP_SECRET = "app-s3cret-Vw41"
URL = f"http://app-key:{APP_SECRET}@127.0.0.1:9/apps/12345"
ENCRYPTED_CALL = {
    "type": "tool_call",
    "name": "pusher_trigger_event",
    "args": {"channels": ["private-encrypted-room"], "event": "e", "data": "plan"},
    "id": "call-1",
}


def direct_settings() -> PusherSettings:
    return PusherSettings.from_url(URL)


def leaks(blob: str | bytes) -> list[str]:
    """Name the secrets found in a dump, a repr or a pickle."""
    data = blob.encode() if isinstance(blob, str) else blob
    secrets = {"key text": KEY_TEXT.encode(), "key": KEY, "secret": APP_SECRET.encode()}
    found = [name for name, secret in secrets.items() if secret in data]
    if isinstance(blob, str) and repr(KEY) in blob:
        found.append("key repr")
    return found


def serialisations(model) -> dict[str, str | bytes]:
    return {
        "model_dump": repr(model.model_dump()),
        "model_dump_json": model.model_dump_json(),
        "repr": repr(model),
        "pickle": pickle.dumps(model),
    }


TOOLKITS = {
    "direct-settings": {"transport": "direct", "pusher_settings": "settings"},
    "direct-url": {"transport": "direct", "pusher_settings": URL},
    "membrane": {"connection_id": "con_x", "client": "client"},
}


def make_toolkit(options) -> PusherToolkit:
    given = dict(options)
    if given.get("pusher_settings") == "settings":
        given["pusher_settings"] = direct_settings()
    if given.get("client") == "client":
        given["client"] = FakeProxyClient()
    return PusherToolkit(
        intents=(), app_id="12345", encryption_master_key_base64=KEY_TEXT, **given
    )


@pytest.mark.parametrize("options", TOOLKITS.values(), ids=TOOLKITS.keys())
def test_the_toolkit_shows_no_secret(options):
    # Arrange
    toolkit = make_toolkit(options)

    # Act
    shown = serialisations(toolkit)

    # Assert
    assert {how: leaks(blob) for how, blob in shown.items() if leaks(blob)} == {}


@pytest.mark.parametrize("options", TOOLKITS.values(), ids=TOOLKITS.keys())
def test_every_tool_shows_no_secret(options):
    # Arrange
    tools = make_toolkit(options).get_tools()

    # Act
    shown = {
        (tool.name, how): blob
        for tool in tools
        for how, blob in serialisations(tool).items()
    }

    # Assert
    assert {where: leaks(blob) for where, blob in shown.items() if leaks(blob)} == {}


def test_settings_and_transport_pickle_without_the_secret():
    # Arrange
    transport = DirectTransport(direct_settings())

    # Act
    blobs = [pickle.dumps(transport.settings), pickle.dumps(transport)]

    # Assert
    assert [leaks(blob) for blob in blobs] == [[], []]


def test_the_dumps_keep_the_public_fields():
    # Arrange
    toolkit = make_toolkit(TOOLKITS["direct-settings"])
    (tool,) = [t for t in toolkit.get_tools() if t.name == "pusher_get_channel"]

    # Act
    kit_dump = json.loads(toolkit.model_dump_json())
    tool_dump = json.loads(tool.model_dump_json())

    # Assert
    assert kit_dump["transport"] == "direct"
    assert kit_dump["app_id"] == "12345"
    assert tool_dump["name"] == "pusher_get_channel"
    assert tool_dump["args_schema"] == tool.args_schema


def test_copies_keep_the_key():
    pytest.importorskip("nacl")
    # Arrange
    client = FakeProxyClient()
    toolkit = make_toolkit({"connection_id": "con_x", "client": client})
    (tool,) = [t for t in toolkit.get_tools() if t.name == "pusher_trigger_event"]

    # Act
    messages = [
        twin.invoke(ENCRYPTED_CALL)
        for twin in (copy.copy(tool), copy.deepcopy(tool), tool.model_copy())
    ]

    # Assert
    assert [m.status for m in messages] == ["success"] * 3
    for sent in client.calls:
        data = sent["body"]["data"]
        assert encryption.decrypt_data("private-encrypted-room", data, KEY) == "plan"


def test_a_tool_loaded_from_a_pickle_refuses_encrypted_channels():
    # Arrange
    client = FakeProxyClient()
    toolkit = make_toolkit({"connection_id": "con_x", "client": client})
    (tool,) = [t for t in toolkit.get_tools() if t.name == "pusher_trigger_event"]

    # Act
    loaded = pickle.loads(pickle.dumps(tool))  # noqa: S301 - our own bytes
    message = loaded.invoke(ENCRYPTED_CALL)

    # Assert
    assert message.status == "error"
    assert encryption.MASTER_KEY_ENV in str(message.content)
    assert client.calls == []


def test_a_direct_transport_loaded_from_a_pickle_refuses_to_send():
    # Arrange
    sent: list[httpx.Request] = []
    mock = httpx.MockTransport(
        lambda request: sent.append(request) or httpx.Response(200)
    )
    toolkit = make_toolkit(TOOLKITS["direct-settings"])
    (tool,) = [t for t in toolkit.get_tools() if t.name == "pusher_list_channels"]
    loaded = pickle.loads(pickle.dumps(tool))  # noqa: S301 - our own bytes
    loaded.transport._mock = mock

    # Act
    with pytest.raises(ConfigurationError, match="no app secret") as raised:
        loaded.invoke({"type": "tool_call", "name": "x", "args": {}, "id": "1"})

    # Assert
    assert APP_SECRET not in str(raised.value)
    assert sent == []


def test_a_toolkit_loaded_from_a_pickle_reads_its_secrets_from_the_environment(
    monkeypatch,
):
    # Arrange
    toolkit = make_toolkit(TOOLKITS["direct-url"])
    monkeypatch.setenv("PUSHER_URL", URL.replace(APP_SECRET, "env-s3cret-Pk2"))

    # Act
    loaded = pickle.loads(pickle.dumps(toolkit))  # noqa: S301 - our own bytes
    tools = loaded.get_tools()

    # Assert
    assert loaded.encryption_master_key_base64 is None
    assert loaded.pusher_settings is None
    assert tools[0].transport.settings.secret == "env-s3cret-Pk2"
