"""Provider tool formats: OpenAI, Anthropic, Gemini and MCP.

Each `to_*_tool` takes any tool with a JSON-Schema argument schema (our
`ValidatedTool`s, built-in or built from Membrane actions) and returns the
plain dict that provider accepts. Where a provider's form changes what the
model sends back, `from_provider_arguments` (or `tool.for_provider(...)`)
maps calls back before validation.

The public names are imported on first use (see `membrane_pusher.lazy_exports`),
so a tool that maps calls back does not load every format.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from membrane_pusher.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from membrane_pusher.formats.anthropic import (
        anthropic_key_aliases,
        from_anthropic_arguments,
        to_anthropic_tool,
    )
    from membrane_pusher.formats.gemini import from_gemini_arguments, to_gemini_tool
    from membrane_pusher.formats.mapping import Provider, from_provider_arguments
    from membrane_pusher.formats.mcp import to_mcp_tool
    from membrane_pusher.formats.openai import from_openai_arguments, to_openai_tool

__all__ = [
    "Provider",
    "anthropic_key_aliases",
    "from_anthropic_arguments",
    "from_gemini_arguments",
    "from_openai_arguments",
    "from_provider_arguments",
    "to_anthropic_tool",
    "to_gemini_tool",
    "to_mcp_tool",
    "to_openai_tool",
]

_ANTHROPIC = "membrane_pusher.formats.anthropic"
_GEMINI = "membrane_pusher.formats.gemini"
_MAPPING = "membrane_pusher.formats.mapping"
_OPENAI = "membrane_pusher.formats.openai"

__getattr__ = lazy_exports(
    __name__,
    {
        "Provider": _MAPPING,
        "anthropic_key_aliases": _ANTHROPIC,
        "from_anthropic_arguments": _ANTHROPIC,
        "from_gemini_arguments": _GEMINI,
        "from_openai_arguments": _OPENAI,
        "from_provider_arguments": _MAPPING,
        "to_anthropic_tool": _ANTHROPIC,
        "to_gemini_tool": _GEMINI,
        "to_mcp_tool": "membrane_pusher.formats.mcp",
        "to_openai_tool": _OPENAI,
    },
)
