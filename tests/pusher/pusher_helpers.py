"""Small helpers shared by the Pusher tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import ToolMessage

from membrane_pusher.membrane.models import ProxyResponse
from membrane_pusher.pusher.operations import OPERATIONS
from membrane_pusher.pusher.tools import pusher_tool
from membrane_pusher.pusher.transports.responses import PusherResponse


@dataclass
class RecordingTransport:
    """A transport that records requests and answers from a queue (or `{}`)."""

    app_id: str | None = "12345"
    name: str = "fake"
    answers: list[PusherResponse] = field(default_factory=list)
    sent: list[Any] = field(default_factory=list)

    def send(self, request):
        self.sent.append(request)
        if self.answers:
            return self.answers.pop(0)
        return PusherResponse(status=200, body={})

    async def asend(self, request):
        return self.send(request)


@dataclass
class FakeProxyClient:
    """Duck-typed `MembraneClient.request`/`arequest` that records the calls."""

    answer: ProxyResponse = field(
        default_factory=lambda: ProxyResponse(status=200, body={})
    )
    calls: list[dict[str, Any]] = field(default_factory=list)

    def request(self, request):
        fields = vars(request).items()
        self.calls.append({name: value for name, value in fields if value is not None})
        return self.answer

    async def arequest(self, request):
        return self.request(request)


def call(name: str, arguments: dict[str, Any], transport, **options) -> ToolMessage:
    """Invoke one built-in tool with a tool call, as an agent would."""
    tool = pusher_tool(OPERATIONS[name], transport, **options)
    message = tool.invoke(
        {"type": "tool_call", "name": name, "args": arguments, "id": "call-1"}
    )
    assert isinstance(message, ToolMessage)
    return message


async def acall(name: str, arguments: dict[str, Any], transport, **options):
    """Invoke one built-in tool asynchronously with a tool call."""
    tool = pusher_tool(OPERATIONS[name], transport, **options)
    return await tool.ainvoke(
        {"type": "tool_call", "name": name, "args": arguments, "id": "call-1"}
    )


def error_of(message: ToolMessage) -> dict[str, Any]:
    """Return the `error` object of a failed tool call."""
    assert message.status == "error", message.content
    return json.loads(str(message.content))["error"]


def refused(name: str, arguments: dict[str, Any], transport, rule: str) -> dict:
    """Assert the call was refused, naming `rule`, with nothing sent."""
    message = call(name, arguments, transport)
    error = error_of(message)
    assert rule in json.dumps(error, ensure_ascii=False), error
    assert transport.sent == []
    return error


def accepted(name: str, arguments: dict[str, Any], transport):
    """Assert the call succeeded and return the one request it sent."""
    message = call(name, arguments, transport)
    assert message.status == "success", message.content
    assert len(transport.sent) == 1
    return transport.sent[0]
