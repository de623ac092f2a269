"""Catalog actions follow Pusher's rules: no encrypted channels, valid fields."""

from __future__ import annotations

import json

import pytest

from membrane_pusher.membrane.models import Action
from membrane_pusher.pusher.catalog_guard import (
    catalog_argument_check,
    encrypted_channel_paths,
    published_encrypted_channels,
    pusher_field_problems,
)
from membrane_pusher.pusher.toolkit import PusherToolkit
from membrane_pusher.tools.action_tool import action_tool

ENCRYPTED = "private-encrypted-room"
INTENTS = (
    "trigger an event",
    "get channel information",
    "list channels",
    "send an event to a user",
    "terminate user connections",
)

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
    "channel-info-with-data": (
        "get-channel-info",
        {"channel": ENCRYPTED, "data": "plan"},
    ),
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
    "encrypted-channel-info": ("get-channel-info", {"channel": ENCRYPTED}),
    "encrypted-channel-info-with-attributes": (
        "get-channel-info",
        {"channel": ENCRYPTED, "info": ["subscription_count"]},
    ),
    "send-to-user": ("send-to-user", {"user_id": "u1", "name": "e", "data": "hi"}),
    "terminate": ("terminate-user-connections", {"user_id": "u-1@x.y"}),
    "list-presence-user-counts": (
        "list-channels",
        {"filter_by_prefix": "presence-", "info": "user_count"},
    ),
}


def catalog_tools(standin, **options):
    options.setdefault("intents", INTENTS)
    toolkit = PusherToolkit(
        client=standin.client(),
        app_id="12345",
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
        ({"channels": f"a,{ENCRYPTED}"}, [("channels", ENCRYPTED)]),
        ({"channels": f"a, {ENCRYPTED} ,b"}, [("channels", ENCRYPTED)]),
        ({"channels": ["team-private-encrypted-notes"]}, []),
        ({"channel": "team-private-encrypted-notes"}, []),
        ({"channels": "a,team-private-encrypted-notes"}, []),
        ({"channel": f"a,{ENCRYPTED}"}, []),
        ({"channels": [f"a,{ENCRYPTED}"]}, []),
        ({"data": {"channel": ENCRYPTED}}, [("data.channel", ENCRYPTED)]),
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


@pytest.mark.parametrize(
    ("arguments", "writes", "expected"),
    [
        ({"channel": ENCRYPTED}, True, []),
        ({"channel": ENCRYPTED, "info": ["subscription_count"]}, True, []),
        ({"channel": ENCRYPTED, "data": "x"}, False, [("channel", ENCRYPTED)]),
        ({"channel": ENCRYPTED, "Message": "x"}, False, [("channel", ENCRYPTED)]),
        ({"channel": ENCRYPTED, "PAYLOAD": {}}, False, [("channel", ENCRYPTED)]),
        ({"channel": ENCRYPTED, "event": "e"}, True, [("channel", ENCRYPTED)]),
        ({"channel": ENCRYPTED, "eventName": "e"}, True, [("channel", ENCRYPTED)]),
        ({"channels": [ENCRYPTED], "name": "e"}, True, [("channels[0]", ENCRYPTED)]),
        ({"channel": ENCRYPTED, "event": "e"}, False, []),
        ({"data": "x", "target": {"channel": ENCRYPTED}}, False, []),
        ({"data": "x", "target": {"channel": ENCRYPTED}}, True, []),
        ({"name": "e", "target": {"channel": ENCRYPTED}}, True, []),
        ({"channel": ENCRYPTED, "body": "x"}, False, [("channel", ENCRYPTED)]),
        ({"channel": ENCRYPTED, "user_data": {}}, False, [("channel", ENCRYPTED)]),
        (
            {"batch": [{"channel": "a", "data": "x"}, {"channel": ENCRYPTED}]},
            True,
            [],
        ),
        (
            {"batch": [{"channel": "a"}, {"channel": ENCRYPTED, "data": "x"}]},
            False,
            [("batch[1].channel", ENCRYPTED)],
        ),
    ],
)
def test_only_encrypted_channels_that_would_get_data_count(arguments, writes, expected):
    assert published_encrypted_channels(arguments, writes=writes) == expected


MENTIONED_ONLY = {
    "named-inside-data": {
        "channels": ["audit"],
        "name": "channel-created",
        "data": {"channel": ENCRYPTED},
    },
    "named-in-a-sibling-object": {
        "channels": ["audit"],
        "name": "e",
        "data": "hi",
        "meta": {"source": {"channel": ENCRYPTED}},
    },
    "prefix-inside-a-name": {
        "channels": ["team-private-encrypted-notes"],
        "name": "e",
        "data": "hi",
    },
    "webhook-body": {
        "key": "k",
        "signature": "s",
        "body": {
            "time_ms": 1,
            "events": [{"name": "channel_occupied", "channel": ENCRYPTED}],
        },
    },
    "event-inside-message": {
        "channel": "deploys",
        "event": "e",
        "message": {"channel": ENCRYPTED, "event": "e"},
    },
}


@pytest.mark.parametrize("writes", [True, False])
@pytest.mark.parametrize(
    "arguments", MENTIONED_ONLY.values(), ids=MENTIONED_ONLY.keys()
)
def test_an_encrypted_channel_merely_mentioned_is_not_published_to(arguments, writes):
    assert published_encrypted_channels(arguments, writes=writes) == []


@pytest.mark.parametrize("writes", [True, False])
@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (
            {"channels": f"audit, {ENCRYPTED}", "name": "e", "data": "x"},
            [("channels", ENCRYPTED)],
        ),
        (
            {"path": "/events", "body": {"channel": ENCRYPTED, "data": "plan"}},
            [("body.channel", ENCRYPTED)],
        ),
        (
            {"payload": {"batch": [{"channel": ENCRYPTED, "data": "plan"}]}},
            [("payload.batch[0].channel", ENCRYPTED)],
        ),
    ],
)
def test_event_data_beside_an_encrypted_channel_is_refused_anywhere(
    arguments, writes, expected
):
    assert published_encrypted_channels(arguments, writes=writes) == expected


def loose_check(key):
    action = Action(id="act_1", key=key, type="connector-operation")
    return catalog_argument_check(action)


@pytest.mark.parametrize("key", ["trigger-event", "validate-webhook", "get-thing"])
@pytest.mark.parametrize(
    "arguments", MENTIONED_ONLY.values(), ids=MENTIONED_ONLY.keys()
)
def test_catalog_checks_let_mentions_of_encrypted_channels_through(key, arguments):
    check = loose_check(key)

    check(key, arguments)


PAYLOAD_CONTENTS = {
    "message-channel": {"message": {"channel": "#general", "text": "hi"}},
    "payload-user-id": {"payload": {"user_id": "Alice Smith"}},
    "message-client-event": {"message": {"event": "client-typing", "by": "u1"}},
    "payload-info": {"payload": {"info": "user_count"}},
    "message-socket-id": {
        "message": {"socket_id": "abc", "name": "client-x", "channel": "private-a"}
    },
    "body-webhook-events": {
        "body": {
            "events": [
                {
                    "name": "client_event",
                    "channel": "private-chat",
                    "event": "client-typing",
                    "socket_id": "1.2",
                    "user_id": "auth0|5",
                }
            ]
        }
    },
    "channel-data": {"channel_data": {"user_id": "a b", "info": "user_count"}},
}


@pytest.mark.parametrize(
    "contents", PAYLOAD_CONTENTS.values(), ids=PAYLOAD_CONTENTS.keys()
)
def test_no_field_rule_looks_inside_a_payload(contents):
    check = loose_check("trigger-event")

    check("trigger-event", {"channel": "deploys", "event": "e", **contents})


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


def test_catalog_actions_that_only_read_may_name_encrypted_channels(standin):
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


# --- Pusher's rules on catalog arguments ------------------------------------------

LOOSE = "publish-anything"
"""A catalog action whose schema takes any object, so only the guard decides."""

WIDE_DATA = "é" * 6000  # 6,000 characters but 12,000 bytes of UTF-8


def loose_action():
    return {
        "id": "act_loose",
        "key": LOOSE,
        "name": "Publish Anything",
        "type": "connector-operation",
        "state": "READY",
        "integrationKey": "pusher",
        "inputSchema": {"type": "object"},
    }


def tool_for(standin, key, *, action_type=None):
    """Build the catalog tool of one workspace action, with the toolkit's check."""
    workspace = standin.read()
    if key == LOOSE and not any(a["key"] == LOOSE for a in workspace["actions"]):
        workspace["actions"].append(loose_action())
    record = next(a for a in workspace["actions"] if a["key"] == key)
    if action_type is not None:
        record["type"] = action_type
    standin.write(workspace)
    action = Action.model_validate(record)
    return action_tool(
        action,
        standin.client(),
        "con_pusher_sandbox",
        argument_check=catalog_argument_check(action),
    )


RULE_REFUSALS = {
    "client-event-name": (
        "trigger-event",
        {"channels": ["deploys"], "name": "client-e", "data": "x"},
        "name: 'client-' events are client events",
    ),
    "data-over-10240-bytes": (
        "trigger-event",
        {"channels": ["deploys"], "name": "e", "data": WIDE_DATA},
        "data: payload too large: 12000 > 10240 bytes",
    ),
    "list-user-count-without-presence-prefix": (
        "list-channels",
        {"filter_by_prefix": "private-", "info": "user_count"},
        "info: 'user_count' on the channel list needs prefix 'presence-'",
    ),
    "subscription-count-on-presence": (
        "get-channel-info",
        {"channel": "presence-room", "info": ["subscription_count"]},
        "info: 'subscription_count' is not available on presence channels",
    ),
    "trigger-user-count-on-public": (
        "trigger-event",
        {"channels": ["deploys"], "name": "e", "data": "x", "info": ["user_count"]},
        "info: 'user_count' is only for presence channels",
    ),
    "batch-protocol-event": (
        "trigger-batch-events",
        {"batch": [{"channel": "a", "name": "pusher:ping", "data": "x"}]},
        "batch[0].name: 'pusher:' and 'pusher_internal:' event names are reserved",
    ),
    "batch-info-text": (
        "trigger-batch-events",
        {"batch": [{"channel": "a", "name": "e", "data": "x", "info": "user_count"}]},
        "batch[0].info: 'user_count' is only for presence channels",
    ),
    "channel-characters": (
        LOOSE,
        {"channel": "bad channel!", "event": "e"},
        'channel: channel name "bad channel!" has characters',
    ),
    "channel-length": (
        LOOSE,
        {"channel": "c" * 165},
        "channel: channel name is 165 characters",
    ),
    "server-to-user-channel": (
        LOOSE,
        {"channels": ["#server-to-user-u1"], "event": "e"},
        "channels[0]: a channel name starting with '#server-to-user-' is reserved",
    ),
    "more-than-100-channels": (
        LOOSE,
        {"channels": [f"c{n}" for n in range(101)], "event": "e"},
        "channels: 101 channels given; Pusher allows at most 100",
    ),
    "event-name-length": (
        LOOSE,
        {"event_name": "e" * 201},
        "event_name: event name is 201 characters",
    ),
    "camel-case-event-name": (
        LOOSE,
        {"eventName": "pusher:subscribe"},
        "eventName: 'pusher:' and 'pusher_internal:' event names are reserved",
    ),
    "event-name-control-character": (
        LOOSE,
        {"event": "line\nbreak"},
        "event: event names may not contain control characters (U+000A",
    ),
    "socket-id": (
        LOOSE,
        {"channel": "a", "event": "e", "socket_id": "abc"},
        'socket_id: socket_id "abc" is not a Pusher socket id',
    ),
    "json-data-over-the-limit": (
        LOOSE,
        {"channel": "a", "event": "e", "data": {"text": "x" * 10_300}},
        "data: payload too large: 10311 > 10240 bytes",
    ),
    "user-count-with-a-plain-prefix": (
        LOOSE,
        {"prefix": "private-", "info": ["user_count"]},
        "info: 'user_count' on the channel list needs prefix 'presence-'",
    ),
    "nested-event": (
        LOOSE,
        {"target": {"channels": ["a"], "name": "client-x"}},
        "target.name: 'client-' events are client events",
    ),
    "info-without-channel-or-prefix": (
        LOOSE,
        {"info": "user_count"},
        "info: 'user_count' on the channel list needs prefix 'presence-'",
    ),
    "list-user-count-without-a-prefix": (
        "list-channels",
        {"info": "user_count"},
        "info: 'user_count' on the channel list needs prefix 'presence-'",
    ),
    "send-to-user-client-event": (
        "send-to-user",
        {"user_id": "u1", "name": "client-x", "data": "y"},
        "name: 'client-' events are client events",
    ),
    "send-to-user-data-over-10240-bytes": (
        "send-to-user",
        {"user_id": "u1", "name": "e", "data": "é" * 10_240},
        "data: payload too large: 20480 > 10240 bytes",
    ),
    "send-to-user-long-user-id": (
        "send-to-user",
        {"user_id": "u" * 200, "name": "e", "data": "y"},
        "user_id: user id is 200 characters; Pusher allows at most 128",
    ),
    "send-to-user-user-id-characters": (
        "send-to-user",
        {"user_id": "a b/#\n", "name": "e", "data": "y"},
        "user_id: user id",
    ),
    "terminate-user-id-characters": (
        "terminate-user-connections",
        {"user_id": "a b/#"},
        'user_id: user id "a b/#" has characters Pusher does not allow',
    ),
    "camel-case-user-id": (
        LOOSE,
        {"userId": "..", "event": "e"},
        "userId: a user id made only of dots is not allowed",
    ),
    "nested-user-target": (
        LOOSE,
        {"to": {"user_id": "u1", "event": "e", "data": {"x": "y" * 10_300}}},
        "to.data: payload too large",
    ),
}

RULE_PASSES = {
    "name-without-a-channel": {"name": "client-x", "data": WIDE_DATA},
    "event-object": {"event": {"kind": "deploy", "at": "noon"}},
    "data-is-opaque": {
        "channel": "a",
        "event": "e",
        "data": {"channel": "not a channel!", "name": "client-x"},
    },
    "message-is-opaque": {
        "channel": "deploys",
        "event": "e",
        "message": {"channel": "#general", "text": "hi"},
    },
    # Channels only mentioned, never published to, pass the stand-in too.
    **{f"mentioned-{name}": args for name, args in MENTIONED_ONLY.items()},
    "info-without-user-count": {"info": ["subscription_count"]},
    "info-next-to-an-unusual-channel": {"channel": 5, "info": "user_count"},
    "user-object-without-a-user-id": {"user": {"id": "a b"}, "name": "client-x"},
    "user-id-as-a-number": {"user_id": 42, "name": "e"},
    "channel-objects": {"channels": [{"id": 1}], "name": "client-x"},
    "comma-separated-channels": {"channels": "a,b", "name": "e"},
    "valid-event": {
        "channels": ["presence-a", "presence-b"],
        "name": "e",
        "data": "x" * 10_240,
        "socket_id": "123.456",
        "info": ["user_count"],
    },
    "presence-prefix": {"filter_by_prefix": "presence-", "info": "user_count"},
    "prefix-alone": {"prefix": "private-"},
    "number-channel": {"channel": 5, "name": "client-x"},
}


@pytest.mark.parametrize(
    ("key", "args", "problem"), RULE_REFUSALS.values(), ids=RULE_REFUSALS.keys()
)
def test_catalog_calls_breaking_pushers_rules_start_no_process(
    standin, key, args, problem
):
    # Arrange
    tool = tool_for(standin, key)
    standin.clear_calls()

    # Act
    message = tool.invoke(tool_call(tool, args))

    # Assert
    assert message.status == "error"
    error = json.loads(message.content)["error"]
    assert error["type"] == "invalid_arguments"
    assert any(line.startswith(problem) for line in error["problems"]), error
    assert "encrypt" not in error["hint"]
    assert standin.calls() == []


@pytest.mark.parametrize("args", RULE_PASSES.values(), ids=RULE_PASSES.keys())
def test_catalog_arguments_of_unknown_shape_pass_through(standin, args):
    # Arrange
    tool = tool_for(standin, LOOSE)
    standin.clear_calls()

    # Act
    message = tool.invoke(tool_call(tool, args))

    # Assert
    assert message.status == "success", message.content
    (run,) = standin.calls("action run")
    assert run["input"] == args


def test_every_broken_rule_is_named_at_once(standin):
    # Arrange
    tool = tool_for(standin, "trigger-event")
    args = {
        "channels": ["deploys", ENCRYPTED],
        "name": "client-e",
        "data": WIDE_DATA,
    }

    # Act
    message = tool.invoke(tool_call(tool, args))

    # Assert
    error = json.loads(message.content)["error"]
    paths = [line.split(":", 1)[0] for line in error["problems"]]
    assert paths[0] == "channels[1]"
    assert {"channels", "name", "data"} <= set(paths)
    assert "pusher_trigger_event" in error["hint"]


def test_reading_actions_get_the_info_rules(standin):
    # Arrange
    tool = tool_for(standin, "list-channels", action_type="list-data-records")
    standin.clear_calls()

    # Act
    message = tool.invoke(
        tool_call(tool, {"filter_by_prefix": "private-", "info": "user_count"})
    )

    # Assert
    assert message.status == "error"
    (problem,) = json.loads(message.content)["error"]["problems"]
    assert problem.startswith("info: 'user_count' on the channel list")
    assert standin.calls() == []


def test_reading_actions_keep_only_the_info_rules(standin):
    # Arrange: a read may name any channel, even an encrypted one or an odd name
    tool = tool_for(standin, "get-channel-info", action_type="find-data-record-by-id")
    standin.clear_calls()

    # Act
    message = tool.invoke(
        tool_call(tool, {"channel": "presence-a", "info": ["subscription_count"]})
    )
    allowed = tool.invoke(tool_call(tool, {"channel": f"{ENCRYPTED}.."}))

    # Assert
    assert message.status == "error"
    assert "subscription_count" in message.content
    assert allowed.status == "success", allowed.content
    assert len(standin.calls("action run")) == 1


# --- what the stand-in catalog reads, writes and destroys ----------------------------

READING_KEYS = {"list-channels", "get-channel-info", "get-presence-users"}


def test_read_only_toolkits_keep_the_catalog_reads_and_drop_the_writes(standin):
    # Arrange
    every = catalog_tools(standin)
    assert {"trigger-event", "send-to-user", "terminate-user-connections"} <= set(every)

    # Act
    kept = catalog_tools(standin, read_only=True, builtins=False)

    # Assert
    assert {"list-channels", "get-channel-info"} <= set(kept)
    assert set(kept) <= READING_KEYS
    assert all(tool.metadata["read_only"] is True for tool in kept.values())


def test_catalog_terminate_asks_before_running(standin):
    # Arrange
    asked = []
    tool = catalog_tools(
        standin, confirm=lambda name, args: asked.append((name, args)) or False
    )["terminate-user-connections"]
    standin.clear_calls()

    # Act
    message = tool.invoke(tool_call(tool, {"user_id": "admin"}))

    # Assert
    assert tool.metadata["destructive"] is True
    assert message.status == "error"
    assert json.loads(message.content)["error"]["type"] == "confirmation_denied"
    assert asked == [(tool.name, {"user_id": "admin"})]
    assert standin.calls("action run") == []


def test_a_writing_catalog_call_naming_an_event_on_an_encrypted_channel_is_refused(
    standin,
):
    # Arrange: no data key, but a write with an event name publishes
    tool = tool_for(standin, LOOSE)
    standin.clear_calls()

    # Act
    message = tool.invoke(tool_call(tool, {"channel": ENCRYPTED, "event": "e"}))

    # Assert
    assert message.status == "error"
    error = json.loads(message.content)["error"]
    assert error["problems"][0].startswith(f'channel: "{ENCRYPTED}" names an end')
    assert "pusher_trigger_event" in error["hint"]
    assert standin.calls() == []


def test_problem_paths_are_written_as_the_schema_validator_writes_them():
    # Arrange
    arguments = {"target.v2": {"channel": "a b"}, "to": [{"channels": [ENCRYPTED]}]}

    # Act
    problems = pusher_field_problems(arguments)
    encrypted = encrypted_channel_paths(arguments)

    # Assert
    assert problems[0].startswith('["target.v2"].channel: ')
    assert encrypted == [("to[0].channels[0]", ENCRYPTED)]
