"""Read, write or destroy: actions whose Membrane type says nothing."""

from __future__ import annotations

import json

import pytest

from fake_membrane import FakeClient
from membrane_pusher.membrane.models import Action
from membrane_pusher.tools.action_kinds import action_flags, action_words
from membrane_pusher.tools.action_tool import action_tool

READ = {"read_only": True, "destructive": False}
WRITE = {"read_only": False, "destructive": False}
DESTROY = {"read_only": False, "destructive": True}

GENERIC_TYPES = ["connector-operation", "custom", None, "", "some-future-type"]


def action(key=None, *, name=None, description=None, action_type="connector-operation"):
    return Action(
        id="act_1", key=key, name=name, description=description, type=action_type
    )


@pytest.mark.parametrize("action_type", GENERIC_TYPES)
@pytest.mark.parametrize(
    ("key", "flags"),
    [
        ("terminate-user-connections", DESTROY),
        ("delete-message", DESTROY),
        ("remove-member", DESTROY),
        ("disconnect-client", DESTROY),
        ("revoke-token", DESTROY),
        ("destroy-room", DESTROY),
        ("purge-cache", DESTROY),
        ("kick-user", DESTROY),
        ("ban-user", DESTROY),
        ("user-ban", DESTROY),
        ("get-and-delete-user", DESTROY),
        ("terminateUserConnections", DESTROY),
        ("terminate_user_connections", DESTROY),
        ("list-channels", READ),
        ("get-channel-info", READ),
        ("get-presence-users", READ),
        ("find-user", READ),
        ("search-records", READ),
        ("fetch-history", READ),
        ("read-settings", READ),
        ("count-members", READ),
        ("lookup-user", READ),
        ("getChannelInfo", READ),
        ("get-or-create-user", WRITE),
        ("list-and-send-digest", WRITE),
        ("get-then-set-flag", WRITE),
        ("channel-list", WRITE),
        ("trigger-event", WRITE),
        ("send-to-user", WRITE),
        ("authorize-channel", WRITE),
        ("validate-webhook", WRITE),
        ("record", WRITE),
        ("listen", WRITE),
        ("kickoff-job", WRITE),
        ("fetch-and-lock-job", WRITE),
        ("get-and-increment-counter", WRITE),
        ("query-and-flush-cache", WRITE),
        ("find-and-merge-duplicates", WRITE),
        ("read-and-ack-messages", WRITE),
        ("list-and-dispatch-jobs", WRITE),
        ("get-next-message-and-dequeue", WRITE),
        ("retrieve-and-consume", WRITE),
        ("search-and-tag", WRITE),
        ("lookup-and-link", WRITE),
        ("query-graphql", WRITE),
        ("query-channels", WRITE),
        ("get-plus-reserve-seat", WRITE),
        ("list-then-archive", WRITE),
        ("getAndLockJob", WRITE),
        ("fetch_and_lock_job", WRITE),
    ],
)
def test_generic_actions_are_judged_by_the_verbs_of_their_key(key, flags, action_type):
    assert action_flags(action(key, action_type=action_type)) == flags


@pytest.mark.parametrize(
    "word",
    [
        "lock",
        "unlock",
        "increment",
        "decrement",
        "flush",
        "merge",
        "ack",
        "acknowledge",
        "dispatch",
        "dequeue",
        "enqueue",
        "consume",
        "tag",
        "untag",
        "link",
        "unlink",
        "mutate",
        "run",
        "execute",
        "process",
        "sync",
        "import",
        "move",
        "copy",
        "archive",
        "publish",
        "notify",
        "invite",
        "assign",
        "approve",
        "reject",
        "start",
        "stop",
        "cancel",
        "reset",
        "rotate",
        "mark",
        "generate",
        "deliver",
        "replay",
        "resend",
        "repost",
        "retrigger",
    ],
)
def test_a_write_verb_anywhere_in_a_read_key_makes_it_a_write(word):
    assert action_flags(action(f"get-job-{word}")) == WRITE
    assert action_flags(action("get-job", name=f"Get job {word}")) == WRITE


@pytest.mark.parametrize(
    "name", ["Get and lock a job", "Fetch user then notify", "Get user or channel"]
)
def test_a_conjunction_in_the_name_stops_a_read_key(name):
    assert action_flags(action("get-job", name=name)) == WRITE


@pytest.mark.parametrize(
    "description",
    [
        "Lists channels then triggers a cleanup event.",
        "Gets the user and sends them a welcome email.",
        "Creates the record when it is missing.",
        "Also updates the last-seen time.",
        "Deletes expired entries first.",
        "Publishes the result to the audit channel.",
        "Posts a message to the room.",
        "Fetch, then trigger a sync.",
        "Does not create anything.",
        "Resend the last webhook.",
        "Re-sends the invoice.",
    ],
)
def test_a_write_verb_in_the_description_stops_a_read(description):
    flags = action_flags(action("list-channels", description=description))

    assert flags["read_only"] is False


@pytest.mark.parametrize(
    "description",
    [
        "List the occupied channels, optionally those whose name starts with x.",
        "Get the state of one channel: its subscription or user count.",
        "List the users currently subscribed to a presence channel.",
        "Returns the date the channel was created.",
        None,
    ],
)
def test_a_description_without_a_write_verb_keeps_a_read(description):
    assert action_flags(action("list-channels", description=description)) == READ


@pytest.mark.parametrize(
    ("name", "flags"),
    [
        ("Terminate User Connections", DESTROY),
        ("Get Channel Info", READ),
        ("List Channels", READ),
        ("Trigger Event", WRITE),
        (None, WRITE),
    ],
)
def test_without_a_key_the_name_decides(name, flags):
    assert action_flags(action(None, name=name)) == flags
    assert action_flags(action("", name=name)) == flags


def test_a_destructive_name_counts_even_when_the_key_reads():
    flags = action_flags(action("get-user", name="Get and remove a user"))

    assert flags == DESTROY


def test_a_write_verb_in_the_name_stops_a_read_key():
    flags = action_flags(action("get-user", name="Get or create a user"))

    assert flags == WRITE


@pytest.mark.parametrize(
    ("description", "destructive"),
    [
        ("Destructive: the user's clients are kicked off.", True),
        ("This call is DESTRUCTIVE and cannot be undone.", True),
        ("A destructive reset of the channel.", True),
        ("A non-destructive update.", False),
        ("Not destructive at all.", False),
        ("Not a destructive operation.", False),
        ("Safe: nothing destructive happens.", False),
        ("This call isn't destructive", False),
        ("This call isn\u2019t destructive", False),
        ("It never does anything destructive.", False),
        ("Runs without destructive side effects.", False),
        ("No destructive effects.", False),
        ("Nothing is lost. Destructive for caches only.", True),
        ("Not reversible, destructive: the data is gone.", True),
        ("This is not only destructive but final.", True),
        ("Not destructive; a destructive reset follows.", True),
        ("For destructive changes use delete-channel.", True),
        ("Indestructible storage.", False),
        ("Publishes an event.", False),
        (None, False),
    ],
)
def test_a_description_that_says_destructive_makes_it_destructive(
    description, destructive
):
    flags = action_flags(action("update-room", description=description))

    assert flags["destructive"] is destructive
    assert flags["read_only"] is False


@pytest.mark.parametrize(
    ("action_type", "key", "flags"),
    [
        ("list-data-records", "delete-everything", READ),
        ("find-data-record-by-id", "trigger-event", READ),
        ("delete-data-record", "list-channels", DESTROY),
        ("create-data-record", "get-channel-info", WRITE),
        ("update-data-record", "list-users", WRITE),
        ("update-data-record", "remove-tag", DESTROY),
    ],
)
def test_the_membrane_type_decides_first(action_type, key, flags):
    assert action_flags(action(key, action_type=action_type)) == flags


@pytest.mark.parametrize(
    "description",
    [
        "Returns the webhook. Not a destructive operation.",
        "Safe: nothing destructive happens.",
        "This call isn't destructive",
    ],
)
def test_a_read_whose_description_denies_destruction_stays_a_read(description):
    flags = action_flags(
        action("get-webhook", name="Get webhook", description=description)
    )

    assert flags == READ


def test_a_destructive_description_on_a_read_type_stays_a_read():
    flags = action_flags(
        action("x", description="Destructive!", action_type="list-data-records")
    )

    assert flags == READ


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("terminate-user-connections", ["terminate", "user", "connections"]),
        ("terminateUser_connections", ["terminate", "user", "connections"]),
        ("Get Channel Info", ["get", "channel", "info"]),
        ("getHTTPStatus", ["get", "httpstatus"]),
        ("", []),
        (None, []),
    ],
)
def test_action_words(text, words):
    assert action_words(text) == words


# --- through the tool's confirmation gate ----------------------------------------


def tool_call(tool, args):
    return {"type": "tool_call", "id": "call_1", "name": tool.name, "args": args}


def terminate_action():
    return Action(
        id="act_terminate",
        key="terminate-user-connections",
        name="Terminate User Connections",
        type="connector-operation",
        inputSchema={
            "type": "object",
            "properties": {"user_id": {"type": "string"}},
            "required": ["user_id"],
        },
    )


def test_a_refused_terminate_action_of_a_generic_type_is_not_run():
    # Arrange
    client = FakeClient()
    asked = []
    tool = action_tool(
        terminate_action(),
        client,
        "con_1",
        confirm=lambda name, args: asked.append((name, args)) or False,
    )

    # Act
    message = tool.invoke(tool_call(tool, {"user_id": "admin"}))

    # Assert
    assert tool.metadata["destructive"] is True
    assert message.status == "error"
    assert json.loads(message.content)["error"]["type"] == "confirmation_denied"
    assert asked == [("terminate-user-connections", {"user_id": "admin"})]
    assert client.calls == []
