"""Read-only operations: list channels, get one channel, list presence users."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from membrane_pusher.pusher import limits, rules
from membrane_pusher.pusher.operations.argument_schemas import CHANNEL_SCHEMA
from membrane_pusher.pusher.operations.base import (
    Operation,
    PusherRequest,
    RequestContext,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "GET_CHANNEL",
    "LIST_CHANNELS",
    "LIST_PRESENCE_USERS",
    "channel_problems",
    "list_problems",
    "users_problems",
]


# --- list channels ------------------------------------------------------------


def _check_list_channels(arguments: Mapping[str, Any]) -> list[str]:
    """Rules of the occupied-channel list."""
    problems = rules.unknown_argument_problems(
        arguments, ("prefix", "info"), call="pusher_list_channels"
    )
    problems += list_problems(
        "prefix", arguments.get("prefix"), "info", arguments.get("info") or []
    )
    return problems


def list_problems(
    prefix_path: str, prefix: Any, info_path: str, info: Iterable[str]
) -> list[str]:
    """Rules of the channel list: a prefix held to the channel-name rules.

    Shared with raw `GET /channels` requests (`filter_by_prefix`, `info`).
    """
    problems: list[str] = []
    if prefix:
        problems += rules.channel_name_problems(prefix_path, prefix, noun="prefix")
    text = prefix if isinstance(prefix, str) else None
    problems += rules.list_info_problems(info_path, info, text)
    return problems


def _build_list_channels(
    arguments: Mapping[str, Any], context: RequestContext
) -> PusherRequest:
    """Build `GET /apps/{app_id}/channels`."""
    query: dict[str, str] = {}
    if arguments.get("prefix"):
        query["filter_by_prefix"] = arguments["prefix"]
    if arguments.get("info"):
        query["info"] = ",".join(arguments["info"])
    return PusherRequest("GET", f"/apps/{context.app_id}/channels", query=query)


LIST_CHANNELS = Operation(
    name="pusher_list_channels",
    description=(
        "List the app's occupied channels (channels with at least one subscriber)."
        " 'prefix' keeps only names starting with it, for example 'presence-'. "
        "'info': ['user_count'] adds each channel's user count and needs a prefix "
        "starting with 'presence-'."
    ),
    schema={
        "type": "object",
        "properties": {
            "prefix": {
                "type": "string",
                "maxLength": limits.MAX_CHANNEL_NAME_LENGTH,
                "pattern": f"^{limits.CHANNEL_CHARACTERS}*$",
                "description": (
                    "Only channels whose name starts with this, e.g. 'presence-' "
                    "or 'private-'."
                ),
            },
            "info": {
                "type": "array",
                "items": {"type": "string", "enum": ["user_count"]},
                "uniqueItems": True,
                "description": (
                    "Attributes to return per channel: 'user_count' (only with a "
                    "'presence-' prefix)."
                ),
            },
        },
        "additionalProperties": False,
    },
    read_only=True,
    destructive=False,
    check=_check_list_channels,
    builder=_build_list_channels,
)


# --- get channel --------------------------------------------------------------


def _check_get_channel(arguments: Mapping[str, Any]) -> list[str]:
    """Rules of one channel's state."""
    problems = rules.unknown_argument_problems(
        arguments, ("channel", "info"), call="pusher_get_channel"
    )
    problems += channel_problems(
        "channel", arguments.get("channel"), "info", arguments.get("info") or []
    )
    return problems


def channel_problems(
    channel_path: str, channel: Any, info_path: str, info: Iterable[str]
) -> list[str]:
    """Rules of one channel's state, shared with raw `GET /channels/{channel}`."""
    problems = rules.channel_name_problems(channel_path, channel, in_url=True)
    if isinstance(channel, str):
        problems += rules.channel_info_problems(info_path, info, channel)
    return problems


def _build_get_channel(
    arguments: Mapping[str, Any], context: RequestContext
) -> PusherRequest:
    """Build `GET /apps/{app_id}/channels/{channel}`.

    The rules allow only characters that are valid in a URL path as they are,
    so the name is not percent-encoded (it is signed exactly as sent).
    """
    query: dict[str, str] = {}
    if arguments.get("info"):
        query["info"] = ",".join(arguments["info"])
    path = f"/apps/{context.app_id}/channels/{arguments['channel']}"
    return PusherRequest("GET", path, query=query)


GET_CHANNEL = Operation(
    name="pusher_get_channel",
    description=(
        "Get the state of one channel: whether it is occupied, and on request its "
        "'user_count' (presence channels only), 'subscription_count' (any channel "
        "except presence) or 'cache' (cache channels only)."
    ),
    schema={
        "type": "object",
        "properties": {
            "channel": CHANNEL_SCHEMA,
            "info": {
                "type": "array",
                "items": {
                    "type": "string",
                    "enum": ["user_count", "subscription_count", "cache"],
                },
                "uniqueItems": True,
                "description": (
                    "Attributes to return: 'user_count' (presence- channels), "
                    "'subscription_count' (not presence- channels), 'cache' "
                    "(cache- channels)."
                ),
            },
        },
        "required": ["channel"],
        "additionalProperties": False,
    },
    read_only=True,
    destructive=False,
    check=_check_get_channel,
    builder=_build_get_channel,
)


# --- presence users -----------------------------------------------------------


def _check_users(arguments: Mapping[str, Any]) -> list[str]:
    """Rules of the presence user list: presence channels only, no parameters."""
    problems = rules.unknown_argument_problems(
        arguments, ("channel",), call="pusher_list_presence_users"
    )
    problems += users_problems("channel", arguments.get("channel"))
    return problems


def users_problems(path: str, channel: Any) -> list[str]:
    """Rules of one presence channel's users, shared with raw requests."""
    problems = rules.channel_name_problems(path, channel, in_url=True)
    if isinstance(channel, str) and not limits.is_presence_channel(channel):
        problems.append(
            f"{path}: users can only be listed for {limits.PRESENCE_PREFIX} channels"
            f", not {channel!r}"
        )
    return problems


def _build_users(
    arguments: Mapping[str, Any], context: RequestContext
) -> PusherRequest:
    """Build `GET /apps/{app_id}/channels/{channel}/users` (no parameters)."""
    path = f"/apps/{context.app_id}/channels/{arguments['channel']}/users"
    return PusherRequest("GET", path)


LIST_PRESENCE_USERS = Operation(
    name="pusher_list_presence_users",
    description=(
        "List the ids of the users subscribed to one presence channel (name "
        "starting with 'presence-'). Returns ids only, no user info. Takes no "
        "other parameter."
    ),
    schema={
        "type": "object",
        "properties": {
            "channel": {
                **CHANNEL_SCHEMA,
                "pattern": f"^presence-{limits.CHANNEL_CHARACTERS}*$",
                "description": "The presence channel, e.g. 'presence-room'.",
            },
        },
        "required": ["channel"],
        "additionalProperties": False,
    },
    read_only=True,
    destructive=False,
    check=_check_users,
    builder=_build_users,
)
