"""Generated arguments against the eight built-in Pusher tools.

Valid calls (drawn by rule-aware strategies) must reach the Membrane client
exactly as the Pusher API expects them: same path, query and body, with event
data carried as a string. Invalid calls (a valid call broken by one mutation)
must be refused with a tool error and never reach the client. Half of the calls
go through the async path. Both directions run over 1,000 times, derandomized
so CI sees the same examples every run.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import ToolMessage
from pusher_mutations import invalid_pusher_calls
from pusher_strategies import (
    APP_ID,
    CONNECTION_ID,
    PusherCall,
    valid_pusher_calls,
)

from membrane_pusher.pusher.operations import BUILTIN_NAMES
from membrane_pusher.pusher.tools import builtin_tools
from membrane_pusher.pusher.transports.membrane_proxy import MembraneProxyTransport

# Every tool gets its own run of this many examples (8 x 140 = 1,120 per
# direction), so the simple tools are fuzzed as much as the rich ones.
PER_TOOL = 140
FUZZ = settings(
    max_examples=PER_TOOL,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
# Hypothesis may stop a run early once it has seen everything it can draw.
MIN_PER_TOOL = 125


def _tools(client) -> dict[str, Any]:
    """The built-in tools on the Membrane proxy transport, without confirmation."""
    transport = MembraneProxyTransport(client, CONNECTION_ID, APP_ID)
    return {tool.name: tool for tool in builtin_tools(transport)}


def _invoke(tool: Any, call: PusherCall, index: int, use_async: bool) -> ToolMessage:
    """Invoke with a ToolCall, as an agent does, sync or async."""
    tool_call = {
        "name": tool.name,
        "args": call.arguments,
        "id": f"call_{index}",
        "type": "tool_call",
    }
    if use_async:
        message = asyncio.run(tool.ainvoke(tool_call))
    else:
        message = tool.invoke(tool_call)
    assert isinstance(message, ToolMessage)
    return message


def test_every_valid_call_reaches_the_client_as_derived(recording_client):
    # Arrange
    tools = _tools(recording_client)
    passed: Counter[str] = Counter()

    # Act
    @FUZZ
    @given(data=st.data(), use_async=st.booleans())
    def check(tool_name: str, data: st.DataObject, use_async: bool) -> None:
        call = data.draw(valid_pusher_calls(tool_name))
        given_arguments = copy.deepcopy(call.arguments)
        before = len(recording_client.requests)

        message = _invoke(tools[call.tool], call, before, use_async)

        assert message.status != "error", (call.tool, call.arguments, message.content)
        assert len(recording_client.requests) == before + 1
        received = recording_client.requests[-1]
        assert received == call.expected, call.tool
        assert json.dumps(received, sort_keys=True) == json.dumps(
            call.expected, sort_keys=True
        ), "same JSON types too (no 1 -> 1.0, no added defaults)"
        assert call.arguments == given_arguments, "the caller's arguments are untouched"
        passed[call.tool] += 1

    for tool_name in BUILTIN_NAMES:
        check(tool_name)

    # Assert
    assert sum(passed.values()) >= 1000
    assert set(passed) == set(BUILTIN_NAMES)
    assert min(passed.values()) >= MIN_PER_TOOL, passed


def test_no_invalid_call_reaches_the_client(recording_client):
    # Arrange
    tools = _tools(recording_client)
    refused: Counter[str] = Counter()

    # Act
    @FUZZ
    @given(data=st.data(), use_async=st.booleans())
    def check(tool_name: str, data: st.DataObject, use_async: bool) -> None:
        call = data.draw(invalid_pusher_calls(tool_name))
        message = _invoke(tools[call.tool], call, sum(refused.values()), use_async)

        assert message.status == "error", (call.tool, call.arguments, message.content)
        error = json.loads(message.content)["error"]
        assert error["type"] == "invalid_arguments", error
        assert error["problems"], "each refusal names at least one problem"
        assert recording_client.requests == [], (call.tool, call.arguments)
        refused[call.tool] += 1

    for tool_name in BUILTIN_NAMES:
        check(tool_name)

    # Assert
    assert sum(refused.values()) >= 1000
    assert set(refused) == set(BUILTIN_NAMES)
    assert min(refused.values()) >= MIN_PER_TOOL, refused
    assert recording_client.requests == []
