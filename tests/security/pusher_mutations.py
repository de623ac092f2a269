"""Mutations that turn a valid Pusher tool call into one that must be refused.

Every mutation breaks a rule or the schema whatever valid call it starts from:
a character outside the channel alphabet, one character too many, a reserved
prefix, a wrong JSON type, a missing required or an unknown argument, a count
over the limit, an `info` attribute the channel type does not allow, an event
for a `private-encrypted-` channel (the tools under test have no master key),
or, for raw requests, CR/LF, traversal, absolute URLs and auth parameters.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st
from pusher_strategies import (
    CHANNEL_ALPHABET,
    ENCRYPTED,
    MAX_CHANNEL,
    MAX_DATA_BYTES,
    MAX_EVENT,
    MAX_USER_ID,
    PREFIXES,
    PRESENCE,
    VALID_STRATEGIES,
    PusherCall,
    allowed_channel_info,
    channel_names,
    json_values,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    Mutation = Callable[[st.DrawFn, dict[str, Any]], None]

NOT_STRING = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.lists(st.text(max_size=3), max_size=2)
    | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
)
NOT_STRING_OR_NULL = NOT_STRING.filter(lambda value: value is not None)
NOT_ARRAY = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=5)
    | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
)
NOT_OBJECT = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=5)
    | st.lists(st.integers(), max_size=2)
)
NOT_CHANNEL_CHARACTER = st.characters().filter(lambda c: c not in CHANNEL_ALPHABET)
NON_PRESENCE_CHANNELS = channel_names(
    tuple(p for p in PREFIXES if not p.startswith(PRESENCE))
).filter(lambda c: not c.startswith(PRESENCE))
_SOCKET_ID = re.compile(r"[0-9]+\.[0-9]+")


# --- values that break one rule -----------------------------------------------


def _insert(draw: st.DrawFn, text: str, piece: str) -> str:
    """Put `piece` somewhere inside `text`."""
    at = draw(st.integers(0, len(text)))
    return text[:at] + piece + text[at:]


def broken_name(draw: st.DrawFn, name: str, limit: int, *, in_url: bool) -> str:
    """A channel name or user id with one broken rule."""
    hows = ["bad-character", "too-long", "empty", "reserved"]
    if in_url:
        hows.append("dots")
    how = draw(st.sampled_from(hows))
    if how == "bad-character":
        return _insert(draw, name, draw(NOT_CHANNEL_CHARACTER))
    if how == "too-long":
        return name + "a" * (limit + 1 - len(name) + draw(st.integers(0, 60)))
    if how == "reserved":
        return "#server-to-user-" + name
    if how == "dots":
        return "." * draw(st.integers(1, limit))
    return ""


def broken_event(draw: st.DrawFn) -> str:
    """An empty, too long, reserved, or control-character event name."""
    return draw(
        st.just("")
        | st.builds(
            "{}{}{}".format,
            st.text(max_size=5),
            st.characters(categories=["Cc"]),
            st.text(max_size=5),
        )
        | st.integers(MAX_EVENT + 1, MAX_EVENT + 100).map(lambda n: "e" * n)
        | st.builds(
            "{}{}".format,
            st.sampled_from(["client-", "pusher:", "pusher_internal:"]),
            st.text(max_size=10),
        )
    )


def oversized_data(draw: st.DrawFn) -> Any:
    """Event data over 10,240 bytes once encoded."""
    return draw(
        st.integers(MAX_DATA_BYTES + 1, MAX_DATA_BYTES + 500).map(lambda n: "x" * n)
        | st.just(["x" * MAX_DATA_BYTES])
        | st.just({"text": "\u00e9" * (MAX_DATA_BYTES // 2)})
    )


def bad_socket_id(draw: st.DrawFn) -> Any:
    """A socket id that is not digits, a dot, digits."""
    return draw(
        st.sampled_from(["", "1", "1.", ".1", "1.2.3", "a.b", "1.2\n", "\u0661.\u0662"])
        | st.text(max_size=12).filter(lambda s: not _SOCKET_ID.fullmatch(s))
        | NOT_STRING_OR_NULL
    )


# --- mutations shared by every tool -------------------------------------------


def extra_property(allowed: tuple[str, ...]) -> Mutation:
    """Add an argument the tool does not take."""

    def mutate(draw: st.DrawFn, arguments: dict[str, Any]) -> None:
        name = draw(st.text(min_size=1, max_size=12).filter(lambda k: k not in allowed))
        arguments[name] = draw(json_values)

    return mutate


def drop_required(required: tuple[str, ...]) -> Mutation:
    """Remove one required argument."""

    def mutate(draw: st.DrawFn, arguments: dict[str, Any]) -> None:
        arguments.pop(draw(st.sampled_from(required)), None)

    return mutate


def retype(wrong: dict[str, st.SearchStrategy[Any]]) -> Mutation:
    """Give one argument a value of the wrong JSON type."""

    def mutate(draw: st.DrawFn, arguments: dict[str, Any]) -> None:
        name = draw(st.sampled_from(sorted(wrong)))
        arguments[name] = draw(wrong[name])

    return mutate


def _common(
    allowed: tuple[str, ...],
    required: tuple[str, ...],
    wrong: dict[str, st.SearchStrategy[Any]],
) -> list[Mutation]:
    mutations = [extra_property(allowed), retype(wrong)]
    if required:
        mutations.append(drop_required(required))
    return mutations


# --- trigger and batch --------------------------------------------------------


def _break_channels(draw: st.DrawFn, arguments: dict[str, Any]) -> None:
    channels = arguments["channels"]
    how = draw(st.sampled_from(["one", "too-many", "empty", "encrypted", "twice"]))
    if how == "one":
        index = draw(st.integers(0, len(channels) - 1))
        channels[index] = broken_name(draw, channels[index], MAX_CHANNEL, in_url=False)
    elif how == "too-many":
        count = draw(st.integers(101, 150))
        arguments["channels"] = [f"room-{i}" for i in range(count)]
    elif how == "empty":
        arguments["channels"] = []
    elif how == "encrypted":
        channels.append(f"{ENCRYPTED}mixed-in")
    else:
        channels.append(channels[0])


def _break_info(draw: st.DrawFn, event: dict[str, Any], channels: list[str]) -> None:
    """Ask for an attribute one of the channels cannot give."""
    if any(not c.startswith(PRESENCE) for c in channels):
        event["info"] = ["user_count"]
    else:
        event["info"] = ["subscription_count"]
    if draw(st.booleans()):
        event["info"] = [draw(st.sampled_from(["cache", "members", "USER_COUNT"]))]


def _break_event_fields(
    draw: st.DrawFn, event: dict[str, Any], channels: list[str]
) -> None:
    how = draw(st.sampled_from(["event", "data", "socket_id", "info"]))
    if how == "event":
        event["event"] = broken_event(draw)
    elif how == "data":
        event["data"] = oversized_data(draw)
    elif how == "socket_id":
        event["socket_id"] = bad_socket_id(draw)
    else:
        _break_info(draw, event, channels)


def _trigger_rule(draw: st.DrawFn, arguments: dict[str, Any]) -> None:
    if draw(st.booleans()):
        _break_channels(draw, arguments)
    else:
        _break_event_fields(draw, arguments, arguments["channels"])


_EVENT_WRONG = {
    "event": NOT_STRING,
    "socket_id": NOT_STRING_OR_NULL,
    "info": NOT_ARRAY,
}
_TRIGGER_FIELDS = ("channels", "event", "data", "socket_id", "info")
_BATCH_FIELDS = ("channel", "event", "data", "socket_id", "info")


def _batch_rule(draw: st.DrawFn, arguments: dict[str, Any]) -> None:
    events = arguments["events"]
    how = draw(st.sampled_from(["too-many", "empty", "one", "one", "one"]))
    if how == "too-many":
        count = draw(st.integers(11, 20))
        arguments["events"] = [
            copy.deepcopy(events[i % len(events)]) for i in range(count)
        ]
        return
    if how == "empty":
        arguments["events"] = []
        return

    index = draw(st.integers(0, len(events) - 1))
    event = events[index]
    part = draw(
        st.sampled_from(
            ["fields", "channel", "unknown", "missing", "retype", "shape", "encrypted"]
        )
    )
    if part == "encrypted":
        event["channel"] = draw(channel_names((ENCRYPTED,)))
    elif part == "fields":
        _break_event_fields(draw, event, [event["channel"]])
    elif part == "channel":
        event["channel"] = broken_name(
            draw, event["channel"], MAX_CHANNEL, in_url=False
        )
    elif part == "unknown":
        extra_property(_BATCH_FIELDS)(draw, event)
    elif part == "missing":
        drop_required(("channel", "event", "data"))(draw, event)
    elif part == "retype":
        retype({**_EVENT_WRONG, "channel": NOT_STRING})(draw, event)
    else:
        events[index] = draw(NOT_OBJECT)


# --- queries and users --------------------------------------------------------


def _list_channels_rule(draw: st.DrawFn, arguments: dict[str, Any]) -> None:
    how = draw(st.sampled_from(["prefix", "user-count", "enum", "twice"]))
    if how == "prefix":
        prefix = arguments.get("prefix") or "presence-"
        broken = draw(st.sampled_from(["bad-character", "too-long", "reserved"]))
        arguments["prefix"] = _broken_prefix(draw, prefix, broken)
    elif how == "user-count":
        if draw(st.booleans()):
            arguments.pop("prefix", None)
        else:
            arguments["prefix"] = draw(NON_PRESENCE_CHANNELS)
        arguments["info"] = ["user_count"]
    elif how == "enum":
        arguments["info"] = [
            draw(st.text(max_size=20).filter(lambda a: a != "user_count"))
        ]
    else:
        arguments["prefix"] = "presence-"
        arguments["info"] = ["user_count", "user_count"]


def _broken_prefix(draw: st.DrawFn, prefix: str, how: str) -> str:
    if how == "bad-character":
        return _insert(draw, prefix, draw(NOT_CHANNEL_CHARACTER))
    if how == "too-long":
        return prefix + "p" * (MAX_CHANNEL + 1 - len(prefix) + draw(st.integers(0, 40)))
    return "#server-to-user-" + prefix


def _get_channel_rule(draw: st.DrawFn, arguments: dict[str, Any]) -> None:
    channel = arguments["channel"]
    how = draw(st.sampled_from(["channel", "info", "enum"]))
    if how == "channel":
        arguments["channel"] = broken_name(draw, channel, MAX_CHANNEL, in_url=True)
    elif how == "info":
        refused = sorted(
            {"user_count", "subscription_count", "cache"}
            - set(allowed_channel_info(channel))
        )
        arguments["info"] = [draw(st.sampled_from(refused))]
    else:
        arguments["info"] = [draw(st.sampled_from(["members", "Cache", "user-count"]))]


def _presence_users_rule(draw: st.DrawFn, arguments: dict[str, Any]) -> None:
    if draw(st.booleans()):
        arguments["channel"] = draw(NON_PRESENCE_CHANNELS)
    else:
        arguments["channel"] = broken_name(
            draw, arguments["channel"], MAX_CHANNEL, in_url=True
        )


def _user_rule(draw: st.DrawFn, arguments: dict[str, Any]) -> None:
    arguments["user_id"] = broken_name(
        draw, arguments["user_id"], MAX_USER_ID, in_url=True
    )


def _send_to_user_rule(draw: st.DrawFn, arguments: dict[str, Any]) -> None:
    how = draw(st.sampled_from(["user", "event", "data"]))
    if how == "user":
        _user_rule(draw, arguments)
    elif how == "event":
        arguments["event"] = broken_event(draw)
    else:
        arguments["data"] = oversized_data(draw)


# --- raw requests -------------------------------------------------------------

_CONTROL_PIECES = ["\r", "\n", "\r\n", "\x00", "\t", "%0d%0a", "%0A", "%250d", "%00"]
_TRAVERSALS = ["..", ".", "%2e%2e", "%2E%2e", ".%2e", "%252e%252e", "%2e"]
_ESCAPES = [
    "https://evil.example/apps",
    "HTTP://evil.example",
    "javascript:alert(1)",
    "//evil.example/channels",
    "%2f%2fevil.example/x",
    "/apps/9999/channels",
    "/apps",
    "apps/1/events",
    "/",
    "///",
]
_AUTH_KEYS = [
    "auth_signature",
    "auth_key",
    "AUTH_TIMESTAMP",
    "auth_version",
    "body_md5",
]


def _raw_path_rule(draw: st.DrawFn, arguments: dict[str, Any]) -> None:
    path = arguments["path"]
    how = draw(st.sampled_from(["control", "traversal", "escape", "marks", "long"]))
    if how == "control":
        arguments["path"] = _insert(draw, path, draw(st.sampled_from(_CONTROL_PIECES)))
    elif how == "traversal":
        segments = path.strip("/").split("/")
        at = draw(st.integers(0, len(segments)))
        segments.insert(at, draw(st.sampled_from(_TRAVERSALS)))
        arguments["path"] = "/" + "/".join(segments)
    elif how == "escape":
        arguments["path"] = draw(st.sampled_from(_ESCAPES))
    elif how == "marks":
        piece = draw(st.sampled_from(["?a=b", "#top", "\\", "%5c", "%3Fx=1", "//"]))
        arguments["path"] = path.rstrip("/") + "/x" + piece + "y"
    else:
        arguments["path"] = "/" + "a" * draw(st.integers(1024, 1500))


def _raw_query_rule(draw: st.DrawFn, arguments: dict[str, Any]) -> None:
    query = arguments.setdefault("query", {})
    how = draw(st.sampled_from(["auth", "name", "control", "too-many", "type"]))
    if how == "auth":
        query[draw(st.sampled_from(_AUTH_KEYS))] = draw(st.text(max_size=8))
    elif how == "name":
        name = draw(
            st.sampled_from(["", "a-b", "x y", "k" * 65, "\u043a\u043b\u044e\u0447"])
        )
        query[name] = "1"
    elif how == "control":
        query["note"] = _insert(
            draw, "value", draw(st.sampled_from(["\r\n", "\n", "\x00"]))
        )
    elif how == "too-many":
        query.update({f"p{i}": str(i) for i in range(draw(st.integers(21, 30)))})
    else:
        query["x"] = draw(st.sampled_from([1.5, None, [1], {"a": 1}]))


def _raw_body_rule(draw: st.DrawFn, arguments: dict[str, Any]) -> None:
    how = draw(st.sampled_from(["on-get", "too-big", "control", "type"]))
    if how == "on-get":
        arguments["method"] = "GET"
        arguments["body"] = draw(
            st.dictionaries(st.text(max_size=4), st.integers(), max_size=2)
        )
    elif how == "too-big":
        arguments["method"] = "POST"
        arguments["body"] = {"blob": "a" * draw(st.integers(120 * 1024, 121 * 1024))}
    elif how == "control":
        arguments["method"] = "POST"
        key = draw(st.sampled_from(["note", "line\nbreak"]))
        arguments["body"] = {key: draw(st.sampled_from(["a\r\nb", "\x00", "ok"]))}
        if key == "note" and arguments["body"][key] == "ok":
            arguments["body"][key] = "\n"
    else:
        arguments["body"] = draw(NOT_OBJECT)


def _raw_method_rule(draw: st.DrawFn, arguments: dict[str, Any]) -> None:
    arguments["method"] = draw(
        st.sampled_from(["DELETE", "PUT", "get", "PATCH", "", "GET "])
    )


# --- all tools ----------------------------------------------------------------

MUTATIONS: dict[str, list[Mutation]] = {
    "pusher_trigger_event": [
        _trigger_rule,
        _trigger_rule,
        *_common(
            _TRIGGER_FIELDS,
            ("channels", "event", "data"),
            {**_EVENT_WRONG, "channels": NOT_ARRAY},
        ),
    ],
    "pusher_trigger_batch": [
        _batch_rule,
        _batch_rule,
        *_common(("events",), ("events",), {"events": NOT_ARRAY}),
    ],
    "pusher_list_channels": [
        _list_channels_rule,
        _list_channels_rule,
        *_common(("prefix", "info"), (), {"prefix": NOT_STRING, "info": NOT_ARRAY}),
    ],
    "pusher_get_channel": [
        _get_channel_rule,
        _get_channel_rule,
        *_common(
            ("channel", "info"),
            ("channel",),
            {"channel": NOT_STRING, "info": NOT_ARRAY},
        ),
    ],
    "pusher_list_presence_users": [
        _presence_users_rule,
        _presence_users_rule,
        *_common(("channel",), ("channel",), {"channel": NOT_STRING}),
    ],
    "pusher_terminate_user_connections": [
        _user_rule,
        _user_rule,
        *_common(("user_id",), ("user_id",), {"user_id": NOT_STRING}),
    ],
    "pusher_send_to_user": [
        _send_to_user_rule,
        _send_to_user_rule,
        *_common(
            ("user_id", "event", "data"),
            ("user_id", "event", "data"),
            {"user_id": NOT_STRING, "event": NOT_STRING},
        ),
    ],
    "pusher_api_request": [
        _raw_path_rule,
        _raw_path_rule,
        _raw_query_rule,
        _raw_body_rule,
        _raw_method_rule,
        *_common(
            ("method", "path", "query", "body"),
            ("method", "path"),
            {"method": NOT_STRING, "path": NOT_STRING, "query": NOT_OBJECT},
        ),
    ],
}
"""Per tool: the mutations to choose from. Rule breaks come first and some
twice, because hypothesis draws the first entries of a list more often."""


@st.composite
def _mutated(draw: st.DrawFn, tool: str) -> PusherCall:
    valid = draw(VALID_STRATEGIES[tool])
    arguments = copy.deepcopy(valid.arguments)
    mutation = draw(st.sampled_from(MUTATIONS[tool]))
    mutation(draw, arguments)
    return PusherCall(tool, arguments)


def invalid_pusher_calls(tool: str) -> st.SearchStrategy[PusherCall]:
    """A call of one built-in tool, broken by one mutation."""
    return _mutated(tool)
