"""Mapping calls made in a provider's form back to the original arguments.

Three forms change what the model sends: Anthropic's (aliased property
keys), OpenAI's strict form (nulls for fields the model left out) and
Gemini's (JSON text where Gemini cannot declare a value, such as an open
map). MCP calls use the original names and shapes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from membrane_pusher.formats.anthropic import from_anthropic_arguments
from membrane_pusher.formats.gemini import from_gemini_arguments
from membrane_pusher.formats.openai import from_openai_arguments

if TYPE_CHECKING:
    from langchain_core.tools import BaseTool

__all__ = ["Provider", "from_provider_arguments"]

Provider = Literal["openai", "anthropic", "gemini", "mcp"]


def from_provider_arguments(
    tool: BaseTool, provider: Provider, arguments: Any, *, strict: bool = False
) -> Any:
    """Return the arguments of a provider-form call in the original form.

    Args:
        tool: The tool the call is for.
        provider: Whose tool format the model was given.
        arguments: The call's arguments as the provider returned them.
        strict: Whether the OpenAI form was strict.

    Returns:
        The arguments to validate and send (a new object when changed).

    Raises:
        ValueError: For an unknown provider.
    """
    if provider == "openai":
        return from_openai_arguments(tool, arguments, strict=strict)
    if provider == "anthropic":
        return from_anthropic_arguments(tool, arguments)
    if provider == "gemini":
        return from_gemini_arguments(tool, arguments)
    if provider == "mcp":
        return arguments
    raise ValueError(f"unknown provider form: {provider!r}")
