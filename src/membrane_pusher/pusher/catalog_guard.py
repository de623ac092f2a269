"""The check in front of Membrane catalog actions: Pusher's rules, before sending.

A catalog action (`trigger-event`, `trigger-batch-events`, ...) sends its
arguments to Membrane, which calls Pusher with them as they are. The built-in
tools hold their arguments to Pusher's rules; so does this check, with the
same rule functions, wherever a catalog action's arguments clearly name a
Pusher field. Keys match in any case, at any depth of the arguments:

* `channel` (a string) and `channels` (a list of strings) are channel names:
  Pusher's characters, at most 164 characters, no `#server-to-user-` prefix,
  at most 100 in one list;
* `event`, `event_name` and `eventName` (strings) are event names, and so is
  `name` next to a `channel` or `channels`: at most 200 characters, no
  `client-` or `pusher:` prefix, no control characters;
* `data` next to a `channel` or `channels` is event data: at most 10,240
  bytes as UTF-8, encoded as the built-ins encode it (strings as they are,
  other values as compact JSON);
* `socket_id` (a string) is a socket id (`123.456`);
* `info` (a list, or comma-separated text) is checked against the channels
  named next to it, or else against a `filter_by_prefix` (or a `prefix`) next
  to it: `user_count` needs presence channels or a `presence-` prefix,
  `subscription_count` is not for presence channels.

Anything else passes through: a channel list given as text (commas are valid
in channel names), an `event` object, a `name` without a channel. The values
of `data`, `user_data`, `user_info` and `channel_data` are payloads Pusher
carries as they are, so nothing inside them is checked.

Event data for a `private-encrypted-` channel must be encrypted with the app's
master key before it leaves this process, and only the built-in tools do
that. So a call whose arguments name such a channel is refused too, and the
refusal points to the built-in tools. Here a string that merely contains the
prefix counts (`"a,private-encrypted-b"`), since an action may split it.

Actions whose Membrane type only reads (see
`tools.action_tool.READ_ONLY_ACTION_TYPES`) publish nothing: they may name any
channel, and only the `info` rules apply to them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from membrane_pusher.errors import InvalidArgumentsError
from membrane_pusher.pusher import event_data, rules
from membrane_pusher.pusher.limits import ENCRYPTED_PREFIX
from membrane_pusher.pusher.operations.queries import list_problems
from membrane_pusher.pusher.problem_text import quote
from membrane_pusher.tools.action_tool import action_flags

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
    "pusher_field_problems",
]

logger = logging.getLogger(__name__)

_CHANNEL_KEYS = frozenset({"channel", "channels"})
_EVENT_KEYS = frozenset({"event", "event_name", "eventname"})
_PREFIX_KEYS = ("filter_by_prefix", "prefix")
_PAYLOAD_KEYS = frozenset({"data", "user_data", "user_info", "channel_data"})

_PUBLISHING_TOOLS = "pusher_trigger_event or pusher_trigger_batch"
_ENCRYPTED_HINT = (
    f"Nothing was sent. Publish with the built-in {_PUBLISHING_TOOLS}, which "
    "encrypt the data when the app's encryption master key is configured (and "
    "refuse otherwise); read channel state with pusher_get_channel."
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
    """Refuse a catalog call that names an encrypted channel or breaks a rule.

    Args:
        tool_name: The catalog tool called.
        arguments: Its validated arguments.

    Raises:
        InvalidArgumentsError: One line per problem, encrypted channels first.
    """
    encrypted = encrypted_channel_paths(arguments)
    problems = [
        f"{path}: {quote(channel)} names an end-to-end encrypted channel "
        f"({ENCRYPTED_PREFIX}...); {tool_name} runs through Membrane, which "
        "cannot encrypt event data, so it would go out in plain text"
        for path, channel in encrypted
    ]
    problems += pusher_field_problems(arguments)
    if not problems:
        return

    logger.debug("catalog call %s refused: %d problems", tool_name, len(problems))
    hint = _ENCRYPTED_HINT if encrypted else _RULES_HINT
    raise InvalidArgumentsError(problems, hint=hint, tool=tool_name)


def check_reading_arguments(tool_name: str, arguments: Mapping[str, Any]) -> None:
    """Refuse a reading catalog call whose `info` Pusher would refuse.

    Args:
        tool_name: The catalog tool called.
        arguments: Its validated arguments.

    Raises:
        InvalidArgumentsError: One line per problem.
    """
    problems = info_field_problems(arguments)
    if not problems:
        return

    logger.debug("catalog call %s refused: %d problems", tool_name, len(problems))
    raise InvalidArgumentsError(problems, hint=_RULES_HINT, tool=tool_name)


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
        for path, obj in _objects("", arguments)
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
        problem for path, obj in _objects("", arguments) for problem in _info(path, obj)
    ]


def encrypted_channel_paths(arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return `(JSON path, channel)` for every encrypted channel the arguments name.

    Unlike the other rules, this looks inside payloads too: refusing too much
    is the safe side when data could leave unencrypted.

    Args:
        arguments: A JSON-like argument object (its depth is bounded by the
            schema validation that runs first).
    """
    found: list[tuple[str, str]] = []
    _walk_encrypted("", arguments, found)
    return found


# --- the fields of one object ---------------------------------------------------


def _fields(path: str, obj: Mapping[str, Any]) -> list[str]:
    """The rules of the Pusher fields directly inside one object."""
    names_channel = bool(_channels_named(obj))
    problems: list[str] = []
    for key, value in obj.items():
        where = _join(path, key)
        name = str(key).lower()
        if name == "channel" and isinstance(value, str):
            problems += rules.channel_name_problems(where, value)
        elif name == "channels" and _is_text_list(value):
            problems += rules.channels_problems(where, value)
        elif name in _EVENT_KEYS or (name == "name" and names_channel):
            if isinstance(value, str):
                problems += rules.event_name_problems(where, value)
        elif name == "data" and names_channel:
            problems += event_data.data_problems(where, value)
        elif name == "socket_id" and isinstance(value, str):
            problems += rules.socket_id_problems(where, value)
    return problems + _info(path, obj)


def _info(path: str, obj: Mapping[str, Any]) -> list[str]:
    """The `info` rules of one object: against its channels, else its prefix."""
    found = _field(obj, "info")
    if found is None:
        return []
    info_key, info_value = found
    attributes = _attributes(info_value)
    if attributes is None:
        return []

    info_path = _join(path, info_key)
    channels = _channels_named(obj)
    if channels:
        return rules.info_problems(info_path, attributes, channels)
    prefix = next(
        (hit for hit in (_field(obj, key) for key in _PREFIX_KEYS) if hit), None
    )
    if prefix is None:
        return []
    prefix_key, prefix_value = prefix
    return list_problems(_join(path, prefix_key), prefix_value, info_path, attributes)


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


def _is_text_list(value: Any) -> bool:
    """Tell whether a value is a list of strings only."""
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


# --- walking the arguments -------------------------------------------------------


def _objects(path: str, value: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Yield `(JSON path, object)` for every object, outside payload values."""
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            if str(key).lower() not in _PAYLOAD_KEYS:
                yield from _objects(_join(path, key), item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _objects(f"{path}[{index}]", item)


def _walk_encrypted(path: str, value: Any, found: list[tuple[str, str]]) -> None:
    """Collect the encrypted channels named inside `value`."""
    if isinstance(value, dict):
        for key, item in value.items():
            where = _join(path, key)
            if str(key).lower() in _CHANNEL_KEYS:
                found.extend(_encrypted_in(where, item))
            _walk_encrypted(where, item, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk_encrypted(f"{path}[{index}]", item, found)


def _encrypted_in(path: str, value: Any) -> list[tuple[str, str]]:
    """The encrypted channels in one `channel` / `channels` value."""
    if isinstance(value, str):
        return [(path, value)] if ENCRYPTED_PREFIX in value else []
    if isinstance(value, list):
        return [
            (f"{path}[{index}]", item)
            for index, item in enumerate(value)
            if isinstance(item, str) and ENCRYPTED_PREFIX in item
        ]
    return []


def _join(path: str, key: Any) -> str:
    """The JSON path of `key` inside the object at `path`."""
    return f"{path}.{key}" if path else str(key)
