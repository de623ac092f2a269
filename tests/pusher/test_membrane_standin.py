"""The membrane transport through the stand-in CLI's `request` command."""

from __future__ import annotations

import json

import pytest

from membrane_pusher.errors import PusherAPIError
from membrane_pusher.pusher.operations import PusherRequest
from membrane_pusher.pusher.tools import builtin_tools
from membrane_pusher.pusher.transports.membrane_proxy import MembraneProxyTransport
from membrane_pusher.pusher.transports.responses import interpret_response

CONNECTION = "con_pusher_sandbox"


def tools_for(standin, app_id="12345"):
    transport = MembraneProxyTransport(standin.client(), CONNECTION, app_id)
    return {tool.name: tool for tool in builtin_tools(transport)}


def invoke(tool, arguments):
    return tool.invoke(
        {"type": "tool_call", "name": tool.name, "args": arguments, "id": "1"}
    )


@pytest.mark.parametrize(
    ("name", "arguments", "method", "path"),
    [
        (
            "pusher_trigger_event",
            {"channels": ["c"], "event": "e", "data": {"a": 1}},
            "POST",
            "/apps/12345/events",
        ),
        (
            "pusher_trigger_batch",
            {"events": [{"channel": "c", "event": "e", "data": "d"}]},
            "POST",
            "/apps/12345/batch_events",
        ),
        (
            "pusher_list_channels",
            {"prefix": "presence-", "info": ["user_count"]},
            "GET",
            "/apps/12345/channels",
        ),
        ("pusher_get_channel", {"channel": "room"}, "GET", "/apps/12345/channels/room"),
        (
            "pusher_list_presence_users",
            {"channel": "presence-room"},
            "GET",
            "/apps/12345/channels/presence-room/users",
        ),
        (
            "pusher_terminate_user_connections",
            {"user_id": "u1"},
            "POST",
            "/apps/12345/users/u1/terminate_connections",
        ),
        (
            "pusher_send_to_user",
            {"user_id": "u1", "event": "e", "data": "d"},
            "POST",
            "/apps/12345/events",
        ),
        (
            "pusher_api_request",
            {"method": "GET", "path": "/channels"},
            "GET",
            "/apps/12345/channels",
        ),
    ],
)
def test_each_operation_through_the_standin(standin, name, arguments, method, path):
    message = invoke(tools_for(standin)[name], arguments)
    assert message.status == "success", message.content
    calls = standin.calls("request")
    assert len(calls) == 1
    argv = calls[0]["argv"]
    assert CONNECTION in argv
    assert path in argv
    assert (
        any(part.endswith(method) for part in argv[3:4]) or f"--method={method}" in argv
    )


def test_body_reaches_the_proxy_as_json(standin):
    invoke(
        tools_for(standin)["pusher_send_to_user"],
        {"user_id": "u1", "event": "e", "data": {"x": 1}},
    )
    recorded = json.dumps(standin.calls("request")[0])
    assert "#server-to-user-u1" in recorded


def test_refused_call_starts_no_process(standin):
    message = invoke(
        tools_for(standin)["pusher_trigger_event"],
        {"channels": ["a:b"], "event": "e", "data": "d"},
    )
    assert message.status == "error"
    assert standin.calls() == []


@pytest.mark.soketi
async def test_membrane_transport_forwarded_to_soketi(standin, pusher_sandbox):
    standin.update(upstream=pusher_sandbox.upstream())
    tools = tools_for(standin, pusher_sandbox.app_id)
    async with pusher_sandbox.subscriber() as listener:
        await listener.subscribe("via-membrane")
        message = await tools["pusher_trigger_event"].ainvoke(
            {
                "type": "tool_call",
                "name": "t",
                "args": {"channels": ["via-membrane"], "event": "e", "data": "hi"},
                "id": "1",
            }
        )
        assert message.status == "success", message.content
        assert (await listener.wait_for(event="e")).data == "hi"

    # The raw tool refuses an oversized event itself, so it goes through the
    # transport below the tools: soketi's 413 (an error body sent with HTTP
    # 200) must come back through the stand-in as a failure.
    transport = MembraneProxyTransport(
        standin.client(), CONNECTION, pusher_sandbox.app_id
    )
    oversized = PusherRequest(
        "POST",
        f"/apps/{pusher_sandbox.app_id}/events",
        body={"name": "e", "channels": ["c"], "data": "x" * 10241},
    )
    answer = await transport.asend(oversized)
    with pytest.raises(PusherAPIError) as refused:
        interpret_response(answer)
    assert refused.value.status == 413


@pytest.mark.parametrize("fault", ["garbage", "truncated_json"])
def test_an_unreadable_proxy_answer_is_a_tool_error_not_a_result(standin, fault):
    # Arrange: the CLI exits 0 but prints no JSON
    standin.set_faults([{"command": "request", "times": 1, fault: True}])
    tool = tools_for(standin)["pusher_trigger_event"]

    # Act
    message = invoke(tool, {"channels": ["c"], "event": "e", "data": "d"})

    # Assert: one attempt, reported as unreadable, never as a success
    assert message.status == "error", message.content
    assert json.loads(message.content)["error"]["type"] == "unparseable_output"
    assert len(standin.calls("request")) == 1
