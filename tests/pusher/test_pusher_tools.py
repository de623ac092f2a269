"""The built-in tools: metadata, order of checks, app id, confirmation."""

from __future__ import annotations

import json

import pytest
from langchain_tests.unit_tests import ToolsUnitTests
from pusher_helpers import FakeProxyClient, RecordingTransport, acall, call, error_of

from membrane_pusher.errors import ConfigurationError
from membrane_pusher.formats import to_openai_tool
from membrane_pusher.membrane.models import Action, ProxyResponse
from membrane_pusher.pusher.operations import BUILTIN_NAMES, OPERATIONS, TRIGGER_EVENT
from membrane_pusher.pusher.tools import builtin_tools, is_builtin_tool, pusher_tool
from membrane_pusher.pusher.transports.membrane_proxy import MembraneProxyTransport
from membrane_pusher.pusher.transports.responses import PusherResponse
from membrane_pusher.tools.action_tool import action_tool


class TestTriggerToolStandard(ToolsUnitTests):
    @property
    def tool_constructor(self):
        return pusher_tool(TRIGGER_EVENT, RecordingTransport())

    @property
    def tool_invoke_params_example(self):
        return {
            "channels": ["my-channel"],
            "event": "my-event",
            "data": {"hello": "world"},
        }


def test_builtin_names_fixed():
    assert BUILTIN_NAMES == (
        "pusher_trigger_event",
        "pusher_trigger_batch",
        "pusher_list_channels",
        "pusher_get_channel",
        "pusher_list_presence_users",
        "pusher_terminate_user_connections",
        "pusher_send_to_user",
        "pusher_api_request",
    )


def test_metadata_flags(transport):
    tools = {tool.name: tool for tool in builtin_tools(transport)}
    assert tools["pusher_list_channels"].metadata == {
        "read_only": True,
        "destructive": False,
        "pusher_operation": "pusher_list_channels",
    }
    assert tools["pusher_terminate_user_connections"].metadata["destructive"] is True
    assert tools["pusher_api_request"].metadata["destructive"] is True
    assert tools["pusher_trigger_event"].metadata["read_only"] is False


def test_read_only_and_include_filters(transport):
    names = [t.name for t in builtin_tools(transport, read_only=True)]
    assert names == [
        "pusher_list_channels",
        "pusher_get_channel",
        "pusher_list_presence_users",
    ]
    names = [t.name for t in builtin_tools(transport, include={"pusher_send_to_user"})]
    assert names == ["pusher_send_to_user"]


def test_every_description_states_its_limits():
    assert "10,240 bytes" in OPERATIONS["pusher_trigger_event"].description
    assert "1-100" in OPERATIONS["pusher_trigger_event"].description
    assert "1-10" in OPERATIONS["pusher_trigger_batch"].description
    assert "presence-" in OPERATIONS["pusher_list_presence_users"].description
    for operation in OPERATIONS.values():
        assert operation.schema["type"] == "object"
        assert operation.description


def test_schema_is_checked_before_the_rules(transport):
    message = call("pusher_trigger_event", {"channels": "c", "event": "e"}, transport)
    problems = error_of(message)["problems"]
    assert any("'data' is a required property" in p for p in problems)
    assert transport.sent == []


def test_model_sees_the_limits_in_the_schema(transport):
    tool = pusher_tool(TRIGGER_EVENT, transport)
    channels = tool.args_schema["properties"]["channels"]
    assert channels["maxItems"] == 100
    assert channels["items"]["maxLength"] == 164
    assert "maxItems" not in tool.validation_schema["properties"]["channels"]


def test_missing_app_id_raises_with_how_to_set_it():
    transport = RecordingTransport(app_id=None)
    tool = pusher_tool(TRIGGER_EVENT, transport)
    with pytest.raises(ConfigurationError) as caught:
        tool.invoke({"channels": ["c"], "event": "e", "data": "x"})
    assert "PUSHER_APP_ID" in str(caught.value)
    assert "app_id=" in str(caught.value)
    assert transport.sent == []


def test_rules_checked_before_the_app_id():
    transport = RecordingTransport(app_id=None)
    message = call(
        "pusher_trigger_event",
        {"channels": ["a:b"], "event": "e", "data": "x"},
        transport,
    )
    assert "characters Pusher does not allow" in error_of(message)["message"]


def test_artifact_keeps_the_request(transport):
    tool = pusher_tool(OPERATIONS["pusher_get_channel"], transport)
    message = tool.invoke(
        {
            "type": "tool_call",
            "name": tool.name,
            "args": {"channel": "c", "info": ["subscription_count"]},
            "id": "1",
        }
    )
    assert message.artifact["pusher_request"] == {
        "method": "GET",
        "path": "/apps/12345/channels/c",
        "query": {"info": "subscription_count"},
    }


# --- confirmation -------------------------------------------------------------------


def test_destructive_call_refused_without_confirmation(transport):
    asked = []

    def confirm(name, arguments):
        asked.append((name, arguments))
        return False

    message = call(
        "pusher_terminate_user_connections",
        {"user_id": "u1"},
        transport,
        confirm=confirm,
    )
    error = error_of(message)
    assert error["type"] == "confirmation_denied"
    assert "did not confirm" in error["message"]
    assert asked == [("pusher_terminate_user_connections", {"user_id": "u1"})]
    assert transport.sent == []


def test_destructive_call_runs_when_confirmed(transport):
    message = call(
        "pusher_terminate_user_connections",
        {"user_id": "u1"},
        transport,
        confirm=lambda *_: True,
    )
    assert message.status == "success"
    assert len(transport.sent) == 1


def test_raw_get_needs_no_confirmation(transport):
    def confirm(*_):
        raise AssertionError("not asked for reads")

    message = call(
        "pusher_api_request",
        {"method": "GET", "path": "/channels"},
        transport,
        confirm=confirm,
    )
    assert message.status == "success"


def test_raw_post_needs_confirmation(transport):
    message = call(
        "pusher_api_request",
        {
            "method": "POST",
            "path": "/events",
            "body": {"name": "e", "channels": ["c"], "data": "d"},
        },
        transport,
        confirm=lambda *_: False,
    )
    assert error_of(message)["type"] == "confirmation_denied"


def test_invalid_destructive_call_refused_before_asking(transport):
    def confirm(*_):
        raise AssertionError("invalid calls are not shown to the user")

    message = call(
        "pusher_terminate_user_connections",
        {"user_id": "a/b"},
        transport,
        confirm=confirm,
    )
    assert error_of(message)["type"] == "invalid_arguments"


async def test_async_confirmation(transport):
    async def confirm(name, arguments):
        return arguments["user_id"] == "ok"

    denied = await acall(
        "pusher_terminate_user_connections",
        {"user_id": "no"},
        transport,
        confirm=confirm,
    )
    approved = await acall(
        "pusher_terminate_user_connections",
        {"user_id": "ok"},
        transport,
        confirm=confirm,
    )
    assert denied.status == "error"
    assert approved.status == "success"
    assert [r.path for r in transport.sent] == [
        "/apps/12345/users/ok/terminate_connections"
    ]


def test_async_confirmation_from_sync_call(transport):
    async def confirm(name, arguments):
        return True

    message = call(
        "pusher_terminate_user_connections",
        {"user_id": "u"},
        transport,
        confirm=confirm,
    )
    assert message.status == "success"


def test_non_destructive_calls_never_ask(transport):
    def confirm(*_):
        raise AssertionError("not asked")

    assert (
        call(
            "pusher_trigger_event",
            {"channels": ["c"], "event": "e", "data": 1},
            transport,
            confirm=confirm,
        ).status
        == "success"
    )


# --- membrane transport with a duck-typed client --------------------------------------


def test_membrane_transport_builds_the_proxy_request():
    client = FakeProxyClient()
    transport = MembraneProxyTransport(client, "con_1", "12345")
    call(
        "pusher_list_channels",
        {"prefix": "presence-", "info": ["user_count"]},
        transport,
    )
    call(
        "pusher_trigger_event",
        {"channels": ["c"], "event": "e", "data": "x"},
        transport,
    )
    assert client.calls == [
        {
            "connection_id": "con_1",
            "path": "/apps/12345/channels",
            "method": "GET",
            "query": {"filter_by_prefix": "presence-", "info": "user_count"},
        },
        {
            "connection_id": "con_1",
            "path": "/apps/12345/events",
            "method": "POST",
            "body": {"name": "e", "channels": ["c"], "data": "x"},
        },
    ]


@pytest.mark.parametrize(
    "answer",
    [
        ProxyResponse(status=400, body="Invalid channel name"),
        ProxyResponse(status=200, body={"error": "Invalid channel name", "code": 400}),
    ],
)
async def test_membrane_transport_reports_upstream_errors(answer):
    transport = MembraneProxyTransport(FakeProxyClient(answer=answer), "con_1", "12345")
    message = await acall("pusher_get_channel", {"channel": "c"}, transport)
    error = error_of(message)
    assert error["status"] == 400
    assert "Invalid channel name" in error["message"]


def test_membrane_transport_missing_app_id():
    transport = MembraneProxyTransport(FakeProxyClient(), "con_1", None)
    with pytest.raises(ConfigurationError, match="PUSHER_APP_ID"):
        call("pusher_list_channels", {}, transport)


def test_result_is_compact_json(transport):
    transport.answers.append(PusherResponse(200, {"users": [{"id": "1"}]}))
    message = call("pusher_list_presence_users", {"channel": "presence-r"}, transport)
    assert json.loads(message.content) == {"users": [{"id": "1"}]}


# --- provider forms ---------------------------------------------------------------

# One valid call per built-in tool, with required fields only.
MINIMAL_CALLS = {
    "pusher_trigger_event": {"channels": ["c"], "event": "e", "data": "x"},
    "pusher_trigger_batch": {"events": [{"channel": "c", "event": "e", "data": "x"}]},
    "pusher_list_channels": {},
    "pusher_get_channel": {"channel": "c"},
    "pusher_list_presence_users": {"channel": "presence-r"},
    "pusher_terminate_user_connections": {"user_id": "u1"},
    "pusher_send_to_user": {"user_id": "u1", "event": "e", "data": "x"},
    "pusher_api_request": {"method": "GET", "path": "/channels"},
}


def with_strict_nulls(value, schema):
    """Add the nulls an OpenAI strict-mode model sends for omitted fields."""
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [with_strict_nulls(item, schema["items"]) for item in value]
    if not isinstance(value, dict) or "properties" not in schema:
        return value
    filled = {}
    for key, sub in schema["properties"].items():
        if key in value:
            filled[key] = with_strict_nulls(value[key], sub)
        elif "null" in (sub.get("type") or []):
            filled[key] = None
    return filled


def test_minimal_calls_cover_every_builtin():
    assert set(MINIMAL_CALLS) == set(BUILTIN_NAMES)


@pytest.mark.parametrize("name", BUILTIN_NAMES)
@pytest.mark.parametrize("form", ["openai-strict", "anthropic", "gemini"])
def test_every_builtin_accepts_calls_in_each_provider_form(name, form, transport):
    # Arrange
    tool = pusher_tool(OPERATIONS[name], transport, confirm=lambda *_: True)
    arguments = MINIMAL_CALLS[name]
    if form == "openai-strict":
        bound = tool.for_provider("openai", strict=True)
        schema = to_openai_tool(tool, strict=True)["function"]["parameters"]
        arguments = with_strict_nulls(arguments, schema)
    else:
        bound = tool.for_provider(form)

    # Act
    message = bound.invoke(
        {"type": "tool_call", "name": name, "args": arguments, "id": "1"}
    )

    # Assert
    assert message.status == "success", message.content
    assert len(transport.sent) == 1


def test_strict_nulls_of_list_channels_are_mapped_back(transport):
    # The regression: `info: None` reached the schema as "not of type 'array'".
    tool = pusher_tool(OPERATIONS["pusher_list_channels"], transport)
    bound = tool.for_provider("openai", strict=True)

    message = bound.invoke(
        {
            "type": "tool_call",
            "name": tool.name,
            "args": {"prefix": None, "info": None},
            "id": "1",
        }
    )

    assert message.status == "success", message.content
    assert transport.sent[0].query == {}


def test_rules_still_apply_to_provider_form_calls(transport):
    tool = pusher_tool(OPERATIONS["pusher_list_channels"], transport)
    bound = tool.for_provider("openai", strict=True)

    message = bound.invoke(
        {
            "type": "tool_call",
            "name": tool.name,
            "args": {"prefix": None, "info": ["user_count"]},
            "id": "1",
        }
    )

    assert "presence-" in error_of(message)["message"]
    assert transport.sent == []


def test_nobody_is_asked_about_a_call_without_an_app_id():
    def confirm(*_):
        raise AssertionError("asked about a call that cannot be sent")

    tool = pusher_tool(
        OPERATIONS["pusher_terminate_user_connections"],
        RecordingTransport(app_id=None),
        confirm=confirm,
    )

    with pytest.raises(ConfigurationError, match="PUSHER_APP_ID"):
        tool.invoke({"user_id": "u1"})


def test_builtins_are_known_by_their_metadata_not_their_name(transport):
    [tool] = builtin_tools(transport, include={"pusher_get_channel"})
    renamed = tool.model_copy(update={"name": "get_channel"})
    lookalike = action_tool(Action(id="act_1", key="pusher_foo"), object(), "con_1")

    assert is_builtin_tool(tool)
    assert is_builtin_tool(renamed)
    assert not is_builtin_tool(lookalike)


def test_a_misnamed_argument_is_named_next_to_the_missing_one(transport):
    events = [{"channel": "c", "event": "e", "data": "d"}]

    message = call("pusher_trigger_batch", {"batch": events}, transport)

    assert message.status == "error"
    problems = error_of(message)["problems"]
    assert any("'events' is a required property" in p for p in problems)
    assert any("batch" in p for p in problems if "required" not in p)
    assert transport.sent == []
