"""`agent`: one turn with the toolkit; destructive calls need a yes."""

from __future__ import annotations

import sys
import types
from typing import Any

from cli_helpers import patch_model, use_model
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel


def test_turn_prints_calls_on_stderr_and_the_answer_on_stdout(
    invoke, app_env, monkeypatch
):
    # arrange
    patch_model(
        monkeypatch, [("pusher_list_channels", {})], answer="No channel is occupied."
    )

    # act
    outcome = invoke(["agent", "How many channels are occupied?"])

    # assert
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.strip() == "No channel is occupied."
    assert "-> pusher_list_channels {}" in outcome.stderr
    assert "<- ok:" in outcome.stderr


def test_json_shape(invoke, app_env, monkeypatch):
    # arrange
    args = {"channels": ["deploys"], "event": "done", "data": "ok"}
    patch_model(monkeypatch, [("pusher_trigger_event", args)], answer="Sent.")

    # act
    outcome = invoke(["agent", "Tell deploys we are done", "--json"])

    # assert
    assert outcome.exit_code == 0
    document = outcome.json()
    assert document["ok"] is True
    assert document["answer"] == "Sent."
    assert document["stop_reason"] == "answer"
    [call] = document["calls"]
    assert call["name"] == "pusher_trigger_event"
    assert call["status"] == "ok"
    assert app_env.calls("request")


def test_destructive_call_is_refused_without_terminal_or_yes(
    invoke, app_env, monkeypatch
):
    # arrange
    patch_model(
        monkeypatch, [("pusher_terminate_user_connections", {"user_id": "u1"})], "No."
    )

    # act
    outcome = invoke(["agent", "Kick u1", "--json"])

    # assert: the model is told how the person could allow it; nothing was done
    assert outcome.exit_code == 1
    assert outcome.json()["ok"] is False
    [call] = outcome.json()["calls"]
    assert call["status"] == "refused"
    assert "--yes" in call["content"]
    assert not app_env.calls("request")


def test_destructive_call_runs_with_yes(invoke, app_env, monkeypatch):
    # arrange
    patch_model(
        monkeypatch, [("pusher_terminate_user_connections", {"user_id": "u1"})], "Done."
    )

    # act
    outcome = invoke(["agent", "Kick u1", "--yes", "--json"])

    # assert
    [call] = outcome.json()["calls"]
    assert call["status"] == "ok"
    assert len(app_env.calls("request")) == 1


def test_no_model_available_is_exit_6(invoke, app_env, monkeypatch):
    # arrange
    use_model(monkeypatch, None)

    # act
    outcome = invoke(["agent", "hi", "--json"])

    # assert
    assert outcome.exit_code == 6
    assert "--model" in outcome.json()["error"]["hint"]


def test_turn_without_answer_is_exit_1(invoke, app_env, monkeypatch):
    # arrange
    patch_model(monkeypatch, [("pusher_list_channels", {})] * 3, answer="late")

    # act
    outcome = invoke(["agent", "loop", "--max-steps", "2", "--json"])

    # assert
    assert outcome.exit_code == 1
    assert outcome.json()["stop_reason"] == "max_steps"


class OpenAIError(Exception):
    """Named like the OpenAI SDK's error for missing credentials."""


class APIConnectionError(Exception):
    """Named like the SDK's error for an unreachable endpoint."""


class UnreachableModel(GenericFakeChatModel):
    def _generate(self, *args: Any, **kwargs: Any) -> Any:
        del args, kwargs
        raise APIConnectionError("Connection error.")


def test_a_model_without_its_api_key_is_exit_6_naming_the_variable(
    invoke, app_env, monkeypatch
):
    # arrange: init_chat_model fails as langchain-openai does without a key
    module = types.ModuleType("langchain.chat_models")

    def init_chat_model(*_args: Any, **_kwargs: Any) -> Any:
        raise OpenAIError("Missing credentials. Please pass an `apiKey`.")

    module.init_chat_model = init_chat_model  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "langchain", types.ModuleType("langchain"))
    monkeypatch.setitem(sys.modules, "langchain.chat_models", module)

    # act
    outcome = invoke(["agent", "hi", "--model", "openai:gpt-4.1-mini", "--json"])

    # assert
    assert outcome.exit_code == 6
    error = outcome.json()["error"]
    assert error["type"] == "configuration_error"
    assert "OPENAI_API_KEY" in error["hint"]
    assert "report" not in error["hint"]


def test_an_unreachable_model_is_a_call_failure_not_an_internal_one(
    invoke, app_env, monkeypatch
):
    # arrange
    use_model(monkeypatch, UnreachableModel(messages=iter([])))

    # act
    outcome = invoke(["agent", "hi", "--json"])

    # assert
    assert outcome.exit_code == 1
    error = outcome.json()["error"]
    assert error["type"] == "call_error"
    assert "could not be reached" in error["message"]
