"""Tool calls whose arguments were not valid JSON: the error that answers them.

A provider that cannot parse the arguments a model wrote puts the call in
`AIMessage.invalid_tool_calls` (the raw text kept as a string) instead of
`tool_calls`. Such a call never reaches a tool: the turn records it as an
`error` and answers it, with the same call id, with `invalid_arguments_error`,
which says what was received (shortened), so the model can send the call
again with a proper JSON object.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from membrane_pusher.errors import InvalidArgumentsError

if TYPE_CHECKING:
    from langchain_core.messages import InvalidToolCall

__all__ = ["SHOWN_ARGUMENT_CHARS", "invalid_arguments_error"]

logger = logging.getLogger(__name__)

SHOWN_ARGUMENT_CHARS = 200
"""How much of the unparseable argument text is quoted back to the model."""


def invalid_arguments_error(invalid_call: InvalidToolCall) -> InvalidArgumentsError:
    """Return the error that answers a call whose arguments could not be parsed.

    Args:
        invalid_call: The call, as LangChain keeps it.

    Returns:
        An error quoting what was received and asking for the call again,
        its arguments as one JSON object.
    """
    tool = invalid_call.get("name") or ""
    name = tool or "the tool"
    logger.info(
        "the model sent arguments that are not JSON to %s: %s",
        name,
        invalid_call.get("error") or "unparseable",
    )

    received = _shortened(invalid_call.get("args"))
    return InvalidArgumentsError(
        [f"arguments: not valid JSON; received {received}"],
        hint=f"Nothing was run. Call {name} again with its arguments as one "
        "JSON object.",
        tool=tool or None,
    )


def _shortened(text: str | None) -> str:
    """Quote the received text, cut to `SHOWN_ARGUMENT_CHARS` characters."""
    if text is None:
        return "nothing"
    if len(text) <= SHOWN_ARGUMENT_CHARS:
        return repr(text)
    cut = repr(text[:SHOWN_ARGUMENT_CHARS])
    return f"{cut}… ({len(text)} characters in all)"
