"""Tool calls whose arguments were not valid JSON, answered so the model can retry.

A provider that cannot parse the arguments a model wrote puts the call in
`AIMessage.invalid_tool_calls` (the raw text kept as a string) instead of
`tool_calls`. Such a call never reaches a tool: `answer_invalid_call` records
it as an `error` and builds the error `ToolMessage` that answers it, with the
same call id, saying what was received (shortened), so the model can send the
call again with a proper JSON object.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from langchain_core.messages import ToolMessage

from membrane_pusher.agent.records import ToolCallRecord
from membrane_pusher.errors import InvalidArgumentsError
from membrane_pusher.tools.results import error_content

if TYPE_CHECKING:
    from langchain_core.messages import InvalidToolCall

__all__ = ["SHOWN_ARGUMENT_CHARS", "answer_invalid_call", "invalid_call_record"]

logger = logging.getLogger(__name__)

SHOWN_ARGUMENT_CHARS = 200
"""How much of the unparseable argument text is quoted back to the model."""


def invalid_call_record(invalid_call: InvalidToolCall) -> ToolCallRecord:
    """Return the pending record of a call whose arguments could not be parsed.

    Args:
        invalid_call: The call, as LangChain keeps it.

    Returns:
        A record with the tool name, the call id and no arguments.
    """
    return ToolCallRecord(
        name=invalid_call.get("name") or "",
        args={},
        call_id=invalid_call.get("id") or "",
    )


def answer_invalid_call(
    invalid_call: InvalidToolCall, record: ToolCallRecord
) -> ToolMessage:
    """Mark `record` as an error and return the message that answers the call.

    Args:
        invalid_call: The call, as LangChain keeps it.
        record: Its record, from `invalid_call_record`.

    Returns:
        An error `ToolMessage` with the call's id, quoting what was received.
    """
    received = _shortened(invalid_call.get("args"))
    name = record.name or "the tool"
    problem = f"arguments: not valid JSON; received {received}"
    error = InvalidArgumentsError(
        [problem],
        hint=f"Nothing was run. Call {name} again with its arguments as one "
        "JSON object.",
        tool=record.name or None,
    )
    logger.info(
        "the model sent arguments that are not JSON to %s: %s",
        name,
        invalid_call.get("error") or "unparseable",
    )

    record.status = "error"
    record.content = error_content(error)
    return ToolMessage(
        content=record.content,
        tool_call_id=record.call_id,
        name=record.name,
        status="error",
    )


def _shortened(text: str | None) -> str:
    """Quote the received text, cut to `SHOWN_ARGUMENT_CHARS` characters."""
    if text is None:
        return "nothing"
    if len(text) <= SHOWN_ARGUMENT_CHARS:
        return repr(text)
    cut = repr(text[:SHOWN_ARGUMENT_CHARS])
    return f"{cut}… ({len(text)} characters in all)"
