"""Generated arguments against the eight built-in Pusher tools.

Valid calls (drawn by rule-aware strategies) must reach the Membrane client
exactly as the Pusher API expects them: same path, query and body, with event
data carried as a string. Invalid calls (a valid call broken by one mutation)
must be refused with a tool error and never reach the client. Half of the calls
go through the async path. Each tool gets its own run, every call sends a set
that tool has not seen before in the run, and each direction sends at least
1,000 distinct sets; derandomized, so CI sees the same examples every run. A
smaller sample of valid calls goes through the real stand-in `membrane request`
and is compared with what the stand-in recorded.
"""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

from fuzz_support import DISTINCT_FLOOR, DistinctSets, canonical, fuzz_settings
from hypothesis import assume, given
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

# Every tool gets its own run of this many distinct sets (8 x 140 = 1,120 per
# direction), so the simple tools are fuzzed as much as the rich ones.
PER_TOOL = 140
# Hypothesis may stop a run early once it has seen everything it can draw.
MIN_PER_TOOL = 125
# Valid calls per tool that also go through the stand-in (a process each).
STANDIN_PER_TOOL = 5


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
    passed = DistinctSets()

    # Act
    @fuzz_settings(PER_TOOL)
    @given(data=st.data(), use_async=st.booleans())
    def check(tool_name: str, data: st.DataObject, use_async: bool) -> None:
        call = data.draw(valid_pusher_calls(tool_name))
        assume(passed.is_new(call.tool, call.arguments))
        given_arguments = copy.deepcopy(call.arguments)
        before = len(recording_client.requests)

        message = _invoke(tools[call.tool], call, before, use_async)

        assert message.status != "error", (call.tool, call.arguments, message.content)
        assert len(recording_client.requests) == before + 1
        received = recording_client.requests[-1]
        assert received == call.expected, call.tool
        assert canonical(received) == canonical(call.expected), (
            "same JSON types too (no 1 -> 1.0, no added defaults)"
        )
        assert call.arguments == given_arguments, "the caller's arguments are untouched"
        passed.add(call.tool, call.arguments)

    for tool_name in BUILTIN_NAMES:
        check(tool_name)

    # Assert
    assert len(passed) == passed.calls >= DISTINCT_FLOOR, passed
    per_tool = passed.per_target()
    assert set(per_tool) == set(BUILTIN_NAMES)
    assert min(per_tool.values()) >= MIN_PER_TOOL, per_tool


def test_no_invalid_call_reaches_the_client(recording_client):
    # Arrange
    tools = _tools(recording_client)
    refused = DistinctSets()

    # Act
    @fuzz_settings(PER_TOOL)
    @given(data=st.data(), use_async=st.booleans())
    def check(tool_name: str, data: st.DataObject, use_async: bool) -> None:
        call = data.draw(invalid_pusher_calls(tool_name))
        assume(refused.is_new(call.tool, call.arguments))

        message = _invoke(tools[call.tool], call, refused.calls, use_async)

        assert message.status == "error", (call.tool, call.arguments, message.content)
        error = json.loads(message.content)["error"]
        assert error["type"] == "invalid_arguments", error
        assert error["problems"], "each refusal names at least one problem"
        assert recording_client.requests == [], (call.tool, call.arguments)
        refused.add(call.tool, call.arguments)

    for tool_name in BUILTIN_NAMES:
        check(tool_name)

    # Assert
    assert len(refused) == refused.calls >= DISTINCT_FLOOR, refused
    per_tool = refused.per_target()
    assert set(per_tool) == set(BUILTIN_NAMES)
    assert min(per_tool.values()) >= MIN_PER_TOOL, per_tool
    assert recording_client.requests == []


def _recorded(expected: dict[str, Any]) -> dict[str, Any]:
    """What the stand-in's call log holds for a request the client received.

    The stand-in records its argv: the path with its leading slash, the method,
    each query parameter as `name=value` in order, and the body parsed back
    from `--data` (absent when there is none).
    """
    query = expected["query"] or {}
    return {
        "connectionId": expected["connection_id"],
        "path": expected["path"],
        "method": expected["method"],
        "headers": [],
        "query": [f"{name}={value}" for name, value in query.items()],
        "body": expected["body"],
    }


def test_a_sample_through_the_real_stand_in_arrives_unchanged(standin):
    # Arrange
    tools = _tools(standin.client(timeout=30.0))
    keys = ("connectionId", "path", "method", "headers", "query", "body")
    arrived = DistinctSets()

    # Act / Assert: each call, as it arrives in the stand-in's call log
    @fuzz_settings(STANDIN_PER_TOOL)
    @given(data=st.data(), use_async=st.booleans())
    def check(tool_name: str, data: st.DataObject, use_async: bool) -> None:
        call = data.draw(valid_pusher_calls(tool_name))
        before = len(standin.calls("request"))

        message = _invoke(tools[call.tool], call, before, use_async)

        calls = standin.calls("request")
        assert len(calls) == before + 1, (call.tool, call.arguments, message.content)
        got = {key: calls[-1].get(key) for key in keys}
        want = _recorded(call.expected)
        assert got == want, call.tool
        assert canonical(got) == canonical(want), "same JSON types too"
        arrived.add(call.tool, call.arguments)

    for tool_name in BUILTIN_NAMES:
        check(tool_name)

    assert len(arrived.per_target()) == len(BUILTIN_NAMES), arrived
