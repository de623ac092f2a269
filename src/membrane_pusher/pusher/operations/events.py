"""Operations that publish events: trigger, batch trigger, send to a user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from membrane_pusher.pusher import rules
from membrane_pusher.pusher.operations.base import Operation, PusherRequest

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["SEND_TO_USER", "TRIGGER_BATCH", "TRIGGER_EVENT"]

_CHANNEL_PATTERN = f"^{rules.CHANNEL_CHARACTERS}+$"

CHANNEL_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": rules.MAX_CHANNEL_NAME_LENGTH,
    "pattern": _CHANNEL_PATTERN,
    "description": (
        "Channel name: letters, digits and _ - = @ , . ; only, at most 164 "
        "characters including the prefix ('private-', 'presence-', "
        "'private-encrypted-'). Digits-only names are fine."
    ),
}

EVENT_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": rules.MAX_EVENT_NAME_LENGTH,
    "description": (
        "Event name subscribers listen for, at most 200 characters. Must not "
        "start with 'client-' (client events come from subscribers) or 'pusher:'."
    ),
}

DATA_SCHEMA: dict[str, Any] = {
    "description": (
        "Event payload: a string (sent as is) or any JSON value (sent JSON-encoded)."
        " At most 10,240 bytes as UTF-8 once encoded."
    ),
}

SOCKET_ID_SCHEMA: dict[str, Any] = {
    "type": ["string", "null"],
    "pattern": r"^[0-9]+\.[0-9]+$",
    "description": (
        "Optional socket id of one connection to exclude from delivery, like "
        "'123.456'. Omit it (or null) to deliver to everyone."
    ),
}


def user_id_schema(description: str) -> dict[str, Any]:
    """Return the schema of a signed-in user's id, with its own description."""
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": rules.MAX_USER_ID_LENGTH,
        "pattern": _CHANNEL_PATTERN,
        "description": description,
    }


def _info_schema(description: str) -> dict[str, Any]:
    """Return the schema of an `info` attribute list for triggers."""
    return {
        "type": "array",
        "items": {"type": "string", "enum": ["user_count", "subscription_count"]},
        "uniqueItems": True,
        "description": description,
    }


# --- trigger ------------------------------------------------------------------

_TRIGGER_FIELDS = ("channels", "event", "data", "socket_id", "info")


def _check_trigger(arguments: Mapping[str, Any]) -> list[str]:
    """Rules of one trigger on up to 100 channels."""
    channels = arguments.get("channels", [])
    problems = rules.unknown_argument_problems(
        arguments, _TRIGGER_FIELDS, call="pusher_trigger_event"
    )
    problems += rules.channels_problems("channels", channels)
    problems += rules.event_name_problems("event", arguments.get("event"))
    problems += rules.data_problems("data", arguments.get("data"))
    problems += rules.socket_id_problems("socket_id", arguments.get("socket_id"))
    problems += rules.info_problems("info", arguments.get("info") or [], channels)
    return problems


def _build_trigger(arguments: Mapping[str, Any], app_id: str) -> PusherRequest:
    """Build `POST /apps/{app_id}/events`."""
    body: dict[str, Any] = {
        "name": arguments["event"],
        "channels": list(arguments["channels"]),
        "data": rules.encode_data(arguments["data"]),
    }
    _add_options(body, arguments)
    return PusherRequest("POST", f"/apps/{app_id}/events", body=body)


TRIGGER_EVENT = Operation(
    name="pusher_trigger_event",
    description=(
        "Publish one event to 1-100 Pusher channels; every subscriber of those "
        "channels receives it. Limits: channel names use letters, digits and "
        "_ - = @ , . ; (at most 164 characters); event name at most 200 characters"
        " and not 'client-...'; data at most 10,240 bytes (UTF-8) once encoded; "
        "at most 100 channels per call (make several calls for more); an "
        "encrypted channel ('private-encrypted-...') must be the only channel. "
        "'info' asks for 'user_count' (presence channels only) or "
        "'subscription_count' (not presence channels) in the answer."
    ),
    schema={
        "type": "object",
        "properties": {
            "channels": {
                "type": "array",
                "items": CHANNEL_SCHEMA,
                "minItems": 1,
                "maxItems": rules.MAX_CHANNELS_PER_TRIGGER,
                "uniqueItems": True,
                "description": "Channels to publish to: 1 to 100 distinct names.",
            },
            "event": EVENT_SCHEMA,
            "data": DATA_SCHEMA,
            "socket_id": SOCKET_ID_SCHEMA,
            "info": _info_schema(
                "Optional channel attributes to return: 'user_count' (presence "
                "channels only), 'subscription_count' (non-presence channels only)."
            ),
        },
        "required": ["channels", "event", "data"],
        "additionalProperties": False,
    },
    read_only=False,
    destructive=False,
    check=_check_trigger,
    build=_build_trigger,
)


# --- batch --------------------------------------------------------------------

_BATCH_EVENT_FIELDS = ("channel", "event", "data", "socket_id", "info")


def _check_batch(arguments: Mapping[str, Any]) -> list[str]:
    """Rules of one batch of up to 10 events, each on one channel."""
    problems = rules.unknown_argument_problems(
        arguments, ("events",), call="pusher_trigger_batch"
    )
    events = arguments.get("events", [])
    if not events:
        problems.append("events: give at least one event")
    if len(events) > rules.MAX_EVENTS_PER_BATCH:
        problems.append(
            f"events: {len(events)} events given; Pusher allows at most "
            f"{rules.MAX_EVENTS_PER_BATCH} events per batch (nothing was split or "
            "sent: make several calls of at most 10 events)"
        )
    for index, event in enumerate(events):
        problems += _check_batch_event(f"events[{index}]", event)
    return problems


def _check_batch_event(path: str, event: Mapping[str, Any]) -> list[str]:
    """Rules of one event inside a batch."""
    unknown = sorted(str(k) for k in event if k not in _BATCH_EVENT_FIELDS)
    problems = [f"{path}: unknown field {name!r}" for name in unknown]
    channel = event.get("channel")
    problems += rules.channel_name_problems(f"{path}.channel", channel)
    problems += rules.event_name_problems(f"{path}.event", event.get("event"))
    problems += rules.data_problems(f"{path}.data", event.get("data"))
    problems += rules.socket_id_problems(f"{path}.socket_id", event.get("socket_id"))
    if isinstance(channel, str):
        info = event.get("info") or []
        problems += rules.channel_info_problems(f"{path}.info", info, channel)
    return problems


def _build_batch(arguments: Mapping[str, Any], app_id: str) -> PusherRequest:
    """Build `POST /apps/{app_id}/batch_events`."""
    batch = []
    for event in arguments["events"]:
        item: dict[str, Any] = {
            "channel": event["channel"],
            "name": event["event"],
            "data": rules.encode_data(event["data"]),
        }
        _add_options(item, event)
        batch.append(item)
    return PusherRequest("POST", f"/apps/{app_id}/batch_events", body={"batch": batch})


TRIGGER_BATCH = Operation(
    name="pusher_trigger_batch",
    description=(
        "Publish 1-10 events in one request, each to a single channel. Use it to "
        "send different events or data to different channels at once. Each event "
        "follows the same limits as pusher_trigger_event (channel names letters, "
        "digits and _ - = @ , . ; up to 164 characters; event name up to 200 and "
        "not 'client-...'; data up to 10,240 bytes). More than 10 events are "
        "refused, never split: make several calls."
    ),
    schema={
        "type": "object",
        "properties": {
            "events": {
                "type": "array",
                "minItems": 1,
                "maxItems": rules.MAX_EVENTS_PER_BATCH,
                "description": "The events to publish: 1 to 10.",
                "items": {
                    "type": "object",
                    "properties": {
                        "channel": CHANNEL_SCHEMA,
                        "event": EVENT_SCHEMA,
                        "data": DATA_SCHEMA,
                        "socket_id": SOCKET_ID_SCHEMA,
                        "info": _info_schema(
                            "Optional attributes of this channel to return: "
                            "'user_count' (presence) or 'subscription_count' "
                            "(non-presence)."
                        ),
                    },
                    "required": ["channel", "event", "data"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["events"],
        "additionalProperties": False,
    },
    read_only=False,
    destructive=False,
    check=_check_batch,
    build=_build_batch,
)


# --- send to user -------------------------------------------------------------


def _check_send_to_user(arguments: Mapping[str, Any]) -> list[str]:
    """Rules of a server-to-user event."""
    problems = rules.unknown_argument_problems(
        arguments, ("user_id", "event", "data"), call="pusher_send_to_user"
    )
    problems += rules.user_id_problems("user_id", arguments.get("user_id"))
    problems += rules.event_name_problems("event", arguments.get("event"))
    problems += rules.data_problems("data", arguments.get("data"))
    return problems


def _build_send_to_user(arguments: Mapping[str, Any], app_id: str) -> PusherRequest:
    """Build the trigger on the user's reserved `#server-to-user-` channel."""
    channel = f"{rules.SERVER_TO_USER_PREFIX}{arguments['user_id']}"
    body = {
        "name": arguments["event"],
        "channels": [channel],
        "data": rules.encode_data(arguments["data"]),
    }
    return PusherRequest("POST", f"/apps/{app_id}/events", body=body)


SEND_TO_USER = Operation(
    name="pusher_send_to_user",
    description=(
        "Send an event to every connection signed in as one user (Pusher user "
        "authentication), on that user's reserved '#server-to-user-' channel. "
        "Connections that did not sign in as this user do not receive it. Limits: "
        "user id letters, digits and _ - = @ , . ; up to 128 characters; event name"
        " up to 200 characters and not 'client-...'; data up to 10,240 bytes."
    ),
    schema={
        "type": "object",
        "properties": {
            "user_id": user_id_schema("The signed-in user's id, as given at sign-in."),
            "event": EVENT_SCHEMA,
            "data": DATA_SCHEMA,
        },
        "required": ["user_id", "event", "data"],
        "additionalProperties": False,
    },
    read_only=False,
    destructive=False,
    check=_check_send_to_user,
    build=_build_send_to_user,
)


def _add_options(body: dict[str, Any], arguments: Mapping[str, Any]) -> None:
    """Copy the optional `socket_id` and `info` into a request body."""
    if arguments.get("socket_id"):
        body["socket_id"] = arguments["socket_id"]
    if arguments.get("info"):
        body["info"] = ",".join(arguments["info"])
