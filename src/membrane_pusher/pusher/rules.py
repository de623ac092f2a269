r"""Pusher Channels' naming and size rules, checked before anything is sent.

Every check returns a list of problems, one line each, starting with the JSON
path of the offending argument and naming the rule that was broken, so the
model can fix the call. An empty list means the value is fine.

The limits follow Pusher's REST API reference and channel documentation:
channel names use `[A-Za-z0-9_\-=@,.;]` and are at most 164 characters
including their prefix; event names are at most 200 characters of single-line
text (no control characters: a CR, LF or NUL could split or cut the event on
its way to subscribers, whose libraries expect a plain name); event data is
at most 10,240 bytes (UTF-8 of the encoded string, or of the encrypted envelope
on `private-encrypted-` channels); one trigger reaches at most 100 channels and
one batch holds at most 10 events.

Text must be valid Unicode: a lone surrogate (which JSON can carry as `\ud800`)
has no UTF-8 form, so it could be neither signed nor sent.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from membrane_pusher.pusher import encryption

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "CACHE_PREFIXES",
    "CHANNEL_CHARACTERS",
    "ENCRYPTED_PREFIX",
    "MAX_CHANNELS_PER_TRIGGER",
    "MAX_CHANNEL_NAME_LENGTH",
    "MAX_DATA_BYTES",
    "MAX_ENCRYPTED_PLAINTEXT_BYTES",
    "MAX_EVENTS_PER_BATCH",
    "MAX_EVENT_NAME_LENGTH",
    "MAX_USER_ID_LENGTH",
    "PRESENCE_PREFIX",
    "SERVER_TO_USER_PREFIX",
    "channel_info_problems",
    "channel_name_problems",
    "channels_problems",
    "data_problems",
    "encode_data",
    "encryption_unavailable_problem",
    "event_name_problems",
    "info_problems",
    "is_cache_channel",
    "is_encrypted_channel",
    "is_presence_channel",
    "list_info_problems",
    "socket_id_problems",
    "unknown_argument_problems",
    "unknown_field_problems",
    "user_id_problems",
]

CHANNEL_CHARACTERS = r"[A-Za-z0-9_\-=@,.;]"
MAX_CHANNEL_NAME_LENGTH = 164
MAX_EVENT_NAME_LENGTH = 200
MAX_DATA_BYTES = 10_240
MAX_CHANNELS_PER_TRIGGER = 100
MAX_EVENTS_PER_BATCH = 10
# The most plaintext that still fits in MAX_DATA_BYTES once encrypted.
MAX_ENCRYPTED_PLAINTEXT_BYTES = encryption.max_plaintext_bytes(MAX_DATA_BYTES)
# Pusher's presence documentation caps user ids at 128 characters; with the
# 16-character `#server-to-user-` prefix the channel stays within 164.
MAX_USER_ID_LENGTH = 128

PRESENCE_PREFIX = "presence-"
ENCRYPTED_PREFIX = "private-encrypted-"
SERVER_TO_USER_PREFIX = "#server-to-user-"
CACHE_PREFIXES = (
    "cache-",
    "private-cache-",
    "private-encrypted-cache-",
    "presence-cache-",
)
# Event names the Pusher protocol keeps for itself or for client events.
CLIENT_EVENT_PREFIX = "client-"
PROTOCOL_EVENT_PREFIXES = ("pusher:", "pusher_internal:")

_MAX_QUOTED_CHARS = 60
_CHANNEL_PATTERN = re.compile(rf"{CHANNEL_CHARACTERS}+")
# `[0-9]`, not `\d`: Python's `\d` also matches other scripts' digits.
_SOCKET_ID_PATTERN = re.compile(r"[0-9]+\.[0-9]+")
_BAD_CHARACTERS = re.compile(rf"[^{CHANNEL_CHARACTERS[1:-1]}]")


def is_presence_channel(channel: str) -> bool:
    """Tell whether a channel is a presence channel (`presence-` prefix)."""
    return channel.startswith(PRESENCE_PREFIX)


def is_cache_channel(channel: str) -> bool:
    """Tell whether a channel is a cache channel (`cache-` in its prefix)."""
    return channel.startswith(CACHE_PREFIXES)


def is_encrypted_channel(channel: Any) -> bool:
    """Tell whether a channel is end-to-end encrypted (`private-encrypted-`)."""
    return isinstance(channel, str) and channel.startswith(ENCRYPTED_PREFIX)


def channel_name_problems(
    path: str, channel: Any, *, noun: str = "channel name", in_url: bool = False
) -> list[str]:
    """Check one channel name (or a text held to the same rules).

    Args:
        path: The JSON path of the value, for the messages.
        channel: The value the caller gave.
        noun: What the value is called in the messages, e.g. `"prefix"`.
        in_url: Whether the name becomes a URL path segment, where names made
            only of dots would change the path.

    Returns:
        One line per broken rule.
    """
    if not isinstance(channel, str):
        return [f"{path}: a {noun} must be a string"]
    valid_characters = _CHANNEL_PATTERN.fullmatch(channel) is not None
    not_unicode = None if valid_characters else _not_unicode_problem(path, channel)
    if not_unicode:
        return [not_unicode]
    if channel.startswith(SERVER_TO_USER_PREFIX):
        return [
            (
                f"{path}: a {noun} starting with '{SERVER_TO_USER_PREFIX}' is "
                "reserved for sending to a user; use the send-to-user call instead"
            )
        ]
    if not channel:
        return [f"{path}: a {noun} cannot be empty"]

    problems = [] if valid_characters else _character_problems(path, noun, channel)
    if len(channel) > MAX_CHANNEL_NAME_LENGTH:
        problems.append(
            f"{path}: {noun} is {len(channel)} characters; Pusher allows at "
            f"most {MAX_CHANNEL_NAME_LENGTH} including the prefix"
        )
    if in_url and set(channel) == {"."}:
        problems.append(
            f"{path}: a {noun} made only of dots cannot be used in a URL path"
        )
    return problems


def channels_problems(path: str, channels: Sequence[Any]) -> list[str]:
    """Check the channel list of one trigger (count, names, encryption)."""
    problems: list[str] = []
    if not channels:
        problems.append(f"{path}: give at least one channel")
    if len(channels) > MAX_CHANNELS_PER_TRIGGER:
        problems.append(
            f"{path}: {len(channels)} channels given; Pusher allows at most "
            f"{MAX_CHANNELS_PER_TRIGGER} channels per trigger (nothing was split or "
            f"sent: make several calls of at most {MAX_CHANNELS_PER_TRIGGER} "
            "channels)"
        )
    for index, channel in enumerate(channels):
        problems.extend(channel_name_problems(f"{path}[{index}]", channel))

    names = [c for c in channels if isinstance(c, str)]
    encrypted = [c for c in names if c.startswith(ENCRYPTED_PREFIX)]
    if encrypted and len(names) > 1:
        problems.append(
            f"{path}: encrypted channels ({ENCRYPTED_PREFIX}...) cannot be triggered "
            "together with other channels; trigger each encrypted channel alone"
        )
    if len(set(names)) < len(names):
        duplicates = sorted({c for c in names if names.count(c) > 1})
        problems.append(f"{path}: channels listed twice: {', '.join(duplicates)}")
    return problems


def event_name_problems(path: str, event: Any) -> list[str]:
    """Check an event name sent over the REST API."""
    if not isinstance(event, str):
        return [f"{path}: an event name must be a string"]
    if not event:
        return [f"{path}: an event name cannot be empty"]
    not_unicode = _not_unicode_problem(path, event)
    if not_unicode:
        return [not_unicode]

    problems: list[str] = []
    if len(event) > MAX_EVENT_NAME_LENGTH:
        problems.append(
            f"{path}: event name is {len(event)} characters; Pusher allows at most "
            f"{MAX_EVENT_NAME_LENGTH}"
        )
    control = _first_control(event)
    if control is not None:
        position, char = control
        problems.append(
            f"{path}: event names may not contain control characters "
            f"(U+{ord(char):04X} at position {position}); use printable text "
            "without line breaks"
        )
    if event.startswith(CLIENT_EVENT_PREFIX):
        problems.append(
            f"{path}: '{CLIENT_EVENT_PREFIX}' events are client events, sent by "
            "subscribers over WebSocket, not by the server's REST API; choose a name "
            f"without the '{CLIENT_EVENT_PREFIX}' prefix"
        )
    if event.startswith(PROTOCOL_EVENT_PREFIXES):
        problems.append(
            f"{path}: 'pusher:' and 'pusher_internal:' event names are reserved by "
            "the Pusher protocol"
        )
    return problems


def _first_control(text: str) -> tuple[int, str] | None:
    """Return the position and character of the first C0/C1 control (or DEL)."""
    for position, char in enumerate(text):
        if unicodedata.category(char) == "Cc":
            return position, char
    return None


def encode_data(data: Any) -> str:
    """Return event data as the string Pusher carries: strings as they are.

    Any other JSON value is encoded compactly, keeping non-ASCII text as UTF-8
    (so the byte count matches what subscribers receive).
    """
    if isinstance(data, str):
        return data
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def data_problems(path: str, data: Any, *, encrypted: bool = False) -> list[str]:
    """Check event data: valid text, at most 10,240 bytes once encoded.

    Args:
        path: The JSON path of the data, for the messages.
        data: A string (sent as is) or any JSON value (sent JSON-encoded).
        encrypted: Whether the data goes to a `private-encrypted-` channel,
            where the limit applies to the encrypted envelope.
    """
    try:
        encoded = encode_data(data)
    except (TypeError, ValueError) as error:
        return [f"{path}: data must be a string or a JSON value ({error})"]
    try:
        size = len(encoded.encode("utf-8"))
    except UnicodeEncodeError:
        return [_not_unicode_in_value(path, data)]

    if encrypted:
        sent = encryption.encrypted_size(size)
        if sent <= MAX_DATA_BYTES:
            return []
        return [
            (
                f"{path}: payload too large: {sent} > {MAX_DATA_BYTES} bytes once "
                f"encrypted for a {ENCRYPTED_PREFIX} channel ({size} bytes of data; "
                f"at most {MAX_ENCRYPTED_PLAINTEXT_BYTES} fit); Pusher refuses this "
                "with 413, so send less data or a reference to it"
            )
        ]
    if size <= MAX_DATA_BYTES:
        return []
    return [
        (
            f"{path}: payload too large: {size} > {MAX_DATA_BYTES} bytes (UTF-8 of the "
            "encoded data); Pusher refuses this with 413, so send less data or a "
            "reference to it"
        )
    ]


def encryption_unavailable_problem(path: str, channel: str, *, has_key: bool) -> str:
    """Explain why data for an encrypted channel cannot be sent as configured.

    Args:
        path: The JSON path of the channel, for the message.
        channel: The `private-encrypted-` channel.
        has_key: Whether a master key is configured (then PyNaCl is missing).
    """
    if has_key:
        missing = f"PyNaCl is not installed ({encryption.ENCRYPTION_EXTRA})"
    else:
        missing = (
            "no encryption master key is configured (a person must set "
            f"{encryption.MASTER_KEY_ENV} to 32 random bytes in base64, or pass "
            "encryption_master_key_base64=)"
        )
    return (
        f"{path}: {_quote(channel)} is an end-to-end encrypted channel, so its data "
        f"must be encrypted before it is sent, and {missing}; nothing was sent. "
        f"Use a channel without the '{ENCRYPTED_PREFIX}' prefix, or ask for the "
        "key to be configured"
    )


def socket_id_problems(path: str, socket_id: Any) -> list[str]:
    """Check a socket id (`123.456`); `None` means no exclusion."""
    if socket_id is None:
        return []
    if isinstance(socket_id, str):
        if _SOCKET_ID_PATTERN.fullmatch(socket_id):
            return []
        not_unicode = _not_unicode_problem(path, socket_id)
        if not_unicode:
            return [not_unicode]
    return [
        (
            f"{path}: socket_id {_quote(socket_id)} is not a Pusher socket id; it must "
            "look like '123.456' (digits, a dot, digits); omit it to exclude nobody"
        )
    ]


def user_id_problems(path: str, user_id: Any) -> list[str]:
    """Check a user id used in a URL path or a `#server-to-user-` channel."""
    if not isinstance(user_id, str) or not user_id:
        return [f"{path}: a user id must be a non-empty string"]
    not_unicode = _not_unicode_problem(path, user_id)
    if not_unicode:
        return [not_unicode]

    problems = _character_problems(path, "user id", user_id)
    if len(user_id) > MAX_USER_ID_LENGTH:
        problems.append(
            f"{path}: user id is {len(user_id)} characters; Pusher allows at most "
            f"{MAX_USER_ID_LENGTH}"
        )
    if set(user_id) == {"."}:
        problems.append(f"{path}: a user id made only of dots is not allowed")
    return problems


def _character_problems(path: str, noun: str, text: str) -> list[str]:
    """Name the characters outside Pusher's channel-name set, if any."""
    if _CHANNEL_PATTERN.fullmatch(text):
        return []
    bad = "".join(sorted(set(_BAD_CHARACTERS.findall(text))))
    return [
        (
            f"{path}: {noun} {_quote(text)} has characters Pusher does not allow "
            f"({_quote(bad)}); allowed are letters, digits and _ - = @ , . ;"
        )
    ]


def info_problems(path: str, info: Iterable[str], channels: Sequence[str]) -> list[str]:
    """Check `info` attributes against the channels they are asked for.

    `user_count` applies only to presence channels; `subscription_count` to
    every channel except presence channels; `cache` only to cache channels.
    """
    attributes = list(info)
    problems: list[str] = []
    names = [c for c in channels if isinstance(c, str)]
    if "user_count" in attributes:
        others = [c for c in names if not is_presence_channel(c)]
        if others:
            problems.append(
                f"{path}: 'user_count' is only for presence channels "
                f"({PRESENCE_PREFIX}...), not for {_list(others)}"
            )
    if "subscription_count" in attributes:
        presence = [c for c in names if is_presence_channel(c)]
        if presence:
            problems.append(
                f"{path}: 'subscription_count' is not available on presence channels "
                f"({_list(presence)}); ask for 'user_count' instead"
            )
    if "cache" in attributes:
        others = [c for c in names if not is_cache_channel(c)]
        if others:
            problems.append(
                f"{path}: 'cache' is only for cache channels (cache-...), not for "
                f"{_list(others)}"
            )
    return problems


def channel_info_problems(path: str, info: Iterable[str], channel: str) -> list[str]:
    """Check the `info` attributes asked of one channel."""
    return info_problems(path, info, [channel])


def list_info_problems(path: str, info: Iterable[str], prefix: str | None) -> list[str]:
    """Check `info` on the channel list: `user_count` needs a `presence-` prefix."""
    if "user_count" in info and not (prefix or "").startswith(PRESENCE_PREFIX):
        return [
            (
                f"{path}: 'user_count' on the channel list needs prefix "
                f"'{PRESENCE_PREFIX}' (or a longer presence prefix); Pusher "
                "answers 400 otherwise"
            )
        ]
    return []


def unknown_argument_problems(
    arguments: Any, allowed: Iterable[str], *, call: str
) -> list[str]:
    """Name every argument the call does not take."""
    if not isinstance(arguments, dict):
        return []
    allowed_names = set(allowed)
    unknown = sorted(str(k) for k in arguments if k not in allowed_names)
    if not unknown:
        return []
    accepted = ", ".join(sorted(allowed_names)) or "nothing"
    return [
        f"$: {call} takes no parameter {_list(unknown)}; it accepts only: {accepted}"
    ]


def unknown_field_problems(path: str, value: Any, allowed: Iterable[str]) -> list[str]:
    """Name every field of a nested object (a batch event) that is not allowed."""
    if not isinstance(value, dict):
        return []
    allowed_names = set(allowed)
    unknown = sorted(str(k) for k in value if k not in allowed_names)
    return [f"{path}: unknown field {_quote(name)}" for name in unknown]


def _not_unicode_problem(path: str, text: str) -> str | None:
    """Describe the first lone surrogate of `text`, or `None` when it is valid."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(text[error.start])
        return (
            f"{path}: the text is not valid Unicode (lone surrogate U+{code:04X} at "
            f"position {error.start}); send proper UTF-8 text"
        )
    return None


def _not_unicode_in_value(path: str, value: Any) -> str:
    """Describe the first text inside a JSON value that is not valid Unicode."""
    if isinstance(value, str):
        return _not_unicode_problem(path, value) or f"{path}: not valid Unicode"
    items: Iterable[tuple[str, Any]] = ()
    if isinstance(value, dict):
        for key in value:
            problem = _not_unicode_problem(f"{path}[{_quote(str(key))}]", str(key))
            if problem:
                return f"{problem} (in a key)"
        items = ((f"{path}.{key}", item) for key, item in value.items())
    elif isinstance(value, list):
        items = ((f"{path}[{index}]", item) for index, item in enumerate(value))
    for where, item in items:
        if _has_bad_text(item):
            return _not_unicode_in_value(where, item)
    return f"{path}: the text is not valid Unicode; send proper UTF-8 text"


def _has_bad_text(value: Any) -> bool:
    """Tell whether any string inside a JSON value has no UTF-8 form."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except (TypeError, ValueError):
        return False
    return False


def _quote(value: Any) -> str:
    """Render a value for a message, cut to a readable length.

    Text without a UTF-8 form is shown with escapes, so the message stays valid.
    """
    text = json.dumps(value, ensure_ascii=False, default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, default=str)
    if len(text) <= _MAX_QUOTED_CHARS:
        return text
    return text[: _MAX_QUOTED_CHARS - 3] + '..."'


def _list(names: Sequence[str]) -> str:
    """Render up to five names for a message."""
    shown = ", ".join(_quote(n) for n in names[:5])
    more = len(names) - 5
    return f"{shown} and {more} more" if more > 0 else shown
