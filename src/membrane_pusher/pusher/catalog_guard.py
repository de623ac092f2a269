"""The check in front of Membrane catalog actions: Pusher's rules, before sending.

A catalog action (`trigger-event`, `trigger-batch-events`, ...) sends its
arguments to Membrane, which calls Pusher with them as they are. The built-in
tools hold their arguments to Pusher's rules; so does this check, with the
same rule functions, wherever a catalog action's arguments clearly name a
Pusher field. Keys match in any case, at any depth of the arguments:

* `channel` (a string) and `channels` (a list of strings) are channel names:
  Pusher's characters, at most 164 characters, no `#server-to-user-` prefix,
  at most 100 in one list;
* `user_id` and `userId` (strings) are user ids, held to the rule of the
  built-in send-to-user and terminate tools: Pusher's channel-name
  characters, at most 128 characters, not only dots;
* `event`, `event_name` and `eventName` (strings) are event names, and so is
  `name` next to a channel (`channel`, `channels`) or a user id: at most 200
  characters, no `client-` or `pusher:` prefix, no control characters;
* `data` next to a channel or a user id is event data: at most 10,240 bytes
  as UTF-8, encoded as the built-ins encode it (strings as they are, other
  values as compact JSON);
* `socket_id` (a string) is a socket id (`123.456`);
* `info` (a list, or comma-separated text) is checked against the channels
  named next to it, or else against a `filter_by_prefix` (or a `prefix`) next
  to it: `user_count` needs presence channels or a `presence-` prefix,
  `subscription_count` is not for presence channels. With neither a channel
  key nor a prefix key next to it, `info` asks of the whole channel list, so
  `user_count` is refused as the built-in list refuses it.

Anything else passes through: a channel list given as text (commas are valid
in channel names), an `event` object, a `name` without a channel or user id.
The values of the payload keys (`data`, `message`, `payload`, `body`,
`user_data`, `user_info`, `channel_data`) are content Pusher or the action
carries as it is, so no field rule looks inside them.

Event data for a `private-encrypted-` channel must be encrypted with the app's
master key before it leaves this process, which only the built-in tools do,
so a call publishing to such a channel is refused with a pointer to them. A
channel is encrypted when its name starts with `private-encrypted-` (a
`channels` text is split on commas first). A call publishes to it when the
very object naming it holds event data (a payload key, in any case) or, for an
action that writes (`tools.action_kinds.action_flags`), an event name key
(`name`, `event`, `event_name`, `eventName`). What an enclosing or sibling
object holds does not count (`{"data": ..., "meta": {"channel": ...}}` only
mentions it), nor does reading a channel's state. Inside a payload only event
data counts: a webhook body's `{"name": "channel_occupied", "channel": ...}`
publishes nothing, a wrapped `{"body": {"channel": ..., "data": ...}}` does.

Actions that only read (see `tools.action_kinds.action_flags`: a read type,
or a key such as `get-channel-info` or `list-channels`) may name any channel
and user; only the `info` rules and the encrypted-channel rule apply to them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, NamedTuple

from membrane_pusher.errors import InvalidArgumentsError
from membrane_pusher.json_text import format_path
from membrane_pusher.pusher import event_data, rules
from membrane_pusher.pusher.limits import ENCRYPTED_PREFIX
from membrane_pusher.pusher.operations.queries import list_problems
from membrane_pusher.pusher.problem_text import quote
from membrane_pusher.tools.action_kinds import action_flags

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from membrane_pusher.membrane.models import Action
    from membrane_pusher.tools.action_tool import ArgumentCheck

__all__ = [
    "catalog_argument_check",
    "check_publishing_arguments",
    "check_reading_arguments",
    "encrypted_channel_paths",
    "info_field_problems",
    "published_encrypted_channels",
    "pusher_field_problems",
]

logger = logging.getLogger(__name__)

JSONPath = tuple[str | int, ...]

_CHANNEL_KEYS = frozenset({"channel", "channels"})
_USER_KEYS = frozenset({"user_id", "userid"})
_EVENT_KEYS = frozenset({"event", "event_name", "eventname"})
_EVENT_NAME_KEYS = _EVENT_KEYS | {"name"}
_PREFIX_KEYS = ("filter_by_prefix", "prefix")
# Keys whose values are content carried as it is; they are also event data.
_PAYLOAD_KEYS = frozenset(
    {"data", "message", "payload", "body", "user_data", "user_info", "channel_data"}
)

_PUBLISHING_TOOLS = "pusher_trigger_event or pusher_trigger_batch"
_ENCRYPTED_HINT = (
    f"Nothing was sent. Publish with the built-in {_PUBLISHING_TOOLS}, which "
    "encrypt the data when the app's encryption master key is configured (and "
    "refuse otherwise); reading a channel's state needs no event data."
)
_RULES_HINT = (
    "Nothing was sent: Pusher would refuse these arguments. Fix each one named "
    "above and call again (the built-in pusher_* tools follow the same rules)."
)


def catalog_argument_check(action: Action) -> ArgumentCheck:
    """Return the check for a catalog action's calls.

    Args:
        action: The Membrane catalog action the tool runs.

    Returns:
        `check_reading_arguments` for actions that only read, otherwise
        `check_publishing_arguments`.
    """
    if action_flags(action)["read_only"]:
        return check_reading_arguments
    return check_publishing_arguments


def check_publishing_arguments(tool_name: str, arguments: Mapping[str, Any]) -> None:
    """Refuse a writing catalog call that breaks a rule or would leak data.

    Data would leak when the call publishes to an encrypted channel.

    Args:
        tool_name: The catalog tool called.
        arguments: Its validated arguments.

    Raises:
        InvalidArgumentsError: One line per problem, encrypted channels first.
    """
    encrypted = published_encrypted_channels(arguments, writes=True)
    _refuse(tool_name, encrypted, pusher_field_problems(arguments))


def check_reading_arguments(tool_name: str, arguments: Mapping[str, Any]) -> None:
    """Refuse a reading catalog call whose `info` Pusher would refuse.

    A read that carries event data for an encrypted channel is refused too.

    Args:
        tool_name: The catalog tool called.
        arguments: Its validated arguments.

    Raises:
        InvalidArgumentsError: One line per problem, encrypted channels first.
    """
    encrypted = published_encrypted_channels(arguments, writes=False)
    _refuse(tool_name, encrypted, info_field_problems(arguments))


def _refuse(
    tool_name: str, encrypted: list[tuple[str, str]], problems: list[str]
) -> None:
    """Raise one error naming every problem, if there is any."""
    lines = [
        f"{path}: {quote(channel)} names an end-to-end encrypted channel "
        f"({ENCRYPTED_PREFIX}...); {tool_name} runs through Membrane, which "
        "cannot encrypt event data, so it would go out in plain text"
        for path, channel in encrypted
    ]
    lines += problems
    if not lines:
        return

    logger.debug("catalog call %s refused: %d problems", tool_name, len(lines))
    hint = _ENCRYPTED_HINT if encrypted else _RULES_HINT
    raise InvalidArgumentsError(lines, hint=hint, tool=tool_name)


def pusher_field_problems(arguments: Mapping[str, Any]) -> list[str]:
    """Check every Pusher field the arguments clearly name (see the module).

    Args:
        arguments: A JSON-like argument object (its depth is bounded by the
            schema validation that runs first).

    Returns:
        One line per broken rule, each starting with its JSON path.
    """
    return [
        problem
        for path, obj in _objects((), arguments)
        for problem in _fields(path, obj)
    ]


def info_field_problems(arguments: Mapping[str, Any]) -> list[str]:
    """Check only the `info` fields of the arguments (see the module).

    Args:
        arguments: A JSON-like argument object.

    Returns:
        One line per broken rule, each starting with its JSON path.
    """
    return [
        problem for path, obj in _objects((), arguments) for problem in _info(path, obj)
    ]


def encrypted_channel_paths(arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return `(JSON path, channel)` for every encrypted channel the arguments name.

    Unlike the field rules, this looks inside payloads too. A comma-separated
    `channels` text gives each encrypted part on its own.

    Args:
        arguments: A JSON-like argument object (its depth is bounded by the
            schema validation that runs first).
    """
    return [(hit.path, hit.channel) for hit in _encrypted_names((), arguments)]


def published_encrypted_channels(
    arguments: Mapping[str, Any], *, writes: bool
) -> list[tuple[str, str]]:
    """Return `(JSON path, channel)` for every encrypted channel a call publishes to.

    A named encrypted channel counts when the object naming it holds event
    data, or, for an action that writes and outside payloads, an event name
    key. What objects around it hold does not count.

    Args:
        arguments: A JSON-like argument object.
        writes: Whether the action may write (see
            `tools.action_kinds.action_flags`).
    """
    return [
        (hit.path, hit.channel)
        for hit in _encrypted_names((), arguments)
        if hit.beside.data or (writes and hit.beside.event_name)
    ]


# --- the fields of one object ---------------------------------------------------


def _fields(path: JSONPath, obj: Mapping[str, Any]) -> list[str]:
    """The rules of the Pusher fields directly inside one object."""
    names_target = bool(_channels_named(obj)) or _has_key(obj, _USER_KEYS)
    problems: list[str] = []
    for key, value in obj.items():
        where = format_path((*path, key))
        name = str(key).lower()
        if name == "channel" and isinstance(value, str):
            problems += rules.channel_name_problems(where, value)
        elif name == "channels" and _is_text_list(value):
            problems += rules.channels_problems(where, value)
        elif name in _USER_KEYS and isinstance(value, str):
            problems += rules.user_id_problems(where, value)
        elif name in _EVENT_KEYS or (name == "name" and names_target):
            if isinstance(value, str):
                problems += rules.event_name_problems(where, value)
        elif name == "data" and names_target:
            problems += event_data.data_problems(where, value)
        elif name == "socket_id" and isinstance(value, str):
            problems += rules.socket_id_problems(where, value)
    return problems + _info(path, obj)


def _info(path: JSONPath, obj: Mapping[str, Any]) -> list[str]:
    """The `info` rules of one object: against its channels, else its prefix."""
    found = _field(obj, "info")
    if found is None:
        return []
    info_key, info_value = found
    attributes = _attributes(info_value)
    if attributes is None:
        return []

    info_path = format_path((*path, info_key))
    channels = _channels_named(obj)
    if channels:
        return rules.info_problems(info_path, attributes, channels)
    prefix = next(
        (hit for hit in (_field(obj, key) for key in _PREFIX_KEYS) if hit), None
    )
    if prefix is None and _has_key(obj, _CHANNEL_KEYS):
        return []
    if prefix is None:
        # Neither channels nor a prefix: `info` asks of the whole channel list.
        return rules.list_info_problems(info_path, attributes, None)
    prefix_key, prefix_value = prefix
    prefix_path = format_path((*path, prefix_key))
    return list_problems(prefix_path, prefix_value, info_path, attributes)


def _channels_named(obj: Mapping[str, Any]) -> list[str]:
    """The channel names an object gives in `channel` or `channels`."""
    channels: list[str] = []
    for key, value in obj.items():
        if str(key).lower() not in _CHANNEL_KEYS:
            continue
        if isinstance(value, str):
            channels.append(value)
        elif _is_text_list(value):
            channels.extend(value)
    return channels


def _attributes(value: Any) -> list[str] | None:
    """The `info` attributes of a list or of comma-separated text, if either."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if _is_text_list(value):
        return list(value)
    return None


def _field(obj: Mapping[str, Any], name: str) -> tuple[str, Any] | None:
    """The first `(key, value)` whose key is `name` in any case."""
    for key, value in obj.items():
        if str(key).lower() == name:
            return str(key), value
    return None


def _has_key(obj: Mapping[str, Any], names: frozenset[str]) -> bool:
    """Tell whether one of the object's keys is in `names` (in any case)."""
    return any(str(key).lower() in names for key in obj)


def _is_text_list(value: Any) -> bool:
    """Tell whether a value is a list of strings only."""
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


# --- walking the arguments -------------------------------------------------------


def _objects(
    path: JSONPath, value: Any
) -> Iterator[tuple[JSONPath, Mapping[str, Any]]]:
    """Yield `(JSON path, object)` for every object, outside payload values."""
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            if str(key).lower() not in _PAYLOAD_KEYS:
                yield from _objects((*path, key), item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _objects((*path, index), item)


class _Beside(NamedTuple):
    """What the object naming a channel holds next to it."""

    data: bool = False
    event_name: bool = False


class _EncryptedName(NamedTuple):
    """One encrypted channel named in the arguments, and what is beside it."""

    path: str
    channel: str
    beside: _Beside


def _encrypted_names(
    path: JSONPath, value: Any, *, in_payload: bool = False
) -> Iterator[_EncryptedName]:
    """Yield the encrypted channels named inside `value`."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _encrypted_names((*path, index), item, in_payload=in_payload)
        return
    if not isinstance(value, dict):
        return

    # Inside a payload, an event name alone may describe an event (a webhook
    # body does) rather than publish one; event data still publishes.
    beside = _Beside(
        data=_has_key(value, _PAYLOAD_KEYS),
        event_name=not in_payload and _has_key(value, _EVENT_NAME_KEYS),
    )
    for key, item in value.items():
        where = (*path, key)
        name = str(key).lower()
        if name in _CHANNEL_KEYS:
            for at, channel in _encrypted_in(where, item, name):
                yield _EncryptedName(at, channel, beside)
        inside = in_payload or name in _PAYLOAD_KEYS
        yield from _encrypted_names(where, item, in_payload=inside)


def _encrypted_in(path: JSONPath, value: Any, key: str) -> list[tuple[str, str]]:
    """The encrypted channels in one `channel` / `channels` value."""
    if isinstance(value, str):
        parts = value.split(",") if key == "channels" else [value]
        where = format_path(path)
        return [(where, part.strip()) for part in parts if _is_encrypted(part)]
    if isinstance(value, list):
        return [
            (format_path((*path, index)), item)
            for index, item in enumerate(value)
            if isinstance(item, str) and _is_encrypted(item)
        ]
    return []


def _is_encrypted(channel: str) -> bool:
    """Tell whether a channel name (spaces aside) is an encrypted channel's."""
    return channel.strip().startswith(ENCRYPTED_PREFIX)
