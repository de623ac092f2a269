"""Pusher Channels' naming rules, checked before anything is sent.

Every check returns a list of problems, one line each, starting with the JSON
path of the offending argument and naming the rule that was broken, so the
model can fix the call. An empty list means the value is fine.

The names checked here are channel names (and prefixes held to the same
rules), event names, user ids and socket ids, the `info` attributes asked of
channels, and argument names. Event names are single-line text: a CR, LF or
NUL could split or cut the event on its way to subscribers, whose libraries
expect a plain name. The limits themselves are in `limits`; the rules of event
data are in `event_data`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from membrane_pusher.pusher.limits import (
    CHANNEL_CHARACTERS,
    CLIENT_EVENT_PREFIX,
    ENCRYPTED_PREFIX,
    MAX_CHANNEL_NAME_LENGTH,
    MAX_CHANNELS_PER_TRIGGER,
    MAX_EVENT_NAME_LENGTH,
    MAX_USER_ID_LENGTH,
    PRESENCE_PREFIX,
    PROTOCOL_EVENT_PREFIXES,
    SERVER_TO_USER_PREFIX,
    is_cache_channel,
    is_presence_channel,
)
from membrane_pusher.pusher.problem_text import not_unicode_problem, quote, quote_list

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "channel_info_problems",
    "channel_name_problems",
    "channels_problems",
    "event_name_problems",
    "info_problems",
    "list_info_problems",
    "socket_id_problems",
    "unknown_argument_problems",
    "unknown_field_problems",
    "user_id_problems",
]

_CHANNEL_PATTERN = re.compile(rf"{CHANNEL_CHARACTERS}+")
# `[0-9]`, not `\d`: Python's `\d` also matches other scripts' digits.
_SOCKET_ID_PATTERN = re.compile(r"[0-9]+\.[0-9]+")
_BAD_CHARACTERS = re.compile(rf"[^{CHANNEL_CHARACTERS[1:-1]}]")


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
    not_unicode = None if valid_characters else not_unicode_problem(path, channel)
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
    not_unicode = not_unicode_problem(path, event)
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


def socket_id_problems(path: str, socket_id: Any) -> list[str]:
    """Check a socket id (`123.456`); `None` means no exclusion."""
    if socket_id is None:
        return []
    if isinstance(socket_id, str):
        if _SOCKET_ID_PATTERN.fullmatch(socket_id):
            return []
        not_unicode = not_unicode_problem(path, socket_id)
        if not_unicode:
            return [not_unicode]
    return [
        (
            f"{path}: socket_id {quote(socket_id)} is not a Pusher socket id; it must "
            "look like '123.456' (digits, a dot, digits); omit it to exclude nobody"
        )
    ]


def user_id_problems(path: str, user_id: Any) -> list[str]:
    """Check a user id used in a URL path or a `#server-to-user-` channel."""
    if not isinstance(user_id, str) or not user_id:
        return [f"{path}: a user id must be a non-empty string"]
    not_unicode = not_unicode_problem(path, user_id)
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
            f"{path}: {noun} {quote(text)} has characters Pusher does not allow "
            f"({quote(bad)}); allowed are letters, digits and _ - = @ , . ;"
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
                f"({PRESENCE_PREFIX}...), not for {quote_list(others)}"
            )
    if "subscription_count" in attributes:
        presence = [c for c in names if is_presence_channel(c)]
        if presence:
            problems.append(
                f"{path}: 'subscription_count' is not available on presence channels "
                f"({quote_list(presence)}); ask for 'user_count' instead"
            )
    if "cache" in attributes:
        others = [c for c in names if not is_cache_channel(c)]
        if others:
            problems.append(
                f"{path}: 'cache' is only for cache channels (cache-...), not for "
                f"{quote_list(others)}"
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
    listed = quote_list(unknown)
    return [f"$: {call} takes no parameter {listed}; it accepts only: {accepted}"]


def unknown_field_problems(path: str, value: Any, allowed: Iterable[str]) -> list[str]:
    """Name every field of a nested object (a batch event) that is not allowed."""
    if not isinstance(value, dict):
        return []
    allowed_names = set(allowed)
    unknown = sorted(str(k) for k in value if k not in allowed_names)
    return [f"{path}: unknown field {quote(name)}" for name in unknown]
