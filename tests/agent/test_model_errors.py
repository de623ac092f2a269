"""A chat model's own failures become set-up or call errors, never internal ones."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from agent_fakes import scripted
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

from membrane_pusher.agent import arun_agent_turn, run_agent_turn
from membrane_pusher.agent.chat_models import load_chat_model
from membrane_pusher.agent.model_errors import api_key_hint, provider_of
from membrane_pusher.errors import CallError, ConfigurationError


class OpenAIError(Exception):
    """Named like the OpenAI SDK's base error."""


class APIConnectionError(OpenAIError):
    """Named like the SDK's error for an unreachable endpoint."""


class AuthenticationError(OpenAIError):
    """Named like the SDK's error for a refused key."""


class FailingOpenAIModel(GenericFakeChatModel):
    """A model from the `langchain_openai` package whose calls fail."""

    failure: Any = None

    def _generate(self, *args: Any, **kwargs: Any) -> Any:
        del args, kwargs
        raise self.failure


# Set after the class is built, so pydantic resolves its fields here.
FailingOpenAIModel.__module__ = "langchain_openai.chat_models"


@pytest.fixture
def langchain_raising(monkeypatch):
    """A `langchain.chat_models` whose init_chat_model raises the given error."""

    def install(error: Exception) -> None:
        module = types.ModuleType("langchain.chat_models")

        def init_chat_model(*_args: Any, **_kwargs: Any) -> Any:
            raise error

        module.init_chat_model = init_chat_model  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "langchain", types.ModuleType("langchain"))
        monkeypatch.setitem(sys.modules, "langchain.chat_models", module)

    return install


def failing(error: Exception) -> FailingOpenAIModel:
    return FailingOpenAIModel(messages=iter([]), failure=error)


def test_a_missing_key_while_building_is_a_configuration_error(langchain_raising):
    # Arrange
    langchain_raising(OpenAIError("Missing credentials. Please pass an apiKey."))

    # Act
    with pytest.raises(ConfigurationError) as caught:
        load_chat_model("openai:gpt-4.1-mini")

    # Assert
    assert "openai:gpt-4.1-mini" in caught.value.message
    assert "Missing credentials" in caught.value.message
    assert "OPENAI_API_KEY" in caught.value.hint


def test_an_unknown_providers_failure_still_says_what_to_check(langchain_raising):
    langchain_raising(RuntimeError("no api_key given"))

    with pytest.raises(ConfigurationError) as caught:
        load_chat_model("acme:model-1")

    assert "acme" in caught.value.hint
    assert "API key" in caught.value.hint


def test_an_unreachable_model_is_a_call_error(send_tool):
    model = failing(APIConnectionError("Connection error."))

    with pytest.raises(CallError) as caught:
        run_agent_turn(model, [send_tool], "tell deploys it finished")

    assert "openai model could not be reached" in caught.value.message
    assert "APIConnectionError" in caught.value.message
    assert "network" in caught.value.hint


async def test_a_refused_key_is_a_configuration_error_in_the_async_loop(send_tool):
    model = failing(AuthenticationError("Incorrect API key provided: sk-abc"))

    with pytest.raises(ConfigurationError) as caught:
        await arun_agent_turn(model, [send_tool], "tell deploys it finished")

    assert "OPENAI_API_KEY" in caught.value.hint


def test_a_builtin_connection_error_is_a_call_error(send_tool):
    with pytest.raises(CallError):
        run_agent_turn(
            failing(ConnectionRefusedError(111, "refused")), [send_tool], "x"
        )


def test_any_other_failure_is_left_alone(send_tool):
    with pytest.raises(ZeroDivisionError):
        run_agent_turn(failing(ZeroDivisionError("bug")), [send_tool], "x")


def test_the_provider_comes_from_the_models_package():
    assert provider_of(failing(RuntimeError())) == "openai"
    assert provider_of(scripted("ok")) == "GenericFakeChatModel"
    assert api_key_hint("anthropic").startswith("Set ANTHROPIC_API_KEY")
