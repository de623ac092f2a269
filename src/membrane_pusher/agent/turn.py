"""One agent turn: the model asks for tool calls, we run them, until it answers.

`run_agent_turn` (and its async twin `arun_agent_turn`) is the small loop the
`agent` command and the demo share. It binds the tools to the model, sends the
instruction, runs every tool call the model asks for through the tool itself
(`tool.invoke(tool_call)`, so validation, error shaping and artifacts are the
tool's own), hands each result back as a `ToolMessage`, and stops at the first
answer without tool calls or after `max_steps` model calls.

Destructive calls (`tool.metadata["destructive"]`, or the tool's operation
judging the call) run only when the `confirm` callback says yes; without a
callback they are refused. A refusal reaches the model as an error
`ToolMessage`, so it can tell the user what did not happen. Give the callback
here or to the toolkit, not both, or the user is asked twice.

Every call is recorded (`ToolCallRecord`: name, arguments, status, content,
artifact, duration) and reported through the optional `on_event` callback as it
happens, so a command line can print progress without knowing the loop.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from membrane_pusher.agent.prompting import operator_system_prompt
from membrane_pusher.errors import CallError, ConfirmationDeniedError
from membrane_pusher.tools.confirmation import ConfirmCallback
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
]

logger = logging.getLogger(__name__)

CallStatus = Literal["pending", "ok", "error", "refused", "unknown_tool"]
StopReason = Literal["answer", "max_steps"]
EventKind = Literal["model_reply", "tool_call", "tool_result", "answer"]

EventCallback: TypeAlias = Callable[["AgentEvent"], None]


@dataclass
class ToolCallRecord:
    """One tool call the model asked for, and what came of it.

    Attributes:
        name: The tool name the model used.
        args: The arguments as the model sent them.
        call_id: The model's id of the call.
        status: `pending` (not run yet), `ok`, `error` (the tool reported a
            failure), `refused` (a destructive call was not confirmed) or
            `unknown_tool`.
        content: What the model was shown (compact JSON for our tools).
        artifact: The tool's artifact (the whole result), when it has one.
        duration_ms: Wall time of the call, confirmation excluded.
    """

    name: str
    args: dict[str, Any]
    call_id: str
    status: CallStatus = "pending"
    content: str = ""
    artifact: Any = None
    duration_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the record as plain JSON-ready data."""
        return {
            "name": self.name,
            "args": self.args,
            "call_id": self.call_id,
            "status": self.status,
            "content": self.content,
            "artifact": self.artifact,
            "duration_ms": round(self.duration_ms, 1),
        }


@dataclass
class AgentTurn:
    """The outcome of one agent turn.

    Attributes:
        instruction: The user's instruction.
        answer: The model's final text ("" when it stopped at `max_steps`).
        calls: Every tool call, in the order they ran.
        steps: How many times the model was called.
        stop_reason: `answer` or `max_steps`.
        messages: The whole conversation, system prompt included.
    """

    instruction: str
    answer: str = ""
    calls: list[ToolCallRecord] = field(default_factory=list)
    steps: int = 0
    stop_reason: StopReason = "answer"
    messages: list[BaseMessage] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the turn as plain JSON-ready data (messages left out)."""
        return {
            "instruction": self.instruction,
            "answer": self.answer,
            "calls": [call.to_dict() for call in self.calls],
            "steps": self.steps,
            "stop_reason": self.stop_reason,
        }


@dataclass(frozen=True)
class AgentEvent:
    """Something that happened during a turn, for live reporting.

    Attributes:
        kind: `model_reply` (the model answered, with or without calls),
            `tool_call` (a call is about to run), `tool_result` (it ran) or
            `answer` (the turn's final answer).
        record: The call concerned, for `tool_call` and `tool_result`.
        text: The model's text, for `model_reply` and `answer`.
    """

    kind: EventKind
    record: ToolCallRecord | None = None
    text: str = ""


def run_agent_turn(
    model: BaseChatModel,
    tools: Sequence[BaseTool],
    instruction: str,
    *,
    system_prompt: str | None = None,
    confirm: ConfirmCallback | None = None,
    max_steps: int = 6,
    on_event: EventCallback | None = None,
) -> AgentTurn:
    """Run one agent turn synchronously.

    Args:
        model: Any LangChain chat model; tools are bound with `bind_tools`
            when the model supports it.
        tools: The tools the model may call, by name.
        instruction: The user's request.
        system_prompt: The system message; `None` uses the Pusher operator
            prompt of `membrane_pusher.prompts` (or a short built-in one).
        confirm: Asked before each destructive call; must return `True` for
            the call to run. Without it destructive calls are refused.
        max_steps: Most model calls in this turn.
        on_event: Told about each model reply, tool call and result.

    Returns:
        The answer and the record of every call.

    Raises:
        SetupError: When a tool finds the environment broken (not logged in,
            no CLI): the turn cannot go on and a person must act.
    """
    turn, by_name, bound = _start(model, tools, instruction, system_prompt)
    while turn.steps < max_steps:
        turn.steps += 1
        reply = _as_ai_message(bound.invoke(turn.messages))
        if _take_reply(turn, reply, on_event):
            return turn
        for tool_call in reply.tool_calls:
            record = _new_record(tool_call, on_event)
            tool = by_name.get(record.name)
            approved = _resolve_sync(_ask(tool, record, confirm))
            turn.messages.append(_run_sync(tool, tool_call, record, approved))
            _finish_record(turn, record, on_event)
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
) -> AgentTurn:
    """Run one agent turn with the async APIs of the model and the tools.

    Arguments, result and errors are those of `run_agent_turn`; `confirm` may
    also be a coroutine function.
    """
    turn, by_name, bound = _start(model, tools, instruction, system_prompt)
    while turn.steps < max_steps:
        turn.steps += 1
        reply = _as_ai_message(await bound.ainvoke(turn.messages))
        if _take_reply(turn, reply, on_event):
            return turn
        for tool_call in reply.tool_calls:
            record = _new_record(tool_call, on_event)
            tool = by_name.get(record.name)
            decision = _ask(tool, record, confirm)
            approved = await decision if inspect.isawaitable(decision) else decision
            message = await _run_async(tool, tool_call, record, approved)
            turn.messages.append(message)
            _finish_record(turn, record, on_event)
    return _stop_at_limit(turn, max_steps)


# --- shared steps -----------------------------------------------------------


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
    by_name = {tool.name: tool for tool in tools}
    turn = AgentTurn(instruction=instruction, messages=messages)
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
    if reply.tool_calls:
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


def _ask(
    tool: BaseTool | None, record: ToolCallRecord, confirm: ConfirmCallback | None
) -> bool | Awaitable[bool]:
    """Whether the call may run: always, unless the tool is destructive."""
    if tool is None or not _is_destructive(tool, record.args):
        return True
    if confirm is None:
        return False
    return confirm(record.name, record.args)


def _resolve_sync(decision: bool | Awaitable[bool]) -> bool:
    if inspect.isawaitable(decision):
        # A coroutine cannot be awaited here; close it and refuse, safely.
        close = getattr(decision, "close", None)
        if callable(close):
            close()
        logger.warning("an async confirm callback was given to the sync loop")
        return False
    return bool(decision)


def _is_destructive(tool: BaseTool, arguments: dict[str, Any]) -> bool:
    """Whether this call needs confirmation.

    A tool built from an operation that judges each call (the built-in Pusher
    tools: a raw GET request is harmless, a DELETE is not) decides per call;
    any other tool by its `metadata["destructive"]` flag.
    """
    judge = getattr(getattr(tool, "operation", None), "is_destructive", None)
    if callable(judge):
        return bool(judge(arguments))
    return bool((tool.metadata or {}).get("destructive"))


def _run_sync(
    tool: BaseTool | None, tool_call: ToolCall, record: ToolCallRecord, approved: bool
) -> ToolMessage:
    blocked = _blocked_message(tool, record, approved)
    if blocked is not None or tool is None:
        return blocked or _unknown_tool(record)
    started = time.perf_counter()
    try:
        result = tool.invoke(_with_type(tool_call))
    finally:
        record.duration_ms = (time.perf_counter() - started) * 1000
    return _take_result(record, result)


async def _run_async(
    tool: BaseTool | None, tool_call: ToolCall, record: ToolCallRecord, approved: bool
) -> ToolMessage:
    blocked = _blocked_message(tool, record, approved)
    if blocked is not None or tool is None:
        return blocked or _unknown_tool(record)
    started = time.perf_counter()
    try:
        result = await tool.ainvoke(_with_type(tool_call))
    finally:
        record.duration_ms = (time.perf_counter() - started) * 1000
    return _take_result(record, result)


def _blocked_message(
    tool: BaseTool | None, record: ToolCallRecord, approved: bool
) -> ToolMessage | None:
    """The error message for an unknown tool or a refused call, else None."""
    if tool is None:
        return _unknown_tool(record)
    if approved:
        return None
    record.status = "refused"
    error = ConfirmationDeniedError(
        f"the destructive call {record.name} was not confirmed, so it did not run",
        hint="tell the user what you wanted to do and ask them to confirm it",
    )
    record.content = error_content(error)
    return _error_message(record)


def _unknown_tool(record: ToolCallRecord) -> ToolMessage:
    record.status = "unknown_tool"
    record.content = error_content(
        CallError(
            f"there is no tool named {record.name!r}",
            hint="call one of the tools you were given, by its exact name",
        )
    )
    return _error_message(record)


def _error_message(record: ToolCallRecord) -> ToolMessage:
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
    record.status = "error" if message.status == "error" else "ok"
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
