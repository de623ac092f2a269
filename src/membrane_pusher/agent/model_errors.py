"""A chat model's failures as the package's errors, with what to do about them.

A model chosen by name (`openai:gpt-4.1-mini`) fails in the provider's own
exception classes, which this package does not import: a missing API key when
the model is built, a refused key or an unreachable endpoint when it is
called. None of them is a bug of the package, so none should read as one:

* `setup_failure`: the model could not be built (a missing key, a bad
  option): a `ConfigurationError` naming the provider's API-key variable
  when it is known;
* `call_failure`: the model could not be called. A refused key becomes a
  `ConfigurationError`, an unreachable endpoint or a timeout a `CallError`;
  anything else is left alone (`None`), to be reported as the unexpected
  error it is.

Failures are recognised by the names of the exception's classes
(`APIConnectionError`, `AuthenticationError`, `httpx.ConnectError`, ...), which
the provider SDKs share by convention, and by the words of a key problem.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from membrane_pusher.errors import CallError, ConfigurationError, MembranePusherError
from membrane_pusher.redaction import redact

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["API_KEY_VARIABLES", "api_key_hint", "call_failure", "setup_failure"]

API_KEY_VARIABLES: dict[str, str] = {
    "openai": "OPENAI_API_KEY",
    "azure_openai": "AZURE_OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "google_genai": "GOOGLE_API_KEY",
    "mistralai": "MISTRAL_API_KEY",
    "groq": "GROQ_API_KEY",
    "cohere": "COHERE_API_KEY",
    "fireworks": "FIREWORKS_API_KEY",
    "together": "TOGETHER_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "xai": "XAI_API_KEY",
    "perplexity": "PPLX_API_KEY",
    "huggingface": "HUGGINGFACEHUB_API_TOKEN",
}
"""LangChain provider name -> the environment variable its API key is read from."""

_PACKAGE_PREFIX = "langchain_"
_NOT_PROVIDERS = frozenset({"langchain_core", "langchain_community"})
_AUTH_CLASS = re.compile(r"Authentication|PermissionDenied|Unauthorized|Forbidden")
_NETWORK_CLASS = re.compile(r"Connect|Timeout|Network|Unreachable")
_KEY_WORDS = re.compile(
    r"api[_ ]?key|credential|authenticat|unauthori[sz]ed|invalid.{0,20}key",
    re.IGNORECASE,
)
_MAX_DETAIL = 300


def api_key_hint(provider: str) -> str:
    """What to set for a provider's key (a generic line for unknown providers)."""
    variable = API_KEY_VARIABLES.get(provider.lower())
    if variable is None:
        return (
            f"Check the {provider} provider's credentials (its API key "
            "environment variable) and the model's options."
        )
    return f"Set {variable} to your {provider} API key (export {variable}=...)."


def setup_failure(
    provider: str, model_name: str, error: Exception
) -> ConfigurationError:
    """Explain why a model could not be built.

    Args:
        provider: The provider of the spec (`openai`).
        model_name: The model of the spec (`gpt-4.1-mini`).
        error: What the provider's constructor raised.

    Returns:
        A set-up error naming the model, the cause and, when the cause
        concerns a key, the variable to set.
    """
    hint = "Check the model name and the provider's settings."
    if _concerns_a_key(error) or provider.lower() in API_KEY_VARIABLES:
        hint = api_key_hint(provider)
    return ConfigurationError(
        f"The model {provider}:{model_name} could not be set up: {_detail(error)}",
        hint=hint,
    )


def call_failure(
    error: Exception, model: BaseChatModel
) -> CallError | ConfigurationError | None:
    """Explain why calling the model failed, when the cause is known.

    Args:
        error: What the model's `invoke` raised.
        model: The model that was called (its package names the provider).

    Returns:
        A `ConfigurationError` for a refused key, a `CallError` for a
        network failure or a timeout, and `None` for anything else.
    """
    if isinstance(error, MembranePusherError):
        return None
    provider = provider_of(model)
    names = " ".join(cls.__name__ for cls in type(error).__mro__)
    if _AUTH_CLASS.search(names) or (
        not _NETWORK_CLASS.search(names) and _concerns_a_key(error)
    ):
        return ConfigurationError(
            f"The {provider} model refused the credentials: {_detail(error)}",
            hint=api_key_hint(provider),
        )
    if _NETWORK_CLASS.search(names) or isinstance(
        error, ConnectionError | TimeoutError
    ):
        return CallError(
            f"The {provider} model could not be reached: {_detail(error)}",
            hint="Check the network connection and the provider's status, then "
            "try again.",
        )
    return None


def provider_of(model: BaseChatModel) -> str:
    """The provider of a model, from its package (`langchain_openai` -> `openai`).

    A model from any other package is named by its class.
    """
    package = type(model).__module__.partition(".")[0]
    if package.startswith(_PACKAGE_PREFIX) and package not in _NOT_PROVIDERS:
        return package.removeprefix(_PACKAGE_PREFIX)
    return type(model).__name__


def _concerns_a_key(error: Exception) -> bool:
    """Whether an error's text is about a missing or refused key."""
    return bool(_KEY_WORDS.search(str(error)))


def _detail(error: Exception) -> str:
    """The error's class and text, redacted and cut to a readable length."""
    text = redact(f"{type(error).__name__}: {error}".strip())
    if len(text) > _MAX_DETAIL:
        text = text[: _MAX_DETAIL - 3] + "..."
    return text
