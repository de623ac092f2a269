"""Catalog actions never send data to `private-encrypted-` channels."""

from __future__ import annotations

import json

import pytest

from membrane_pusher.pusher.catalog_guard import encrypted_channel_paths
from membrane_pusher.pusher.toolkit import PusherToolkit

ENCRYPTED = "private-encrypted-room"
INTENTS = ("trigger an event", "get channel information")

REFUSED_CALLS = {
    "trigger-one-channel": (
        "trigger-event",
        {"channels": [ENCRYPTED], "name": "e", "data": "plan"},
    ),
    "trigger-among-others": (
        "trigger-event",
        {"channels": ["public", ENCRYPTED], "name": "e", "data": "plan"},
    ),
    "batch-item": (
        "trigger-batch-events",
        {
            "batch": [
                {"channel": "public", "name": "e", "data": "a"},
                {"channel": ENCRYPTED, "name": "e", "data": "plan"},
            ]
        },
    ),
    "channel-info": ("get-channel-info", {"channel": ENCRYPTED}),
}

ALLOWED_CALLS = {
    "trigger": ("trigger-event", {"channels": ["public"], "name": "e", "data": "hi"}),
    "private-channel": (
        "trigger-event",
        {"channels": ["private-room"], "name": "e", "data": "hi"},
    ),
    "batch": (
        "trigger-batch-events",
        {"batch": [{"channel": "public", "name": "e", "data": "a"}]},
    ),
    "channel-info": ("get-channel-info", {"channel": "public"}),
}


def catalog_tools(standin, **options):
    toolkit = PusherToolkit(
        client=standin.client(),
        app_id="12345",
        intents=INTENTS,
        connection_id="con_pusher_sandbox",
        **options,
    )
    return {
        tool.metadata["membrane_action_key"]: tool
        for tool in toolkit.get_tools()
        if "membrane_action_key" in (tool.metadata or {})
    }


def tool_call(tool, args):
    return {"type": "tool_call", "id": "call-1", "name": tool.name, "args": args}


# --- which channels are found -------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"channel": ENCRYPTED}, [("channel", ENCRYPTED)]),
        ({"channels": ["a", ENCRYPTED]}, [("channels[1]", ENCRYPTED)]),
        ({"Channel": ENCRYPTED}, [("Channel", ENCRYPTED)]),
        ({"channels": f"a,{ENCRYPTED}"}, [("channels", f"a,{ENCRYPTED}")]),
        (
            {"batch": [{"channel": "a"}, {"channel": ENCRYPTED}]},
            [("batch[1].channel", ENCRYPTED)],
        ),
        (
            {"event": {"target": {"channels": [ENCRYPTED]}}},
            [("event.target.channels[0]", ENCRYPTED)],
        ),
        ({"channel": "private-room", "channels": ["presence-x"]}, []),
        ({"name": ENCRYPTED, "data": ENCRYPTED}, []),
        ({"channel": 5, "channels": [None, 3]}, []),
    ],
)
def test_encrypted_channels_are_found_at_any_depth(arguments, expected):
    assert encrypted_channel_paths(arguments) == expected


# --- through the toolkit, with the stand-in CLI ---------------------------------


@pytest.mark.parametrize(
    ("key", "args"), REFUSED_CALLS.values(), ids=REFUSED_CALLS.keys()
)
def test_catalog_calls_naming_an_encrypted_channel_start_no_process(standin, key, args):
    # Arrange
    tool = catalog_tools(standin)[key]
    standin.clear_calls()

    # Act
    message = tool.invoke(tool_call(tool, args))

    # Assert
    assert message.status == "error"
    error = json.loads(message.content)["error"]
    assert error["type"] == "invalid_arguments"
    assert ENCRYPTED in error["message"]
    assert "pusher_trigger_event" in error["hint"]
    assert standin.calls() == []


async def test_async_catalog_calls_are_refused_too(standin):
    # Arrange
    key, args = REFUSED_CALLS["batch-item"]
    tool = catalog_tools(standin)[key]
    standin.clear_calls()

    # Act
    message = await tool.ainvoke(tool_call(tool, args))

    # Assert
    assert message.status == "error"
    assert standin.calls() == []


@pytest.mark.parametrize(
    ("key", "args"), ALLOWED_CALLS.values(), ids=ALLOWED_CALLS.keys()
)
def test_catalog_calls_on_other_channels_still_run(standin, key, args):
    # Arrange
    tool = catalog_tools(standin)[key]
    standin.clear_calls()

    # Act
    message = tool.invoke(tool_call(tool, args))

    # Assert
    assert message.status == "success", message.content
    (run,) = standin.calls("action run")
    assert run["input"] == args


def test_catalog_actions_that_only_read_are_not_checked(standin):
    # Arrange
    workspace = standin.read()
    for action in workspace["actions"]:
        if action["key"] == "get-channel-info":
            action["type"] = "find-data-record-by-id"
    standin.write(workspace)
    tool = catalog_tools(standin, refresh=True)["get-channel-info"]
    standin.clear_calls()

    # Act
    message = tool.invoke(tool_call(tool, {"channel": ENCRYPTED}))

    # Assert
    assert message.status == "success", message.content
    assert len(standin.calls("action run")) == 1


def test_the_built_in_trigger_is_still_the_way_to_publish(standin):
    # Arrange
    toolkit = PusherToolkit(
        client=standin.client(),
        app_id="12345",
        intents=(),
        connection_id="con_pusher_sandbox",
    )
    tools = {tool.name: tool for tool in toolkit.get_tools()}
    standin.clear_calls()

    # Act: without a master key the built-in tool refuses as well, naming how
    # to configure one
    message = tools["pusher_trigger_event"].invoke(
        tool_call(
            tools["pusher_trigger_event"],
            {"channels": [ENCRYPTED], "event": "e", "data": "plan"},
        )
    )

    # Assert
    assert message.status == "error"
    assert "PUSHER_ENCRYPTION_MASTER_KEY_BASE64" in message.content
    assert standin.calls() == []
