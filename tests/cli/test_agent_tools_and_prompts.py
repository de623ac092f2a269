"""`agent`: the offline model gets a few tools; one prompt per destructive call."""

from __future__ import annotations

from typing import Any

import pytest
from cli_helpers import patch_model, use_model
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from membrane_pusher.agent.offline_model import NeedleChatModel
from membrane_pusher.agent.tool_choice import OFFLINE_TOOL_LIMIT
from membrane_pusher.cli import toolset


class _ScriptedNeedle(NeedleChatModel):
    """The offline model's class, with scripted replies instead of the engine."""

    bound: list[list[str]] = []  # noqa: RUF012 - shared record, reset per test

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        type(self).bound.append([tool.name for tool in tools])
        return super().bind_tools(tools, **kwargs)

    def _generate(self, messages: Any, stop: Any = None, **kwargs: Any) -> ChatResult:
        del stop, kwargs
        if any(getattr(m, "type", "") == "tool" for m in messages):
            reply = AIMessage(content="Sent.")
        else:
            reply = AIMessage(
                content="",
                tool_calls=[
                    {
                        "name": "pusher_trigger_event",
                        "args": {
                            "channels": ["deploys"],
                            "event": "live",
                            "data": "up",
                        },
                        "id": "call_0",
                    }
                ],
            )
        return ChatResult(generations=[ChatGeneration(message=reply)])


@pytest.fixture
def prompts(monkeypatch):
    """Make the confirmer interactive and count its prompts (answering yes)."""
    asked: list[str] = []

    class InteractiveConfirmer(toolset.Confirmer):
        def __init__(self, *, assume_yes: bool) -> None:
            super().__init__(assume_yes=assume_yes, interactive=True)

    def confirm(text: str, **_kwargs: Any) -> bool:
        asked.append(text)
        return "deny" not in text

    monkeypatch.setattr(toolset, "Confirmer", InteractiveConfirmer)
    monkeypatch.setattr(toolset.click, "confirm", confirm)
    return asked


def test_the_offline_model_gets_only_the_tools_the_instruction_needs(
    invoke, app_env, monkeypatch
):
    # Arrange
    _ScriptedNeedle.bound = []
    use_model(monkeypatch, _ScriptedNeedle())

    # Act
    outcome = invoke(["agent", "Tell the deploys channel we are live"])

    # Assert
    assert outcome.exit_code == 0, outcome.stderr
    [given] = {tuple(names) for names in _ScriptedNeedle.bound}
    assert given[0] == "pusher_trigger_event"
    assert len(given) <= OFFLINE_TOOL_LIMIT
    assert "The offline model gets" in outcome.stderr
    assert "<- ok:" in outcome.stderr
    assert outcome.stdout.strip() == "Sent."
    assert len(app_env.calls("request")) == 1


def test_other_models_get_every_tool(invoke, app_env, monkeypatch):
    # Arrange
    patch_model(monkeypatch, [], answer="Nothing to do.")

    # Act
    outcome = invoke(["agent", "Tell the deploys channel we are live"])

    # Assert
    assert outcome.exit_code == 0, outcome.stderr
    assert "The offline model gets" not in outcome.stderr


def test_a_destructive_call_is_asked_about_once(invoke, app_env, monkeypatch, prompts):
    # Arrange
    patch_model(
        monkeypatch, [("pusher_terminate_user_connections", {"user_id": "u1"})], "Done."
    )

    # Act
    outcome = invoke(["agent", "Kick u1", "--json"])

    # Assert
    assert outcome.exit_code == 0, outcome.stderr
    assert len(prompts) == 1, prompts
    [call] = outcome.json()["calls"]
    assert call["status"] == "ok"
    assert len(app_env.calls("request")) == 1


def test_a_denied_call_is_asked_about_once_and_not_sent(
    invoke, app_env, monkeypatch, prompts
):
    # Arrange
    patch_model(
        monkeypatch,
        [("pusher_terminate_user_connections", {"user_id": "deny-me"})],
        "Not done.",
    )

    # Act
    outcome = invoke(["agent", "Kick deny-me", "--json"])

    # Assert
    assert len(prompts) == 1, prompts
    [call] = outcome.json()["calls"]
    assert call["status"] in {"refused", "error"}
    assert app_env.calls("request") == []


def test_every_destructive_call_is_asked_about_once_even_a_repeat(
    invoke, app_env, monkeypatch, prompts
):
    # Arrange: u1 twice (a repeat is a new action: asked again), then u2
    kick = "pusher_terminate_user_connections"
    patch_model(
        monkeypatch,
        [
            (kick, {"user_id": "u1"}),
            (kick, {"user_id": "u1"}),
            (kick, {"user_id": "u2"}),
        ],
        "Done.",
    )

    # Act
    outcome = invoke(["agent", "Kick u1 and u2", "--max-steps", "6", "--json"])

    # Assert
    assert outcome.exit_code == 0, outcome.stderr
    assert len(prompts) == 3, prompts
    asked_for = ["u1" if '"u1"' in text else "u2" for text in prompts]
    assert asked_for == ["u1", "u1", "u2"]
    assert [c["status"] for c in outcome.json()["calls"]] == ["ok", "ok", "ok"]
    assert len(app_env.calls("request")) == 3
