"""Every Pusher rule: refused before any request, and its boundary accepted."""

from __future__ import annotations

import json

import pytest
from pusher_helpers import accepted, refused

TRIGGER = "pusher_trigger_event"
BATCH = "pusher_trigger_batch"
LIST = "pusher_list_channels"
GET = "pusher_get_channel"
USERS = "pusher_list_presence_users"
TERMINATE = "pusher_terminate_user_connections"
SEND = "pusher_send_to_user"


def trigger(**overrides):
    arguments = {"channels": ["c"], "event": "e", "data": "x"}
    arguments.update(overrides)
    return arguments


# --- channel names ----------------------------------------------------------------


@pytest.mark.parametrize(
    "channel", ["chat:room", "bad channel!", "room/1", "ü", "a\nb"]
)
def test_channel_characters_refused(transport, channel):
    refused(
        TRIGGER,
        trigger(channels=[channel]),
        transport,
        "characters Pusher does not allow",
    )


@pytest.mark.parametrize(
    "channel", ["foo-bar_1234@=,.;", "12345", "private-a", "presence-b"]
)
def test_channel_characters_boundary_accepted(transport, channel):
    request = accepted(TRIGGER, trigger(channels=[channel]), transport)
    assert request.body["channels"] == [channel]


def test_channel_length_counts_the_prefix(transport):
    name = "presence-" + "a" * (164 - len("presence-") + 1)
    refused(
        TRIGGER, trigger(channels=[name]), transport, "at most 164 including the prefix"
    )


def test_channel_of_164_characters_accepted(transport):
    name = "presence-" + "a" * (164 - len("presence-"))
    accepted(TRIGGER, trigger(channels=[name]), transport)


def test_dots_only_channel_refused_in_url_path(transport):
    refused(GET, {"channel": ".."}, transport, "only of dots")


def test_server_to_user_channel_reserved(transport):
    refused(TRIGGER, trigger(channels=["#server-to-user-u1"]), transport, "reserved")


# --- event names ------------------------------------------------------------------


def test_event_name_over_200_refused(transport):
    refused(TRIGGER, trigger(event="e" * 201), transport, "at most 200")


def test_event_name_of_200_accepted(transport):
    accepted(TRIGGER, trigger(event="e" * 200), transport)


@pytest.mark.parametrize(
    "event", ["client-typing", "pusher:subscribe", "pusher_internal:x"]
)
def test_client_and_protocol_events_refused(transport, event):
    refused(TRIGGER, trigger(event=event), transport, "event")


@pytest.mark.parametrize("event", ["my-client-event", "clientele", "typing"])
def test_event_names_like_client_accepted(transport, event):
    accepted(TRIGGER, trigger(event=event), transport)


CONTROL_EVENTS = [
    "ok\r\nline",
    "a\nb",
    "nul\x00",
    "tab\tx",
    "del\x7f",
    "c1\x85",
    "\x1b[31m",
]


@pytest.mark.parametrize("event", CONTROL_EVENTS)
def test_event_names_with_control_characters_refused(transport, event):
    refused(TRIGGER, trigger(event=event), transport, "control characters")


@pytest.mark.parametrize(
    "event", ["déploiement-fini", "デプロイ", "emoji-🚀", "a b.c:d"]
)
def test_unicode_event_names_accepted(transport, event):
    request = accepted(TRIGGER, trigger(event=event), transport)
    assert request.body["name"] == event


def test_batch_and_send_to_user_refuse_control_characters(transport):
    batch = {"events": [{"channel": "c", "event": "ok\r\nline", "data": "x"}]}
    refused(BATCH, batch, transport, "events[0].event: event names may not contain")

    send = {"user_id": "u1", "event": "ok\x00", "data": "x"}
    refused(SEND, send, transport, "event: event names may not contain")


# --- data size --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "size"),
    [("x" * 10241, 10241), ("😀" * 2560 + "x", 10241), ("中" * 3500, 10500)],
)
def test_data_over_10240_bytes_refused(transport, data, size):
    refused(
        TRIGGER, trigger(data=data), transport, f"payload too large: {size} > 10240"
    )


@pytest.mark.parametrize(
    ("name", "arguments", "path"),
    [
        (TRIGGER, trigger(data=""), "data"),
        (
            BATCH,
            {"events": [{"channel": "c", "event": "e", "data": ""}]},
            "events[0].data",
        ),
        (SEND, {"user_id": "u1", "event": "e", "data": ""}, "data"),
    ],
)
def test_empty_data_refused(transport, name, arguments, path):
    refused(name, arguments, transport, f"{path}: is empty; put the message in it")


@pytest.mark.parametrize("data", [" ", {}, [], 0, None, False])
def test_data_that_encodes_to_something_accepted(transport, data):
    request = accepted(TRIGGER, trigger(data=data), transport)
    assert request.body["data"]


@pytest.mark.parametrize("data", ["x" * 10240, "😀" * 2560, "中" * 3413 + "x"])
def test_data_of_10240_bytes_accepted(transport, data):
    request = accepted(TRIGGER, trigger(data=data), transport)
    assert len(request.body["data"].encode()) <= 10240


def test_json_data_measured_once_encoded(transport):
    # {"k":"..."} is 8 bytes of structure around the value.
    fits = {"k": "x" * (10240 - 8)}
    request = accepted(TRIGGER, trigger(data=fits), transport)
    assert json.loads(request.body["data"]) == fits
    transport.sent.clear()
    refused(TRIGGER, trigger(data={"k": "x" * (10240 - 7)}), transport, "10241 > 10240")


@pytest.mark.parametrize("data", [0, False, None, [], {"a": [1, 2]}, "text"])
def test_any_json_value_is_data(transport, data):
    request = accepted(TRIGGER, trigger(data=data), transport)
    expected = (
        data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    )
    assert request.body["data"] == expected


# --- socket id --------------------------------------------------------------------


@pytest.mark.parametrize(
    "socket_id", ["123123", "abc", "", "1.2.3", "١٢٣.٤٥٦", "123.456\n"]
)
def test_malformed_socket_id_refused(transport, socket_id):
    refused(TRIGGER, trigger(socket_id=socket_id), transport, "socket_id")


@pytest.mark.parametrize("socket_id", ["123.456", "1.2", None])
def test_socket_id_accepted(transport, socket_id):
    request = accepted(TRIGGER, trigger(socket_id=socket_id), transport)
    assert request.body.get("socket_id") == socket_id


# --- counts -----------------------------------------------------------------------


def test_101_channels_refused_not_split(transport):
    channels = [f"c{i}" for i in range(101)]
    refused(
        TRIGGER,
        trigger(channels=channels),
        transport,
        "at most 100 channels per trigger",
    )


def test_100_channels_accepted(transport):
    channels = [f"c{i}" for i in range(100)]
    request = accepted(TRIGGER, trigger(channels=channels), transport)
    assert len(request.body["channels"]) == 100


def batch_of(count):
    return {
        "events": [
            {"channel": f"c{i}", "event": "e", "data": "d"} for i in range(count)
        ]
    }


def test_11_batch_events_refused(transport):
    refused(BATCH, batch_of(11), transport, "at most 10 events per batch")


def test_10_batch_events_accepted(transport):
    request = accepted(BATCH, batch_of(10), transport)
    assert len(request.body["batch"]) == 10
    assert request.body["batch"][0] == {"channel": "c0", "name": "e", "data": "d"}


def test_batch_event_follows_the_event_rules(transport):
    arguments = {
        "events": [{"channel": "a:b", "event": "client-x", "data": "x" * 10241}]
    }
    error = refused(BATCH, arguments, transport, "events[0].channel")
    text = json.dumps(error)
    assert "events[0].event" in text
    assert "events[0].data" in text


# --- info attributes --------------------------------------------------------------


def test_user_count_on_non_presence_trigger_refused(transport):
    refused(
        TRIGGER,
        trigger(channels=["my-channel"], info=["user_count"]),
        transport,
        "only for presence",
    )


def test_user_count_on_presence_trigger_accepted(transport):
    request = accepted(
        TRIGGER, trigger(channels=["presence-a"], info=["user_count"]), transport
    )
    assert request.body["info"] == "user_count"


def test_subscription_count_on_presence_refused(transport):
    refused(
        GET,
        {"channel": "presence-room", "info": ["subscription_count"]},
        transport,
        "not available on presence",
    )


def test_subscription_count_on_other_channels_accepted(transport):
    request = accepted(
        GET, {"channel": "my-channel", "info": ["subscription_count"]}, transport
    )
    assert request.query == {"info": "subscription_count"}


def test_user_count_on_one_non_presence_channel_refused(transport):
    refused(
        GET,
        {"channel": "my-channel", "info": ["user_count"]},
        transport,
        "only for presence",
    )


def test_user_count_on_one_presence_channel_accepted(transport):
    request = accepted(
        GET, {"channel": "presence-room", "info": ["user_count"]}, transport
    )
    assert request.path == "/apps/12345/channels/presence-room"


@pytest.mark.parametrize("prefix", [None, "private-", "presenc"])
def test_user_count_on_list_needs_presence_prefix(transport, prefix):
    arguments = {"info": ["user_count"]} | ({"prefix": prefix} if prefix else {})
    refused(LIST, arguments, transport, "needs prefix 'presence-'")


def test_user_count_on_list_with_presence_prefix_accepted(transport):
    request = accepted(LIST, {"prefix": "presence-", "info": ["user_count"]}, transport)
    assert request.query == {"filter_by_prefix": "presence-", "info": "user_count"}


def test_cache_attribute_only_for_cache_channels(transport):
    refused(
        GET,
        {"channel": "my-channel", "info": ["cache"]},
        transport,
        "only for cache channels",
    )
    accepted(GET, {"channel": "private-cache-x", "info": ["cache"]}, transport)


# --- presence users ---------------------------------------------------------------


@pytest.mark.parametrize("channel", ["private-foo", "my-channel"])
def test_users_only_for_presence_channels(transport, channel):
    refused(
        USERS,
        {"channel": channel},
        transport,
        "users can only be listed for presence- channels",
    )


def test_users_call_takes_no_parameters(transport):
    refused(
        USERS,
        {"channel": "presence-room", "info": ["user_count"]},
        transport,
        "takes no parameter",
    )


def test_users_of_presence_channel_accepted(transport):
    request = accepted(USERS, {"channel": "presence-room"}, transport)
    assert (request.method, request.path, request.query) == (
        "GET",
        "/apps/12345/channels/presence-room/users",
        {},
    )


# --- encrypted channels -----------------------------------------------------------


def test_encrypted_channel_in_multi_channel_trigger_refused(transport):
    channels = ["private-encrypted-a", "public"]
    refused(TRIGGER, trigger(channels=channels), transport, "encrypted channels")


def test_encrypted_channel_alone_refused_without_a_key(transport):
    # Sending plain text to an encrypted channel would deliver data that
    # subscribers cannot read, through Pusher in the clear: refused instead.
    # With a key the data is encrypted (see test_encrypted_channels.py).
    refused(
        TRIGGER,
        trigger(channels=["private-encrypted-a"]),
        transport,
        "no encryption master key is configured",
    )


def test_the_missing_key_refusal_names_both_ways_to_configure_it(transport):
    # Command-line users set the environment variable; Python users may pass
    # the toolkit argument instead. The message names both, and no key.
    error = refused(
        TRIGGER,
        trigger(channels=["private-encrypted-a"]),
        transport,
        "no encryption master key is configured",
    )
    (problem,) = error["problems"]
    assert "environment variable PUSHER_ENCRYPTION_MASTER_KEY_BASE64" in problem
    assert "command line" in problem
    assert "PusherToolkit(encryption_master_key_base64=...)" in problem


# --- users ------------------------------------------------------------------------


@pytest.mark.parametrize("user_id", ["a/b", "..", "u 1", "u" * 129])
def test_bad_user_ids_refused(transport, user_id):
    refused(TERMINATE, {"user_id": user_id}, transport, "user_id")


def test_user_id_of_128_characters_accepted(transport):
    request = accepted(TERMINATE, {"user_id": "u" * 128}, transport)
    assert request.path == f"/apps/12345/users/{'u' * 128}/terminate_connections"


def test_send_to_user_uses_the_reserved_channel(transport):
    request = accepted(
        SEND, {"user_id": "u1", "event": "hello", "data": {"a": 1}}, transport
    )
    assert request.body == {
        "name": "hello",
        "channels": ["#server-to-user-u1"],
        "data": '{"a":1}',
    }


def test_send_to_user_follows_event_rules(transport):
    refused(
        SEND,
        {"user_id": "u1", "event": "client-x", "data": "d"},
        transport,
        "client events",
    )


def test_unknown_argument_named(transport):
    refused(TRIGGER, trigger(chanel="x"), transport, "takes no parameter")


def test_user_id_characters_named_like_channel_characters(transport):
    error = refused(TERMINATE, {"user_id": "a/b"}, transport, "user_id")
    assert error["problems"] == [
        (
            'user_id: user id "a/b" has characters Pusher does not allow ("/"); '
            "allowed are letters, digits and _ - = @ , . ;"
        )
    ]


# --- messages name the value they are about -----------------------------------


def test_reserved_prefix_message_names_the_prefix(transport):
    error = refused(
        LIST,
        {"prefix": "#server-to-user-"},
        transport,
        "prefix: a prefix starting with '#server-to-user-' is reserved",
    )
    assert "prefixs" not in json.dumps(error)


@pytest.mark.parametrize(
    ("prefix", "rule"),
    [
        ("a:b", "has characters Pusher does not allow"),
        ("p" * 165, "is 165 characters"),
    ],
)
def test_prefix_messages_name_the_prefix(transport, prefix, rule):
    error = refused(LIST, {"prefix": prefix}, transport, rule)
    (problem,) = error["problems"]
    assert problem.startswith("prefix: prefix ")


# --- text that is not valid Unicode -------------------------------------------


NOT_UNICODE = "the text is not valid Unicode (lone surrogate"


@pytest.mark.parametrize(
    ("arguments", "where"),
    [
        (trigger(data="a\ud800b"), "data: "),
        (trigger(data={"k": ["ok", "x\udc00"]}), "data.k[1]: "),
        (trigger(data={"k\ud800": 1}), "(in a key)"),
        (trigger(event="e\udfff"), "event: "),
        (trigger(channels=["c\ud800"]), "channels[0]: "),
        (trigger(socket_id="1.\ud800"), "socket_id: "),
    ],
)
def test_text_that_is_not_unicode_refused(transport, arguments, where):
    error = refused(TRIGGER, arguments, transport, NOT_UNICODE)
    assert where in json.dumps(error, ensure_ascii=False)


def test_not_unicode_refused_in_every_event_tool(transport):
    refused(
        SEND, {"user_id": "u\ud800", "event": "e", "data": "x"}, transport, NOT_UNICODE
    )
    refused(
        BATCH,
        {"events": [{"channel": "c", "event": "e", "data": "\ud800"}]},
        transport,
        "events[0].data: the text is not valid Unicode",
    )


def test_refusal_message_is_valid_unicode(transport):
    error = refused(TRIGGER, trigger(data="a\ud800b"), transport, NOT_UNICODE)
    json.dumps(error, ensure_ascii=False).encode("utf-8")


def test_surrogate_pairs_written_as_characters_accepted(transport):
    request = accepted(TRIGGER, trigger(data="emoji \U0001f680"), transport)
    assert request.body["data"] == "emoji \U0001f680"


# --- batch events follow every event rule -------------------------------------


@pytest.mark.parametrize(
    ("event", "rule"),
    [
        ({"channel": "c", "event": "client-x", "data": "d"}, "client events"),
        ({"channel": "#server-to-user-u1", "event": "e", "data": "d"}, "reserved"),
        (
            {"channel": "c", "event": "e", "data": "d", "info": ["user_count"]},
            "events[0].info: 'user_count' is only for presence",
        ),
        (
            {
                "channel": "presence-a",
                "event": "e",
                "data": "d",
                "info": ["subscription_count"],
            },
            "not available on presence",
        ),
        (
            {"channel": "private-encrypted-a", "event": "e", "data": "d"},
            "is an end-to-end encrypted channel",
        ),
        (
            {"channel": "private-encrypted-a", "event": "e", "data": "x" * 7620},
            "once encrypted",
        ),
    ],
)
def test_batch_events_follow_every_event_rule(transport, event, rule):
    refused(BATCH, {"events": [event]}, transport, rule)


def test_batch_user_count_on_presence_accepted(transport):
    event = {"channel": "presence-a", "event": "e", "data": "d", "info": ["user_count"]}
    request = accepted(BATCH, {"events": [event]}, transport)
    assert request.body["batch"][0]["info"] == "user_count"


# --- unknown arguments are named even when the schema fails -------------------


def test_unknown_argument_named_next_to_a_missing_one():
    from membrane_pusher.errors import InvalidArgumentsError  # noqa: PLC0415
    from membrane_pusher.pusher.operations import OPERATIONS  # noqa: PLC0415

    with pytest.raises(InvalidArgumentsError) as refused_call:
        OPERATIONS[BATCH].validate({"batch": [{"channel": "c"}]})

    assert refused_call.value.problems == [
        "$: 'events' is a required property",
        '$: pusher_trigger_batch takes no parameter "batch"; it accepts only: events',
    ]


def test_unknown_batch_field_named_next_to_a_missing_one():
    from membrane_pusher.errors import InvalidArgumentsError  # noqa: PLC0415
    from membrane_pusher.pusher.operations import OPERATIONS  # noqa: PLC0415

    with pytest.raises(InvalidArgumentsError) as refused_call:
        OPERATIONS[BATCH].validate(
            {"events": [{"channel": "c", "event": "e", "dta": "x"}]}
        )

    problems = refused_call.value.problems
    assert "events[0]: 'data' is a required property" in problems
    assert 'events[0]: unknown field "dta"' in problems


def test_unknown_key_problems_are_empty_for_known_keys():
    from membrane_pusher.pusher.operations import OPERATIONS  # noqa: PLC0415

    arguments = {"channels": ["c"], "event": "e"}
    assert OPERATIONS[TRIGGER].unknown_key_problems(arguments) == []
