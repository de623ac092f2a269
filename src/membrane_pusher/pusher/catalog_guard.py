"""The check in front of Membrane catalog actions: no encrypted channels.

A catalog action (`trigger-event`, `trigger-batch-events`, ...) sends its
arguments to Membrane, which calls Pusher with them as they are. Event data
for a `private-encrypted-` channel must be encrypted with the app's master key
before it leaves this process, and only the built-in tools do that. So a call
to a catalog action whose arguments name such a channel is refused before any
process starts, and the refusal points to the built-in tools.

A channel is named by a `channel` or `channels` field (any case) at any depth
of the arguments: a string, or a list of strings. A string that merely
contains the prefix counts too (`"a,private-encrypted-b"`), since an action
may split it. Actions whose Membrane type only reads (see
`tools.action_tool.READ_ONLY_ACTION_TYPES`) publish nothing and are not
checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from membrane_pusher.errors import InvalidArgumentsError
from membrane_pusher.pusher.limits import ENCRYPTED_PREFIX
from membrane_pusher.pusher.problem_text import quote
from membrane_pusher.tools.action_tool import action_flags

if TYPE_CHECKING:
    from collections.abc import Mapping

    from membrane_pusher.membrane.models import Action
    from membrane_pusher.tools.action_tool import ArgumentCheck

__all__ = ["catalog_argument_check", "encrypted_channel_paths", "refuse_encrypted"]

_CHANNEL_KEYS = frozenset({"channel", "channels"})
_PUBLISHING_TOOLS = "pusher_trigger_event or pusher_trigger_batch"
_HINT = (
    f"Nothing was sent. Publish with the built-in {_PUBLISHING_TOOLS}, which "
    "encrypt the data when the app's encryption master key is configured (and "
    "refuse otherwise); read channel state with pusher_get_channel."
)


def catalog_argument_check(action: Action) -> ArgumentCheck | None:
    """Return the check for a catalog action's calls, or `None` for readers.

    Args:
        action: The Membrane catalog action the tool runs.
    """
    if action_flags(action)["read_only"]:
        return None
    return refuse_encrypted


def refuse_encrypted(tool_name: str, arguments: Mapping[str, Any]) -> None:
    """Refuse a catalog call whose arguments name a `private-encrypted-` channel.

    Args:
        tool_name: The catalog tool called.
        arguments: Its validated arguments.

    Raises:
        InvalidArgumentsError: One line per encrypted channel named.
    """
    found = encrypted_channel_paths(arguments)
    if not found:
        return
    problems = [
        f"{path}: {quote(channel)} names an end-to-end encrypted channel "
        f"({ENCRYPTED_PREFIX}...); {tool_name} runs through Membrane, which "
        "cannot encrypt event data, so it would go out in plain text"
        for path, channel in found
    ]
    raise InvalidArgumentsError(problems, hint=_HINT, tool=tool_name)


def encrypted_channel_paths(arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return `(JSON path, channel)` for every encrypted channel the arguments name.

    Args:
        arguments: A JSON-like argument object (its depth is bounded by the
            schema validation that runs first).
    """
    found: list[tuple[str, str]] = []
    _walk("", arguments, found)
    return found


def _walk(path: str, value: Any, found: list[tuple[str, str]]) -> None:
    """Collect the encrypted channels named inside `value`."""
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if str(key).lower() in _CHANNEL_KEYS:
                found.extend(_named_channels(where, item))
            _walk(where, item, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(f"{path}[{index}]", item, found)


def _named_channels(path: str, value: Any) -> list[tuple[str, str]]:
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
