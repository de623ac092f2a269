"""Rule-aware hypothesis strategies for the eight built-in Pusher tools.

`valid_pusher_calls()` draws `PusherCall(tool, arguments, expected)`: arguments
that keep every documented Pusher rule (channel characters and length, event
names, data size, socket ids, channel counts, batch size, info attributes per
channel type, raw-request guard), and the request the Membrane client must
receive for them. The tools under test have no encryption master key, so
events never go to `private-encrypted-` channels here (that is a refusal, see
`pusher_mutations`). The expected request is derived here from the Pusher HTTP API
reference, independently of the package's request builders.

`invalid_pusher_calls()` draws a valid call and breaks it with one mutation
that always breaks a rule or the schema, so every drawn set must be refused.
"""

from __future__ import annotations

import copy
import json
import string
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

APP_ID = "4242"
CONNECTION_ID = "con_pusher_sandbox"

CHANNEL_ALPHABET = string.ascii_letters + string.digits + "_-=@,.;"
MAX_CHANNEL = 164
MAX_EVENT = 200
MAX_DATA_BYTES = 10_240
MAX_USER_ID = 128
ENCRYPTED = "private-encrypted-"
PRESENCE = "presence-"
CACHE_PREFIXES = (
    "cache-",
    "private-cache-",
    "private-encrypted-cache-",
    "presence-cache-",
)
PREFIXES = ("", "private-", PRESENCE, ENCRYPTED, *CACHE_PREFIXES)
PLAIN_PREFIXES = tuple(p for p in PREFIXES if not p.startswith(ENCRYPTED))
RESERVED_EVENT_PREFIXES = ("client-", "pusher:", "pusher_internal:")


@dataclass(frozen=True)
class PusherCall:
    """One drawn tool call and what the Membrane client must receive for it."""

    tool: str
    arguments: dict[str, Any]
    expected: dict[str, Any] | None = None


def expected_request(
    method: str,
    path: str,
    *,
    query: dict[str, str] | None = None,
    body: Any = None,
) -> dict[str, Any]:
    """Return one `FakeClient.requests` entry (no headers, no empty query)."""
    return {
        "connection_id": CONNECTION_ID,
        "path": path,
        "method": method,
        "headers": None,
        "query": query or None,
        "body": body,
    }


def encoded(data: Any) -> str:
    """Event data as Pusher carries it: strings as they are, else compact JSON."""
    if isinstance(data, str):
        return data
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# --- building blocks ----------------------------------------------------------


def _repeat(character: str, low: int, high: int) -> st.SearchStrategy[str]:
    """Strings of one character, cheap to draw even when long."""
    return st.integers(low, high).map(lambda n: character * n)


@st.composite
def channel_names(
    draw: st.DrawFn, prefixes: tuple[str, ...] = PREFIXES, *, in_url: bool = False
) -> str:
    """A valid channel name with one of `prefixes`, up to 164 characters."""
    prefix = draw(st.sampled_from(prefixes))
    room = MAX_CHANNEL - len(prefix)
    shortest = 0 if prefix else 1
    rest = draw(
        st.text(CHANNEL_ALPHABET, min_size=shortest, max_size=24)
        | _repeat("x", shortest, room)
    )
    name = prefix + rest
    if in_url and set(name) == {"."}:
        name = "x" + name[1:]
    return name


# Channels an event may be sent to without an encryption master key.
plain_channel_names = channel_names(PLAIN_PREFIXES).filter(
    lambda channel: not channel.startswith(ENCRYPTED)
)


def is_presence(channel: str) -> bool:
    """Whether Pusher treats the channel as a presence channel."""
    return channel.startswith(PRESENCE)


def is_cache(channel: str) -> bool:
    """Whether Pusher treats the channel as a cache channel."""
    return channel.startswith(CACHE_PREFIXES)


# Event names are single-line text: no C0/C1 control characters (category Cc).
_EVENT_TEXT = st.text(
    st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=40
)
event_names = (_EVENT_TEXT | _repeat("e", 1, MAX_EVENT)).filter(
    lambda name: not name.startswith(RESERVED_EVENT_PREFIXES)
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)

# Pusher requires event data: an empty string is refused, anything else goes.
event_data = st.one_of(
    st.text(min_size=1, max_size=60),
    json_values.filter(lambda value: value != ""),
    _repeat("x", 1, MAX_DATA_BYTES),
    _repeat("\u00e9", 1, MAX_DATA_BYTES // 2),
)

socket_ids = st.builds(
    "{}.{}".format, st.integers(0, 10**12), st.integers(0, 10**12)
) | st.from_regex(r"[0-9]{1,20}\.[0-9]{1,20}", fullmatch=True)

user_ids = (
    st.text(CHANNEL_ALPHABET, min_size=1, max_size=40) | _repeat("u", 1, MAX_USER_ID)
).filter(lambda user: set(user) != {"."})


def allowed_trigger_info(channels: list[str]) -> list[str]:
    """`user_count` needs only presence channels; `subscription_count` none."""
    allowed = []
    if all(is_presence(c) for c in channels):
        allowed.append("user_count")
    if not any(is_presence(c) for c in channels):
        allowed.append("subscription_count")
    return allowed


def allowed_channel_info(channel: str) -> list[str]:
    """The `info` attributes one channel may be asked for."""
    allowed = allowed_trigger_info([channel])
    if is_cache(channel):
        allowed.append("cache")
    return allowed


def _attributes(draw: st.DrawFn, allowed: list[str]) -> list[str]:
    """Some distinct attributes out of `allowed` (possibly none)."""
    if not allowed:
        return []
    return draw(st.lists(st.sampled_from(allowed), unique=True))


def _options(draw: st.DrawFn, arguments: dict[str, Any], allowed: list[str]) -> None:
    """Maybe add `socket_id` (or null) and an allowed `info` list."""
    if draw(st.booleans()):
        arguments["socket_id"] = draw(st.none() | socket_ids)
    if draw(st.booleans()):
        arguments["info"] = _attributes(draw, allowed)


def _sent_options(body: dict[str, Any], arguments: dict[str, Any]) -> None:
    """The options Pusher receives: a socket id if any, info comma-joined."""
    if arguments.get("socket_id"):
        body["socket_id"] = arguments["socket_id"]
    if arguments.get("info"):
        body["info"] = ",".join(arguments["info"])


# --- one valid strategy per tool ----------------------------------------------


@st.composite
def trigger_event(draw: st.DrawFn) -> PusherCall:
    """1-100 distinct channels, none encrypted (the tools have no master key)."""
    shape = draw(st.sampled_from(["few", "many"]))
    if shape == "many":
        base = draw(st.text(CHANNEL_ALPHABET, min_size=1, max_size=20))
        base = base if not base.startswith(ENCRYPTED) else f"x{base}"
        channels = [f"{base}-{i}" for i in range(draw(st.integers(1, 100)))]
    else:
        channels = draw(
            st.lists(plain_channel_names, min_size=1, max_size=5, unique=True)
        )
    arguments: dict[str, Any] = {
        "channels": channels,
        "event": draw(event_names),
        "data": draw(event_data),
    }
    _options(draw, arguments, allowed_trigger_info(channels))

    body = {
        "name": arguments["event"],
        "channels": channels,
        "data": encoded(arguments["data"]),
    }
    _sent_options(body, arguments)
    path = f"/apps/{APP_ID}/events"
    return PusherCall(
        "pusher_trigger_event", arguments, expected_request("POST", path, body=body)
    )


@st.composite
def trigger_batch(draw: st.DrawFn) -> PusherCall:
    """1-10 events, each on one channel (not encrypted), within the trigger limits."""
    events: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 10))):
        channel = draw(plain_channel_names)
        event: dict[str, Any] = {
            "channel": channel,
            "event": draw(event_names),
            "data": draw(
                st.text(min_size=1, max_size=30)
                | json_values.filter(lambda value: value != "")
            ),
        }
        _options(draw, event, allowed_trigger_info([channel]))
        events.append(event)

        item = {
            "channel": channel,
            "name": event["event"],
            "data": encoded(event["data"]),
        }
        _sent_options(item, event)
        batch.append(item)
    path = f"/apps/{APP_ID}/batch_events"
    return PusherCall(
        "pusher_trigger_batch",
        {"events": events},
        expected_request("POST", path, body={"batch": batch}),
    )


@st.composite
def list_channels(draw: st.DrawFn) -> PusherCall:
    """An optional prefix; `user_count` only with a `presence-` prefix."""
    arguments: dict[str, Any] = {}
    if draw(st.booleans()):
        arguments["prefix"] = draw(st.just("") | channel_names())
    prefix = arguments.get("prefix", "")
    if draw(st.booleans()):
        allowed = ["user_count"] if prefix.startswith(PRESENCE) else []
        arguments["info"] = _attributes(draw, allowed)

    query = {}
    if prefix:
        query["filter_by_prefix"] = prefix
    if arguments.get("info"):
        query["info"] = ",".join(arguments["info"])
    path = f"/apps/{APP_ID}/channels"
    return PusherCall(
        "pusher_list_channels", arguments, expected_request("GET", path, query=query)
    )


@st.composite
def get_channel(draw: st.DrawFn) -> PusherCall:
    """One channel usable in a URL, with the info its type allows."""
    channel = draw(channel_names(in_url=True))
    arguments: dict[str, Any] = {"channel": channel}
    if draw(st.booleans()):
        allowed = allowed_channel_info(channel)
        arguments["info"] = _attributes(draw, allowed)

    query = {"info": ",".join(arguments["info"])} if arguments.get("info") else None
    path = f"/apps/{APP_ID}/channels/{channel}"
    return PusherCall(
        "pusher_get_channel", arguments, expected_request("GET", path, query=query)
    )


@st.composite
def list_presence_users(draw: st.DrawFn) -> PusherCall:
    """One presence channel, no other parameter."""
    channel = draw(channel_names((PRESENCE, "presence-cache-")))
    path = f"/apps/{APP_ID}/channels/{channel}/users"
    return PusherCall(
        "pusher_list_presence_users",
        {"channel": channel},
        expected_request("GET", path),
    )


@st.composite
def terminate_user_connections(draw: st.DrawFn) -> PusherCall:
    """One valid user id."""
    user = draw(user_ids)
    path = f"/apps/{APP_ID}/users/{user}/terminate_connections"
    return PusherCall(
        "pusher_terminate_user_connections",
        {"user_id": user},
        expected_request("POST", path, body={}),
    )


@st.composite
def send_to_user(draw: st.DrawFn) -> PusherCall:
    """A user id, an event name and data, sent on `#server-to-user-{id}`."""
    arguments = {
        "user_id": draw(user_ids),
        "event": draw(event_names),
        "data": draw(event_data),
    }
    body = {
        "name": arguments["event"],
        "channels": [f"#server-to-user-{arguments['user_id']}"],
        "data": encoded(arguments["data"]),
    }
    path = f"/apps/{APP_ID}/events"
    return PusherCall(
        "pusher_send_to_user", arguments, expected_request("POST", path, body=body)
    )


# Path characters that need no encoding; `%` and `?#` are left out on purpose.
_SEGMENT_ALPHABET = string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@"


# No segment made of dots (also `..;x`: the guard refuses them) and no endpoint
# a typed tool covers (those follow its rules: tests/pusher/test_raw_rules.py).
def _only_dots(segment: str) -> bool:
    """Whether a segment means `.` or `..` to some server (`..;x`, `...`)."""
    core = segment.split(";", maxsplit=1)[0].strip()
    return bool(core) and not core.strip(".")


_segments = st.text(_SEGMENT_ALPHABET, min_size=1, max_size=16).filter(
    lambda s: not _only_dots(s) and s != "apps"
)
_TYPED_ROOTS = {"events", "batch_events", "channels", "users"}
_query_keys = st.from_regex(r"[A-Za-z0-9_]{1,64}", fullmatch=True).filter(
    lambda k: not k.lower().startswith(("auth_", "body_md5"))
)
# Valid text (no lone surrogates, which have no UTF-8 form), and plain: the
# guard refuses `&`, `=`, `#` and `%` in query values.
_TEXT = {"min_codepoint": 0x20, "exclude_categories": ("Cs",)}
_query_values = (
    st.text(st.characters(**_TEXT, exclude_characters="\x7f&=#%"), max_size=20)
    | st.integers(-(10**9), 10**9)
    | st.booleans()
)
_body_strings = st.text(st.characters(**_TEXT, exclude_characters="\x7f"), max_size=12)
_bodies = st.dictionaries(
    _body_strings,
    st.recursive(
        st.none() | st.booleans() | st.integers() | _body_strings,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(_body_strings, inner, max_size=3)
        ),
        max_leaves=8,
    ),
    max_size=4,
)


@st.composite
def api_request(draw: st.DrawFn) -> PusherCall:
    """A GET or POST under the app's own API, with a clean query and body."""
    method = draw(st.sampled_from(["GET", "POST"]))
    segments = draw(
        st.lists(_segments, min_size=1, max_size=4).filter(
            lambda parts: parts[0].split(";")[0].lower() not in _TYPED_ROOTS
        )
    )
    relative = "/" + "/".join(segments)
    style = draw(st.sampled_from(["absolute", "bare", "app-rooted"]))
    if style == "bare" and ":" not in segments[0]:
        path = relative.lstrip("/")
    elif style == "app-rooted":
        path = f"/apps/{APP_ID}{relative}"
    else:
        path = relative
    arguments: dict[str, Any] = {"method": method, "path": path}
    if draw(st.booleans()):
        arguments["query"] = draw(
            st.dictionaries(_query_keys, _query_values, max_size=5)
        )
    if method == "POST" and draw(st.booleans()):
        arguments["body"] = draw(_bodies)

    query = {
        key: ("true" if value else "false") if isinstance(value, bool) else str(value)
        for key, value in arguments.get("query", {}).items()
    }
    body = arguments.get("body", {}) if method == "POST" else None
    full_path = path if style == "app-rooted" else f"/apps/{APP_ID}{relative}"
    return PusherCall(
        "pusher_api_request",
        arguments,
        expected_request(method, full_path, query=query, body=copy.deepcopy(body)),
    )


VALID_STRATEGIES: dict[str, st.SearchStrategy[PusherCall]] = {
    "pusher_trigger_event": trigger_event(),
    "pusher_trigger_batch": trigger_batch(),
    "pusher_list_channels": list_channels(),
    "pusher_get_channel": get_channel(),
    "pusher_list_presence_users": list_presence_users(),
    "pusher_terminate_user_connections": terminate_user_connections(),
    "pusher_send_to_user": send_to_user(),
    "pusher_api_request": api_request(),
}


def valid_pusher_calls(tool: str) -> st.SearchStrategy[PusherCall]:
    """A valid call of one built-in tool."""
    return VALID_STRATEGIES[tool]
