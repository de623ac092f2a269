"""Result shaping: light redaction for the model, the artifact kept whole."""

from __future__ import annotations

import json

import pytest

from fake_membrane import FakeClient, add_note_action, note_action
from membrane_pusher.redaction import REDACTED, register_secret
from membrane_pusher.tools.action_tool import action_tool
from membrane_pusher.tools.results import ToolOutcome, shape_result

KNOWN_SECRET = "known-secret-value-5e1f0a"

PAGE = {
    "nextPageToken": "abc",
    "tokens_used": 0,
    "signature_required": False,
    "password_policy": "strong",
    "secret_count": None,
    "items": [{"id": 1, "auth": "key:signature"}],
}


def test_data_with_secret_sounding_names_reaches_the_model_unchanged():
    # Act
    content, artifact = shape_result(ToolOutcome(PAGE), [], max_chars=10_000)

    # Assert
    assert json.loads(content) == PAGE
    assert artifact["output"] == PAGE


@pytest.mark.parametrize(
    "key",
    [
        "secret",
        "app_secret",
        "client_secret",
        "password",
        "access_token",
        "refresh_token",
        "api_key",
        "authorization",
        "accessToken",
        "Api-Key",
    ],
)
def test_credentials_under_their_exact_names_are_hidden_from_the_model(key):
    # Arrange
    output = {"user": {key: "s3cr3t-credential", "note": "kept"}, "count": 2}

    # Act
    content, artifact = shape_result(ToolOutcome(output), [], max_chars=10_000)

    # Assert
    shown = json.loads(content)
    assert shown["user"] == {key: REDACTED, "note": "kept"}
    assert shown["count"] == 2
    assert artifact["output"] == output


@pytest.mark.parametrize("value", [0, 12, True, False, None, ""])
def test_credential_names_with_non_secret_values_are_kept(value):
    # Arrange
    output = {"password": value, "token": value}

    # Act
    content, _ = shape_result(ToolOutcome(output), [], max_chars=10_000)

    # Assert
    assert json.loads(content) == output


def test_known_secret_values_appear_nowhere():
    # Arrange
    register_secret(KNOWN_SECRET)
    output = {
        "echo": f"your key is {KNOWN_SECRET}",
        KNOWN_SECRET: [KNOWN_SECRET],
        "nextPageToken": "abc",
    }
    outcome = ToolOutcome(output, details={"note": KNOWN_SECRET})

    # Act
    content, artifact = shape_result(outcome, [], max_chars=10_000)

    # Assert
    everything = content + json.dumps(artifact)
    assert KNOWN_SECRET not in everything
    assert json.loads(content)["nextPageToken"] == "abc"
    assert artifact["output"]["nextPageToken"] == "abc"
    assert artifact["output"]["echo"] == f"your key is {REDACTED}"


def test_an_action_tool_returns_a_page_intact():
    # Arrange
    client = FakeClient(output=PAGE)
    tool = action_tool(note_action(), client, "con_1")

    # Act
    message = tool.invoke(
        {"type": "tool_call", "id": "c1", "name": tool.name, "args": {"text": "x"}}
    )

    # Assert
    assert json.loads(message.content) == PAGE
    assert message.artifact["output"] == PAGE


@pytest.mark.parametrize(
    "text", ["\ud800", "cut emoji \ud83d", "x\udcff", "ok \udc80 then"]
)
async def test_a_lone_surrogate_becomes_a_tool_error(standin, text):
    # Arrange
    tool = action_tool(add_note_action(standin), standin.client(), "con_1")
    call = {"type": "tool_call", "id": "c1", "name": tool.name, "args": {"text": text}}

    # Act
    synced = tool.invoke(call)
    awaited = await tool.ainvoke(call)

    # Assert
    for message in (synced, awaited):
        assert message.status == "error"
        error = json.loads(message.content)["error"]
        assert error["type"] == "invalid_arguments"
        assert error["problems"][0].startswith("text: ")
    assert standin.calls() == []
