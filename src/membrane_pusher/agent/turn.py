"""One agent turn: the model asks for tool calls, we run them, until it answers.

`run_agent_turn` (and its async twin `arun_agent_turn`) is the small loop the
`agent` command and the demo share. It binds the tools to the model, sends the
instruction, runs every tool call the model asks for through the tool itself
(`tool.invoke(tool_call)`, so validation, confirmation, error shaping and
artifacts are the tool's own), hands each result back as a `ToolMessage`, and
stops at the first answer without tool calls or after `max_steps` model calls.
A call whose arguments were not valid JSON (`AIMessage.invalid_tool_calls`)
is not run: it is answered with an error the model can act on, and recorded
as an `error` (`agent.invalid_calls`).

With more than `SELECTION_THRESHOLD` catalog actions, the model first picks
the ones the request needs (`agent.tool_selection`), and only those are bound.

Confirmation is the tools' own gate (`tools.base.ValidatedTool`), asked once
per destructive call. `confirm` given here is set on every tool of the
package for this turn, replacing the toolkit's; without it each tool keeps its
own, and a tool without one runs destructive calls unasked. A refusal reaches
the model as an error `ToolMessage` and the call is recorded as `refused`.

NOTE: tools from outside this package have no such gate; a foreign tool
marked `metadata["destructive"]` is run as it is, with a warning.

Every call is recorded (`agent.records.ToolCallRecord`) and reported through
the optional `on_event` callback as it happens. A model that cannot be reached
or refuses its key raises a `CallError` or `ConfigurationError`
(`agent.model_errors`), not a bare provider exception. Whether the turn did
its job is `turn_succeeded(turn)`: an answer, and no tool whose last call
failed (`agent.outcome`).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from membrane_pusher.agent.invalid_calls import invalid_arguments_error
from membrane_pusher.agent.model_errors import call_failure
from membrane_pusher.agent.outcome import turn_succeeded, unrecovered_failures
from membrane_pusher.agent.prompting import operator_system_prompt
from membrane_pusher.agent.records import (
    AgentEvent,
    AgentTurn,
    CallStatus,
    EventCallback,
    ToolCallRecord,
)
from membrane_pusher.agent.tool_selection import (
    SELECTION_THRESHOLD,
    anarrow_tools,
    narrow_tools,
)
from membrane_pusher.errors import CallError, ConfirmationDeniedError
from membrane_pusher.tools.base import ValidatedTool
from membrane_pusher.tools.confirmation import ConfirmCallback
from membrane_pusher.tools.errors_content import parse_error_content
from membrane_pusher.tools.results import error_content

if TYPE_CHECKING:
    from collections.abc import Sequence

    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import ToolCall
    from langchain_core.runnables import Runnable
    from langchain_core.tools import BaseTool

__all__ = [
    "AgentEvent",
    "AgentTurn",
    "ConfirmCallback",
    "ToolCallRecord",
    "arun_agent_turn",
    "run_agent_turn",
    "turn_succeeded",
    "unrecovered_failures",
]

logger = logging.getLogger(__name__)


def run_agent_turn(
    model: BaseChatModel,
    tools: Sequence[BaseTool],
    instruction: str,
    *,
    system_prompt: str | None = None,
    confirm: ConfirmCallback | None = None,
    max_steps: int = 6,
    on_event: EventCallback | None = None,
    select_above: int | None = SELECTION_THRESHOLD,
) -> AgentTurn:
    """Run one agent turn synchronously.

    Args:
        model: Any LangChain chat model; tools are bound with `bind_tools`
            when the model supports it.
        tools: The tools the model may call, by name.
        instruction: The user's request.
        system_prompt: The system message; `None` uses the Pusher operator
            prompt of `membrane_pusher.prompts` (or a short built-in one).
        confirm: Asked before each destructive call, set on the package's
            tools for this turn; `None` keeps the tools' own callbacks. An
            async callback is run with `asyncio.run`.
        max_steps: Most model calls in this turn.
        on_event: Told about the tool choice, each model reply, tool call and
            result.
        select_above: With more catalog actions than this, the model first
            picks the ones it needs; `None` gives it every tool.

    Returns:
        The answer and the record of every call.

    Raises:
        SetupError: When a tool finds the environment broken (not logged in,
            no CLI), or the model refuses its credentials: a person must act.
        CallError: When the model cannot be reached.
    """
    tools = _with_confirm(tools, confirm)
    if select_above is not None:
        given = narrow_tools(model, instruction, tools, threshold=select_above)
        tools = _report_choice(tools, given, on_event)
    turn, by_name, bound = _start(model, tools, instruction, system_prompt)
    while turn.steps < max_steps:
        turn.steps += 1
        try:
            answer = bound.invoke(turn.messages)
        except Exception as error:
            _raise_known_failure(error, model)
            raise
        reply = _as_ai_message(answer)
        if _take_reply(turn, reply, on_event):
            return turn
        for tool_call in reply.tool_calls:
            record = _new_record(tool_call, on_event)
            message = _run_sync(by_name.get(record.name), tool_call, record)
            turn.messages.append(message)
            _finish_record(turn, record, on_event)
        _answer_invalid_calls(turn, reply, on_event)
    return _stop_at_limit(turn, max_steps)


async def arun_agent_turn(
    model: BaseChatModel,
    tools: Sequence[BaseTool],
    instruction: str,
    *,
    system_prompt: str | None = None,
    confirm: ConfirmCallback | None = None,
    max_steps: int = 6,
    on_event: EventCallback | None = None,
    select_above: int | None = SELECTION_THRESHOLD,
) -> AgentTurn:
    """Run one agent turn with the async APIs of the model and the tools.

    Arguments, result and errors are those of `run_agent_turn`; an async
    `confirm` is awaited.
    """
    tools = _with_confirm(tools, confirm)
    if select_above is not None:
        given = await anarrow_tools(model, instruction, tools, threshold=select_above)
        tools = _report_choice(tools, given, on_event)
    turn, by_name, bound = _start(model, tools, instruction, system_prompt)
    while turn.steps < max_steps:
        turn.steps += 1
        try:
            answer = await bound.ainvoke(turn.messages)
        except Exception as error:
            _raise_known_failure(error, model)
            raise
        reply = _as_ai_message(answer)
        if _take_reply(turn, reply, on_event):
            return turn
        for tool_call in reply.tool_calls:
            record = _new_record(tool_call, on_event)
            message = await _run_async(by_name.get(record.name), tool_call, record)
            turn.messages.append(message)
            _finish_record(turn, record, on_event)
        _answer_invalid_calls(turn, reply, on_event)
    return _stop_at_limit(turn, max_steps)


# --- shared steps -----------------------------------------------------------


def _with_confirm(
    tools: Sequence[BaseTool], confirm: ConfirmCallback | None
) -> list[BaseTool]:
    """Set `confirm` on the package's tools (copies); warn about foreign ones."""
    if confirm is None:
        return list(tools)
    bound: list[BaseTool] = []
    for tool in tools:
        if isinstance(tool, ValidatedTool):
            bound.append(tool.with_confirm(confirm))
            continue
        if (tool.metadata or {}).get("destructive"):
            logger.warning(
                "%s is marked destructive but has no confirmation gate; "
                "its calls run unasked",
                tool.name,
            )
        bound.append(tool)
    return bound


def _report_choice(
    offered: Sequence[BaseTool],
    given: list[BaseTool],
    on_event: EventCallback | None,
) -> list[BaseTool]:
    """Tell `on_event` when the model got fewer tools than were offered."""
    if len(given) < len(offered):
        names = tuple(tool.name for tool in given)
        logger.info("the model chose %d of %d tools", len(given), len(offered))
        _emit(on_event, AgentEvent("tools_chosen", tools=names))
    return given


def _start(
    model: BaseChatModel,
    tools: Sequence[BaseTool],
    instruction: str,
    system_prompt: str | None,
) -> tuple[AgentTurn, dict[str, BaseTool], Runnable[Any, Any]]:
    """Build the opening messages and bind the tools."""
    if not instruction.strip():
        raise ValueError("the instruction is empty")
    prompt = system_prompt if system_prompt is not None else _default_prompt(tools)
    messages: list[BaseMessage] = [HumanMessage(instruction)]
    if prompt:
        messages.insert(0, SystemMessage(prompt))
    names = [tool.name for tool in tools]
    turn = AgentTurn(instruction=instruction, messages=messages, tools=names)
    by_name = {tool.name: tool for tool in tools}
    return turn, by_name, _bind(model, list(tools))


def _default_prompt(tools: Sequence[BaseTool]) -> str:
    return operator_system_prompt([tool.name for tool in tools])


def _bind(model: BaseChatModel, tools: list[BaseTool]) -> Runnable[Any, Any]:
    """Bind tools, or use the bare model when it cannot bind (scripted fakes)."""
    if not tools:
        return model
    try:
        return model.bind_tools(tools)
    except NotImplementedError:
        logger.debug("%s cannot bind tools; calling it unbound", type(model).__name__)
        return model


def _raise_known_failure(error: Exception, model: BaseChatModel) -> None:
    """Raise the package's error for a failed model call, when the cause is known."""
    known = call_failure(error, model)
    if known is None:
        return
    logger.warning("the model call failed: %s", known.message)
    raise known from error


def _as_ai_message(value: Any) -> AIMessage:
    if isinstance(value, AIMessage):
        return value
    if isinstance(value, BaseMessage):
        return AIMessage(content=value.content)
    return AIMessage(content=str(value))


def _take_reply(
    turn: AgentTurn, reply: AIMessage, on_event: EventCallback | None
) -> bool:
    """Record the model's reply; return True when it is the final answer."""
    turn.messages.append(reply)
    _emit(on_event, AgentEvent("model_reply", text=reply.text))
    if reply.tool_calls or reply.invalid_tool_calls:
        return False
    turn.answer = reply.text
    turn.stop_reason = "answer"
    _emit(on_event, AgentEvent("answer", text=turn.answer))
    return True


def _new_record(tool_call: ToolCall, on_event: EventCallback | None) -> ToolCallRecord:
    record = ToolCallRecord(
        name=tool_call["name"],
        args=dict(tool_call.get("args") or {}),
        call_id=tool_call.get("id") or "",
    )
    _emit(on_event, AgentEvent("tool_call", record=record))
    return record


def _answer_invalid_calls(
    turn: AgentTurn, reply: AIMessage, on_event: EventCallback | None
) -> None:
    """Answer each call whose arguments were not JSON with an error, unrun."""
    for invalid_call in reply.invalid_tool_calls:
        record = _new_record(
            {
                "name": invalid_call.get("name") or "",
                "args": {},
                "id": invalid_call.get("id"),
            },
            on_event,
        )
        error = invalid_arguments_error(invalid_call)
        turn.messages.append(_error_reply(record, "error", error))
        _finish_record(turn, record, on_event)


def _run_sync(
    tool: BaseTool | None, tool_call: ToolCall, record: ToolCallRecord
) -> ToolMessage:
    if tool is None:
        return _unknown_tool(record)
    started = time.perf_counter()
    try:
        result = tool.invoke(_with_type(tool_call))
    finally:
        record.duration_ms = (time.perf_counter() - started) * 1000
    return _take_result(record, result)


async def _run_async(
    tool: BaseTool | None, tool_call: ToolCall, record: ToolCallRecord
) -> ToolMessage:
    if tool is None:
        return _unknown_tool(record)
    started = time.perf_counter()
    try:
        result = await tool.ainvoke(_with_type(tool_call))
    finally:
        record.duration_ms = (time.perf_counter() - started) * 1000
    return _take_result(record, result)


def _unknown_tool(record: ToolCallRecord) -> ToolMessage:
    error = CallError(
        f"there is no tool named {record.name!r}",
        hint="call one of the tools you were given, by its exact name",
    )
    return _error_reply(record, "unknown_tool", error)


def _error_reply(
    record: ToolCallRecord, status: CallStatus, error: CallError
) -> ToolMessage:
    """Record a call that was not run as failed; return the error that answers it."""
    record.status = status
    record.content = error_content(error)
    return ToolMessage(
        content=record.content,
        tool_call_id=record.call_id,
        name=record.name,
        status="error",
    )


def _with_type(tool_call: ToolCall) -> ToolCall:
    """Make sure the dict is recognised as a tool call by `BaseTool.invoke`."""
    return {**tool_call, "type": "tool_call"}


def _take_result(record: ToolCallRecord, result: Any) -> ToolMessage:
    """Copy a tool's answer into the record and return it as a ToolMessage."""
    message = (
        result
        if isinstance(result, ToolMessage)
        else ToolMessage(
            content=str(result), tool_call_id=record.call_id, name=record.name
        )
    )
    record.content = message.text
    record.artifact = message.artifact
    record.status = "ok"
    if message.status == "error":
        refused = (
            parse_error_content(message.content)["type"] == ConfirmationDeniedError.kind
        )
        record.status = "refused" if refused else "error"
    return message


def _finish_record(
    turn: AgentTurn, record: ToolCallRecord, on_event: EventCallback | None
) -> None:
    turn.calls.append(record)
    logger.debug(
        "tool call %s: %s in %.1f ms", record.name, record.status, record.duration_ms
    )
    _emit(on_event, AgentEvent("tool_result", record=record))


def _stop_at_limit(turn: AgentTurn, max_steps: int) -> AgentTurn:
    logger.warning(
        "agent turn stopped after %d model calls without an answer", max_steps
    )
    turn.stop_reason = "max_steps"
    return turn


def _emit(on_event: EventCallback | None, event: AgentEvent) -> None:
    if on_event is not None:
        on_event(event)
