"""Choosing the chat model from a `provider:model` spec."""

from __future__ import annotations

import json
import sys
import types

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

from membrane_pusher.agent import chat_models
from membrane_pusher.agent.chat_models import load_chat_model
from membrane_pusher.cli import run
from membrane_pusher.errors import ConfigurationError


@pytest.fixture
def no_offline_model(monkeypatch):
    monkeypatch.setattr(chat_models, "offline_model_available", lambda: False)


@pytest.fixture
def fake_langchain(monkeypatch):
    """A `langchain.chat_models` module whose init_chat_model is recorded."""
    calls = []
    module = types.ModuleType("langchain.chat_models")

    def init_chat_model(model, *, model_provider, **kwargs):
        calls.append((model, model_provider, kwargs))
        if model_provider == "missing":
            raise ImportError("no module named langchain_missing")
        if model_provider == "bogus":
            raise ValueError("Unsupported model_provider='bogus'")
        return GenericFakeChatModel(messages=iter([]))

    module.init_chat_model = init_chat_model
    monkeypatch.setitem(sys.modules, "langchain", types.ModuleType("langchain"))
    monkeypatch.setitem(sys.modules, "langchain.chat_models", module)
    return calls


def test_no_spec_and_no_offline_model_gives_none(no_offline_model):
    assert load_chat_model(None) is None


def test_no_spec_loads_the_offline_model_when_installed(monkeypatch):
    sentinel = object()
    monkeypatch.setattr(chat_models, "offline_model_available", lambda: True)
    monkeypatch.setattr(chat_models, "load_offline_model", lambda: sentinel)

    assert load_chat_model(None) is sentinel
    assert load_chat_model("offline") is sentinel


def test_asking_for_the_offline_model_when_missing_says_what_to_install(
    no_offline_model,
):
    with pytest.raises(ConfigurationError) as caught:
        load_chat_model("offline")

    assert "offline-model" in caught.value.hint


@pytest.mark.parametrize("spec", ["gpt-4", "openai:", ":gpt-4", ""])
def test_a_malformed_spec_is_refused(spec):
    with pytest.raises(ConfigurationError, match="provider:model"):
        load_chat_model(spec)


def test_missing_langchain_names_the_packages(monkeypatch):
    monkeypatch.setitem(sys.modules, "langchain.chat_models", None)

    with pytest.raises(ConfigurationError) as caught:
        load_chat_model("openai:gpt-4.1-mini")

    assert "pip install 'membrane-pusher[models]' langchain-openai" in caught.value.hint


def test_a_spec_goes_to_init_chat_model(fake_langchain):
    model = load_chat_model("openai:gpt-4.1-mini", temperature=0)

    assert isinstance(model, GenericFakeChatModel)
    assert fake_langchain == [("gpt-4.1-mini", "openai", {"temperature": 0})]


def test_a_missing_provider_package_is_named(fake_langchain):
    with pytest.raises(ConfigurationError) as caught:
        load_chat_model("missing:model-x")

    assert (
        caught.value.hint
        == "Install it with: pip install 'membrane-pusher[models]' langchain-missing"
    )


def test_an_unknown_provider_is_a_configuration_error(fake_langchain):
    with pytest.raises(ConfigurationError, match="bogus"):
        load_chat_model("bogus:model-x")


# --- which providers exist: LangChain's own answer, or our list without it ----


@pytest.fixture
def no_langchain(monkeypatch):
    monkeypatch.setitem(sys.modules, "langchain.chat_models", None)


# The providers of the stand-in `langchain` below, with the module of each.
STANDIN_PROVIDERS = {
    "openai": "langchain_openai",
    "azure_openai": "langchain_openai",
    "nvidia": "langchain_nvidia_ai_endpoints",
    "baseten": "langchain_baseten",
}


def standin_langchain(monkeypatch, *, installed=frozenset({"langchain_openai"})):
    """A `langchain` whose `init_chat_model` fails as LangChain 1.x's does.

    An unknown provider is a `ValueError` listing the known ones; a provider
    whose module is not in `installed` is an `ImportError` raised from the
    `ModuleNotFoundError` of that module.
    """
    calls = []
    package = types.ModuleType("langchain.chat_models")

    def init_chat_model(model, *, model_provider, **kwargs):
        calls.append((model, model_provider, kwargs))
        module = STANDIN_PROVIDERS.get(model_provider)
        if module is None:
            supported = ", ".join(STANDIN_PROVIDERS)
            message = (
                f"Unsupported provider={model_provider!r}.\n\n"
                f"Supported model providers are: {supported}"
            )
            raise ValueError(message)
        if module not in installed:
            missing = ModuleNotFoundError(f"No module named {module!r}", name=module)
            pip_name = module.replace("_", "-")
            message = f"Initializing the chat model requires the {pip_name} package"
            raise ImportError(message) from missing
        return GenericFakeChatModel(messages=iter([]))

    package.init_chat_model = init_chat_model
    monkeypatch.setitem(sys.modules, "langchain", types.ModuleType("langchain"))
    monkeypatch.setitem(sys.modules, "langchain.chat_models", package)
    return calls


def test_an_unknown_provider_without_langchain_lists_the_known_ones(no_langchain):
    # Act
    with pytest.raises(ConfigurationError) as caught:
        load_chat_model("nope:x")

    # Assert
    error = caught.value
    assert "'nope' is unknown" in error.message
    assert "openai, openrouter" in error.message
    assert "anthropic" in error.message
    assert "pip install" not in error.hint
    assert "langchain-nope" not in f"{error.message} {error.hint}"


def test_a_known_provider_without_langchain_names_its_real_package(no_langchain):
    with pytest.raises(ConfigurationError) as caught:
        load_chat_model("azure-openai:gpt-4o")

    assert caught.value.hint == (
        "Install it with: pip install 'membrane-pusher[models]' langchain-openai"
    )


def test_an_unknown_provider_is_refused_with_langchains_own_list(monkeypatch):
    # Arrange
    calls = standin_langchain(monkeypatch)

    # Act
    with pytest.raises(ConfigurationError) as caught:
        load_chat_model("anthropic:claude")

    # Assert: anthropic is in our list, but not in this langchain's
    message = caught.value.message
    assert "anthropic:claude" in message
    assert message.endswith(
        "Supported model providers are: openai, azure_openai, nvidia, baseten"
    )
    assert "pip install" not in caught.value.hint
    assert calls == [("claude", "anthropic", {})]


def test_a_provider_only_langchain_knows_is_accepted(monkeypatch):
    calls = standin_langchain(monkeypatch, installed={"langchain_baseten"})

    model = load_chat_model("baseten:llama")

    assert isinstance(model, GenericFakeChatModel)
    assert calls == [("llama", "baseten", {})]


@pytest.mark.parametrize(
    ("spec", "package"),
    [
        ("azure_openai:gpt-4o", "langchain-openai"),
        ("nvidia:x", "langchain-nvidia-ai-endpoints"),
    ],
)
def test_a_missing_package_of_a_known_provider_is_the_listed_one(
    monkeypatch, spec, package
):
    standin_langchain(monkeypatch, installed=frozenset())

    with pytest.raises(ConfigurationError) as caught:
        load_chat_model(spec)

    assert caught.value.hint == (
        f"Install it with: pip install 'membrane-pusher[models]' {package}"
    )


def test_the_cli_names_an_unknown_provider_without_an_install_line(
    no_langchain, capsys
):
    code = run(["agent", "hi", "--model", "nope:x", "--json"])

    error = json.loads(capsys.readouterr().out)["error"]
    assert code == 6
    assert "'nope' is unknown" in error["message"]
    assert "langchain-nope" not in error["hint"]
