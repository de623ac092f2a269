"""Read-only and destructive flags of action tools, and the confirm gate."""

from __future__ import annotations

import json

import pytest

from fake_membrane import FakeClient
from membrane_pusher.formats import to_mcp_tool
from membrane_pusher.membrane.models import Action
from membrane_pusher.tools.action_tool import action_tool

SCHEMA = {"type": "object", "properties": {"id": {"type": "string"}}}


def typed_tool(action_type, client, **kwargs):
    action = Action(
        id="act_1", key="record", name="Record", type=action_type, inputSchema=SCHEMA
    )
    return action_tool(action, client, "con_1", **kwargs)


def tool_call(tool, args):
    return {"type": "tool_call", "id": "call_1", "name": tool.name, "args": args}


@pytest.mark.parametrize(
    ("action_type", "read_only", "destructive"),
    [
        ("list-data-records", True, False),
        ("find-data-record-by-id", True, False),
        ("match-data-record", True, False),
        ("search-data-record", True, False),
        ("create-data-record", False, False),
        ("find-or-create-data-record", False, False),
        ("update-data-record", False, False),
        ("delete-data-record", False, True),
        ("connector-operation", False, False),
        ("some-future-type", False, False),
        (None, False, False),
    ],
)
def test_flags_follow_the_membrane_action_type(action_type, read_only, destructive):
    tool = typed_tool(action_type, FakeClient())

    assert tool.metadata["read_only"] is read_only
    assert tool.metadata["destructive"] is destructive


@pytest.mark.parametrize(
    ("action_type", "hints"),
    [
        ("list-data-records", {"readOnlyHint": True, "destructiveHint": False}),
        ("delete-data-record", {"readOnlyHint": False, "destructiveHint": True}),
        ("connector-operation", {"readOnlyHint": False, "destructiveHint": False}),
    ],
)
def test_mcp_annotations_reflect_the_flags(action_type, hints):
    tool = typed_tool(action_type, FakeClient())

    definition = to_mcp_tool(tool)

    assert definition["annotations"] == hints


async def test_refused_destructive_action_is_not_run():
    client = FakeClient()
    asked = []
    tool = typed_tool(
        "delete-data-record",
        client,
        confirm=lambda name, args: asked.append((name, args)) or False,
    )

    sync_message = tool.invoke(tool_call(tool, {"id": "r1"}))
    async_message = await tool.ainvoke(tool_call(tool, {"id": "r1"}))

    for message in (sync_message, async_message):
        assert message.status == "error"
        assert json.loads(message.content)["error"]["type"] == "confirmation_denied"
    assert asked == [("record", {"id": "r1"})] * 2
    assert client.calls == []


async def test_approved_destructive_action_runs_with_an_async_callback():
    client = FakeClient()

    async def approve(name, args):
        return True

    tool = typed_tool("delete-data-record", client, confirm=approve)

    message = await tool.ainvoke(tool_call(tool, {"id": "r1"}))

    assert message.status == "success", message.content
    assert client.calls == [("act_1", "con_1", {"id": "r1"}, "run")]


def test_other_actions_are_never_asked_about():
    client = FakeClient()
    tool = typed_tool("update-data-record", client, confirm=lambda *_: False)

    message = tool.invoke(tool_call(tool, {"id": "r1"}))

    assert message.status == "success", message.content
    assert len(client.calls) == 1
