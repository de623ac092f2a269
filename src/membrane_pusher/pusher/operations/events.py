"""Operations that publish events: trigger, batch trigger, send to a user.

Their rule checks are in `event_rules` (shared with raw requests) and their
argument schemas in `argument_schemas`. Data for a `private-encrypted-`
channel is encrypted at build time with the context's master key, and refused
without one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from membrane_pusher.pusher import event_data, limits, rules
from membrane_pusher.pusher.operations.argument_schemas import (
    CHANNEL_SCHEMA,
    CHANNEL_TEXT,
    DATA_LIMIT_TEXT,
    DATA_SCHEMA,
    ENCRYPTED_DATA_LIMIT_TEXT,
    EVENT_SCHEMA,
    SOCKET_ID_SCHEMA,
    USER_DATA_SCHEMA,
    info_schema,
    user_id_schema,
)
from membrane_pusher.pusher.operations.base import (
    Operation,
    PusherRequest,
    RequestContext,
)
from membrane_pusher.pusher.operations.event_rules import (
    EventFields,
    EventPaths,
    batch_event_problems,
    batch_size_problems,
    encrypted_targets,
    sealed_data,
    trigger_problems,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["SEND_TO_USER", "TRIGGER_BATCH", "TRIGGER_EVENT"]


# --- trigger ------------------------------------------------------------------

_TRIGGER_FIELDS = ("channels", "event", "data", "socket_id", "info")
_TRIGGER_PATHS = EventPaths(*_TRIGGER_FIELDS)


def _check_trigger(arguments: Mapping[str, Any]) -> list[str]:
    """Rules of one trigger on up to 100 channels."""
    problems = rules.unknown_argument_problems(
        arguments, _TRIGGER_FIELDS, call="pusher_trigger_event"
    )
    channels = arguments.get("channels", [])
    problems += trigger_problems(_TRIGGER_PATHS, channels, EventFields.of(arguments))
    return problems


def _trigger_encrypted(arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The encrypted channel of a trigger (one alone; mixed ones are refused)."""
    channels = arguments["channels"]
    if len(channels) != 1:
        return []
    return encrypted_targets([("channels[0]", channels[0])])


def _build_trigger(
    arguments: Mapping[str, Any], context: RequestContext
) -> PusherRequest:
    """Build `POST /apps/{app_id}/events` (data encrypted on an encrypted channel)."""
    channels = list(arguments["channels"])
    data = event_data.encode_data(arguments["data"])
    if len(channels) == 1:
        target = ("channels[0]", channels[0], data)
        (data,) = sealed_data([target], context, tool="pusher_trigger_event")
    body: dict[str, Any] = {
        "name": arguments["event"],
        "channels": channels,
        "data": data,
    }
    _add_options(body, arguments)
    return PusherRequest("POST", f"/apps/{context.app_id}/events", body=body)


TRIGGER_EVENT = Operation(
    name="pusher_trigger_event",
    description=(
        f"Publish one event to 1-{limits.MAX_CHANNELS_PER_TRIGGER} Pusher channels; "
        "every subscriber of those channels receives it. Limits: channel names use "
        f"{CHANNEL_TEXT} (at most {limits.MAX_CHANNEL_NAME_LENGTH} characters); "
        f"event name at most {limits.MAX_EVENT_NAME_LENGTH} characters and not "
        f"'client-...'; data at most {DATA_LIMIT_TEXT} (UTF-8) once encoded; at most "
        f"{limits.MAX_CHANNELS_PER_TRIGGER} channels per call (make several calls "
        "for more); an encrypted channel ('private-encrypted-...') must be the "
        "only channel, needs the app's encryption master key to be configured, "
        f"and holds at most {limits.MAX_ENCRYPTED_PLAINTEXT_BYTES:,} bytes of data. "
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
                "maxItems": limits.MAX_CHANNELS_PER_TRIGGER,
                "uniqueItems": True,
                "description": (
                    "Channels to publish to: 1 to "
                    f"{limits.MAX_CHANNELS_PER_TRIGGER} distinct names."
                ),
            },
            "event": EVENT_SCHEMA,
            "data": DATA_SCHEMA,
            "socket_id": SOCKET_ID_SCHEMA,
            "info": info_schema(
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
    builder=_build_trigger,
    encrypted_channels=_trigger_encrypted,
)


# --- batch --------------------------------------------------------------------

_BATCH_EVENT_FIELDS = ("channel", "event", "data", "socket_id", "info")


def _check_batch(arguments: Mapping[str, Any]) -> list[str]:
    """Rules of one batch of up to 10 events, each on one channel."""
    problems = rules.unknown_argument_problems(
        arguments, ("events",), call="pusher_trigger_batch"
    )
    events = arguments.get("events", [])
    problems += batch_size_problems("events", events)
    for index, event in enumerate(events):
        prefix = f"events[{index}]"
        problems += rules.unknown_field_problems(prefix, event, _BATCH_EVENT_FIELDS)
        paths = EventPaths.under(prefix, channels="channel", event="event")
        fields = EventFields.of(event)
        problems += batch_event_problems(paths, event.get("channel"), fields)
    return problems


def _batch_encrypted(arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The encrypted channels of a batch, one per event."""
    return encrypted_targets(
        (f"events[{index}].channel", event["channel"])
        for index, event in enumerate(arguments["events"])
    )


def _build_batch(
    arguments: Mapping[str, Any], context: RequestContext
) -> PusherRequest:
    """Build `POST /apps/{app_id}/batch_events` (encrypting where needed)."""
    events = arguments["events"]
    targets = [
        (
            f"events[{index}].channel",
            event["channel"],
            event_data.encode_data(event["data"]),
        )
        for index, event in enumerate(events)
    ]
    sent = sealed_data(targets, context, tool="pusher_trigger_batch")
    batch = []
    for event, data in zip(events, sent, strict=True):
        item: dict[str, Any] = {
            "channel": event["channel"],
            "name": event["event"],
            "data": data,
        }
        _add_options(item, event)
        batch.append(item)
    path = f"/apps/{context.app_id}/batch_events"
    return PusherRequest("POST", path, body={"batch": batch})


TRIGGER_BATCH = Operation(
    name="pusher_trigger_batch",
    description=(
        f"Publish 1-{limits.MAX_EVENTS_PER_BATCH} events in one request, each to a "
        "single channel. Use it to send different events or data to different "
        "channels at once. Each event follows the same limits as "
        f"pusher_trigger_event (channel names {CHANNEL_TEXT} up to "
        f"{limits.MAX_CHANNEL_NAME_LENGTH} characters; event name up to "
        f"{limits.MAX_EVENT_NAME_LENGTH} and not 'client-...'; data up to "
        f"{DATA_LIMIT_TEXT}, {ENCRYPTED_DATA_LIMIT_TEXT}). More than "
        f"{limits.MAX_EVENTS_PER_BATCH} events are refused, never split: make "
        "several calls."
    ),
    schema={
        "type": "object",
        "properties": {
            "events": {
                "type": "array",
                "minItems": 1,
                "maxItems": limits.MAX_EVENTS_PER_BATCH,
                "description": (
                    f"The events to publish: 1 to {limits.MAX_EVENTS_PER_BATCH}."
                ),
                "items": {
                    "type": "object",
                    "properties": {
                        "channel": CHANNEL_SCHEMA,
                        "event": EVENT_SCHEMA,
                        "data": DATA_SCHEMA,
                        "socket_id": SOCKET_ID_SCHEMA,
                        "info": info_schema(
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
    builder=_build_batch,
    encrypted_channels=_batch_encrypted,
)


# --- send to user -------------------------------------------------------------


def _check_send_to_user(arguments: Mapping[str, Any]) -> list[str]:
    """Rules of a server-to-user event."""
    problems = rules.unknown_argument_problems(
        arguments, ("user_id", "event", "data"), call="pusher_send_to_user"
    )
    problems += rules.user_id_problems("user_id", arguments.get("user_id"))
    problems += rules.event_name_problems("event", arguments.get("event"))
    problems += event_data.data_problems("data", arguments.get("data"))
    return problems


def _build_send_to_user(
    arguments: Mapping[str, Any], context: RequestContext
) -> PusherRequest:
    """Build the trigger on the user's reserved `#server-to-user-` channel."""
    channel = f"{limits.SERVER_TO_USER_PREFIX}{arguments['user_id']}"
    body = {
        "name": arguments["event"],
        "channels": [channel],
        "data": event_data.encode_data(arguments["data"]),
    }
    return PusherRequest("POST", f"/apps/{context.app_id}/events", body=body)


SEND_TO_USER = Operation(
    name="pusher_send_to_user",
    description=(
        "Send an event to every connection signed in as one user (Pusher user "
        "authentication), on that user's reserved '#server-to-user-' channel. "
        "Connections that did not sign in as this user do not receive it. Limits: "
        f"user id {CHANNEL_TEXT} up to {limits.MAX_USER_ID_LENGTH} characters; "
        f"event name up to {limits.MAX_EVENT_NAME_LENGTH} characters and not "
        f"'client-...'; data up to {DATA_LIMIT_TEXT}."
    ),
    schema={
        "type": "object",
        "properties": {
            "user_id": user_id_schema("The signed-in user's id, as given at sign-in."),
            "event": EVENT_SCHEMA,
            "data": USER_DATA_SCHEMA,
        },
        "required": ["user_id", "event", "data"],
        "additionalProperties": False,
    },
    read_only=False,
    destructive=False,
    check=_check_send_to_user,
    builder=_build_send_to_user,
)


def _add_options(body: dict[str, Any], arguments: Mapping[str, Any]) -> None:
    """Copy the optional `socket_id` and `info` into a request body."""
    if arguments.get("socket_id"):
        body["socket_id"] = arguments["socket_id"]
    if arguments.get("info"):
        body["info"] = ",".join(arguments["info"])
