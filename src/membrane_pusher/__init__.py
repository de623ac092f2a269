"""Validated, fast LangChain tools for Pusher Channels through the Membrane CLI.

The public names are imported lazily, so that `import membrane_pusher` (and the
`membrane-pusher --help` start-up) does not pay for LangChain until it is used.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from membrane_pusher.lazy_exports import lazy_exports

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"

# Public name -> module that defines it.
_EXPORTS = {
    "MembraneClient": "membrane_pusher.membrane.client",
    "PusherToolkit": "membrane_pusher.pusher.toolkit",
    "action_tool": "membrane_pusher.tools.action_tool",
    "to_openai_tool": "membrane_pusher.formats.openai",
    "to_anthropic_tool": "membrane_pusher.formats.anthropic",
    "to_gemini_tool": "membrane_pusher.formats.gemini",
    "to_mcp_tool": "membrane_pusher.formats.mcp",
    "Sandbox": "membrane_pusher.sandbox.sandbox",
    "load_prompt": "membrane_pusher.prompts",
}

__all__ = [  # noqa: RUF022 - grouped: version first, then the lazy exports
    "__version__",
    "MembraneClient",
    "PusherToolkit",
    "Sandbox",
    "action_tool",
    "load_prompt",
    "to_anthropic_tool",
    "to_gemini_tool",
    "to_mcp_tool",
    "to_openai_tool",
]

if TYPE_CHECKING:
    from membrane_pusher.formats import (
        to_anthropic_tool,
        to_gemini_tool,
        to_mcp_tool,
        to_openai_tool,
    )
    from membrane_pusher.membrane.client import MembraneClient
    from membrane_pusher.prompts import load_prompt
    from membrane_pusher.pusher.toolkit import PusherToolkit
    from membrane_pusher.sandbox.sandbox import Sandbox
    from membrane_pusher.tools.action_tool import action_tool


__getattr__ = lazy_exports(__name__, _EXPORTS)
