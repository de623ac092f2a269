"""Fake tools and scripted models shared by the agent tests."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from pydantic import Field

from membrane_pusher.errors import InvalidArgumentsError, NotLoggedInError
from membrane_pusher.tools.base import ValidatedTool
from membrane_pusher.tools.results import ToolOutcome

SEND_SCHEMA = {
    "type": "object",
    "properties": {
        "channel": {"type": "string", "minLength": 1},
        "event": {"type": "string"},
        "data": {"type": "object"},
    },
    "required": ["channel", "event"],
    "additionalProperties": False,
}


class RecordingTool(ValidatedTool):
    """Sends nothing; remembers every argument object it ran with."""

    name: str = "send_event"
    description: str = "Send an event to a channel."
    args_schema: dict[str, Any] = Field(default_factory=lambda: dict(SEND_SCHEMA))
    calls: list[dict[str, Any]] = Field(default_factory=list)

    def _execute(self, arguments: dict[str, Any]) -> ToolOutcome:
        self.calls.append(arguments)
        return ToolOutcome({"sent": arguments["channel"]})

    async def _aexecute(self, arguments: dict[str, Any]) -> ToolOutcome:
        return self._execute(arguments)


class TerminateTool(RecordingTool):
    """A destructive tool."""

    name: str = "terminate_user"
    description: str = "Close every connection of a user."
    args_schema: dict[str, Any] = Field(
        default_factory=lambda: {
            "type": "object",
            "properties": {"user_id": {"type": "string"}},
            "required": ["user_id"],
        }
    )
    metadata: dict[str, Any] | None = Field(
        default_factory=lambda: {"destructive": True}
    )

    def _execute(self, arguments: dict[str, Any]) -> ToolOutcome:
        self.calls.append(arguments)
        return ToolOutcome({})


class RejectingTool(RecordingTool):
    """Fails as a remote API would: a CallError the model can see."""

    name: str = "reject"

    def _execute(self, arguments: dict[str, Any]) -> ToolOutcome:
        del arguments
        raise InvalidArgumentsError(["channel: not allowed"])


class LoggedOutTool(RecordingTool):
    """Fails as a broken set-up would: a SetupError."""

    name: str = "logged_out"

    def _execute(self, arguments: dict[str, Any]) -> ToolOutcome:
        del arguments
        raise NotLoggedInError("not logged in", hint="run membrane login")


def call(name: str, args: dict[str, Any], call_id: str = "call_1") -> dict[str, Any]:
    return {"name": name, "args": args, "id": call_id, "type": "tool_call"}


def scripted(*replies: AIMessage | str) -> GenericFakeChatModel:
    """A chat model that answers with these messages, one per call."""
    messages = [r if isinstance(r, AIMessage) else AIMessage(r) for r in replies]
    return GenericFakeChatModel(messages=iter(messages))
