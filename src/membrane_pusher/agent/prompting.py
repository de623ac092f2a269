"""The system prompt of an agent turn.

The package's prompt templates live in `membrane_pusher.prompts` (the
`pusher_operator` template). This module is the one place the agent loop asks
for it, and it falls back to a short built-in prompt when the templates cannot
be loaded, so an agent turn never fails for want of a prompt.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["FALLBACK_SYSTEM_PROMPT", "operator_system_prompt"]

logger = logging.getLogger(__name__)

OPERATOR_PROMPT_NAME = "pusher_operator"

FALLBACK_SYSTEM_PROMPT = (
    "You operate a Pusher Channels app through the tools you are given. "
    "Use a tool when the request needs one; use only channel names, event "
    "names and user ids that the user gave or a tool returned. Event data is "
    "a JSON object of at most 10 KB. If a tool reports an error, fix the "
    "arguments once or explain the error. When you are done, say in one or "
    "two sentences what was sent or found."
)
"""Used when `membrane_pusher.prompts` is missing or cannot fill the template."""


def operator_system_prompt(tool_names: Sequence[str] = ()) -> str:
    """Return the Pusher operator system prompt.

    Args:
        tool_names: The names of the tools the agent has, offered to the
            template as `tool_names` (a comma-separated list).

    Returns:
        The filled `pusher_operator` template, or `FALLBACK_SYSTEM_PROMPT`
        when the templates are not available.
    """
    try:
        prompts = importlib.import_module("membrane_pusher.prompts")
        text = prompts.load_prompt(
            OPERATOR_PROMPT_NAME, tool_names=", ".join(tool_names)
        )
    except (ImportError, AttributeError, KeyError, LookupError, TypeError, ValueError):
        logger.debug(
            "prompt %s not available; using the built-in one", OPERATOR_PROMPT_NAME
        )
        return FALLBACK_SYSTEM_PROMPT
    return str(text)
