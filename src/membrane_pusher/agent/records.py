"""What an agent turn records and reports: calls, the turn, live events.

`run_agent_turn` fills a `ToolCallRecord` per tool call and an `AgentTurn` for
the whole turn, and tells an optional `on_event` callback about each step as
an `AgentEvent`, so a command line can print progress without knowing the
loop. All of them serialise to plain JSON-ready data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

__all__ = [
    "AgentEvent",
    "AgentTurn",
    "CallStatus",
    "EventCallback",
    "EventKind",
    "StopReason",
    "ToolCallRecord",
]

CallStatus = Literal["pending", "ok", "error", "refused", "unknown_tool"]
StopReason = Literal["answer", "max_steps"]
EventKind = Literal["tools_chosen", "model_reply", "tool_call", "tool_result", "answer"]

EventCallback: TypeAlias = Callable[["AgentEvent"], None]


@dataclass
class ToolCallRecord:
    """One tool call the model asked for, and what came of it.

    Attributes:
        name: The tool name the model used.
        args: The arguments as the model sent them (empty when they were
            not valid JSON; `content` then quotes them).
        call_id: The model's id of the call.
        status: `pending` (not run yet), `ok`, `error` (the tool reported a
            failure, or the arguments were not valid JSON and it never ran),
            `refused` (a destructive call was not confirmed) or
            `unknown_tool`.
        content: What the model was shown (compact JSON for our tools).
        artifact: The tool's artifact (the whole result), when it has one.
        duration_ms: Wall time of the call, the confirmation question included
            (the tool asks it).
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
        steps: How many times the model was called (the tool choice excluded).
        stop_reason: `answer` or `max_steps`.
        tools: The names of the tools the model was given, after narrowing.
        messages: The whole conversation, system prompt included.
    """

    instruction: str
    answer: str = ""
    calls: list[ToolCallRecord] = field(default_factory=list)
    steps: int = 0
    stop_reason: StopReason = "answer"
    tools: list[str] = field(default_factory=list)
    messages: list[BaseMessage] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the turn as plain JSON-ready data (messages left out)."""
        return {
            "instruction": self.instruction,
            "answer": self.answer,
            "calls": [call.to_dict() for call in self.calls],
            "steps": self.steps,
            "stop_reason": self.stop_reason,
            "tools": list(self.tools),
        }


@dataclass(frozen=True)
class AgentEvent:
    """Something that happened during a turn, for live reporting.

    Attributes:
        kind: `tools_chosen` (the model picked the catalog actions it needs,
            out of too many to give it all), `model_reply` (the model
            answered, with or without calls), `tool_call` (a call is about to
            run), `tool_result` (it ran) or `answer` (the turn's final answer).
        record: The call concerned, for `tool_call` and `tool_result`.
        text: The model's text, for `model_reply` and `answer`.
        tools: The tool names given to the model, for `tools_chosen`.
    """

    kind: EventKind
    record: ToolCallRecord | None = None
    text: str = ""
    tools: tuple[str, ...] = ()
