"""Operations that publish events: trigger, batch trigger, send to a user.

The rule checks of one published event are shared with raw requests to
`/events` and `/batch_events` (see `raw_rules`), which name Pusher's wire
fields (`name` for the event) rather than the tools' arguments: callers pass
the JSON path of each field. Data for a `private-encrypted-` channel is
encrypted at build time with the context's master key, and refused without
one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from membrane_pusher.errors import InvalidArgumentsError
from membrane_pusher.pusher import encryption, rules
from membrane_pusher.pusher.operations.base import (
    Operation,
    PusherRequest,
    RequestContext,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

__all__ = [
    "SEND_TO_USER",
    "TRIGGER_BATCH",
    "TRIGGER_EVENT",
    "EventPaths",
    "batch_event_problems",
    "batch_size_problems",
    "encrypted_targets",
    "sealed_data",
    "trigger_problems",
]

_CHANNEL_PATTERN = f"^{rules.CHANNEL_CHARACTERS}+$"
_CHANNEL_TEXT = "letters, digits and _ - = @ , . ;"
_DATA_LIMIT = f"{rules.MAX_DATA_BYTES:,} bytes"
_ENCRYPTED_DATA_LIMIT = (
    f"on a '{rules.ENCRYPTED_PREFIX}' channel the data is encrypted first and "
    f"at most {rules.MAX_ENCRYPTED_PLAINTEXT_BYTES:,} bytes fit"
)

CHANNEL_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": rules.MAX_CHANNEL_NAME_LENGTH,
    "pattern": _CHANNEL_PATTERN,
    "description": (
        f"Channel name: {_CHANNEL_TEXT} only, at most "
        f"{rules.MAX_CHANNEL_NAME_LENGTH} characters including the prefix "
        "('private-', 'presence-', 'private-encrypted-'). Digits-only names are "
        "fine."
    ),
}

EVENT_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": rules.MAX_EVENT_NAME_LENGTH,
    "description": (
        "Event name subscribers listen for, at most "
        f"{rules.MAX_EVENT_NAME_LENGTH} characters. Must not start with 'client-' "
        "(client events come from subscribers) or 'pusher:'."
    ),
}

_DATA_TEXT = (
    "Event payload: a string (sent as is) or any JSON value (sent JSON-encoded). "
    f"At most {_DATA_LIMIT} as UTF-8 once encoded"
)
DATA_SCHEMA: dict[str, Any] = {"description": f"{_DATA_TEXT}; {_ENCRYPTED_DATA_LIMIT}."}
_USER_DATA_SCHEMA: dict[str, Any] = {"description": f"{_DATA_TEXT}."}

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


# --- rules shared with raw requests ---------------------------------------------


class EventPaths(NamedTuple):
    """The JSON paths of one event's fields, for the problem messages."""

    channels: str
    event: str
    data: str
    socket_id: str
    info: str

    @classmethod
    def under(cls, prefix: str, *, channels: str, event: str) -> EventPaths:
        """Paths of fields inside `prefix` (`events[0]`), with the given names."""
        return cls(
            f"{prefix}.{channels}",
            f"{prefix}.{event}",
            f"{prefix}.data",
            f"{prefix}.socket_id",
            f"{prefix}.info",
        )


def trigger_problems(
    paths: EventPaths,
    channels: Sequence[Any],
    *,
    event: Any,
    data: Any,
    socket_id: Any = None,
    info: Iterable[str] = (),
) -> list[str]:
    """Rules of one trigger: up to 100 channels, the event, its data and options."""
    encrypted = len(channels) == 1 and rules.is_encrypted_channel(channels[0])
    problems = rules.channels_problems(paths.channels, channels)
    problems += rules.event_name_problems(paths.event, event)
    problems += rules.data_problems(paths.data, data, encrypted=encrypted)
    problems += rules.socket_id_problems(paths.socket_id, socket_id)
    problems += rules.info_problems(paths.info, info, channels)
    return problems


def batch_event_problems(
    paths: EventPaths,
    channel: Any,
    *,
    event: Any,
    data: Any,
    socket_id: Any = None,
    info: Iterable[str] = (),
) -> list[str]:
    """Rules of one event inside a batch (one channel each)."""
    encrypted = rules.is_encrypted_channel(channel)
    problems = rules.channel_name_problems(paths.channels, channel)
    problems += rules.event_name_problems(paths.event, event)
    problems += rules.data_problems(paths.data, data, encrypted=encrypted)
    problems += rules.socket_id_problems(paths.socket_id, socket_id)
    if isinstance(channel, str):
        problems += rules.channel_info_problems(paths.info, info, channel)
    return problems


def batch_size_problems(path: str, events: Sequence[Any]) -> list[str]:
    """Rules of a batch's size: 1 to 10 events, never split."""
    problems: list[str] = []
    if not events:
        problems.append(f"{path}: give at least one event")
    if len(events) > rules.MAX_EVENTS_PER_BATCH:
        problems.append(
            f"{path}: {len(events)} events given; Pusher allows at most "
            f"{rules.MAX_EVENTS_PER_BATCH} events per batch (nothing was split or "
            f"sent: make several calls of at most {rules.MAX_EVENTS_PER_BATCH} "
            "events)"
        )
    return problems


def encrypted_targets(
    targets: Iterable[tuple[str, Any]],
) -> list[tuple[str, str]]:
    """Keep the `(path, channel)` pairs whose channel is encrypted."""
    return [
        (path, channel)
        for path, channel in targets
        if rules.is_encrypted_channel(channel)
    ]


def sealed_data(
    targets: Sequence[tuple[str, str, str]], context: RequestContext, *, tool: str
) -> list[str]:
    """Return each event's data as sent: encrypted on encrypted channels.

    Args:
        targets: `(channel path, channel, data text)` per event.
        context: The request context, with the master key if any.
        tool: The tool named in a refusal.

    Raises:
        InvalidArgumentsError: When an encrypted channel is among the targets
            and there is no master key or no PyNaCl; nothing is sent.
    """
    key = context.encryption_master_key
    if key is None or not encryption.is_available():
        refused = [
            rules.encryption_unavailable_problem(path, channel, has_key=key is not None)
            for path, channel in encrypted_targets((p, c) for p, c, _ in targets)
        ]
        if refused:
            raise InvalidArgumentsError(refused, tool=tool)
        return [text for _, _, text in targets]
    return [
        encryption.encrypt_data(channel, text, key)
        if rules.is_encrypted_channel(channel)
        else text
        for _, channel, text in targets
    ]


# --- trigger ------------------------------------------------------------------

_TRIGGER_FIELDS = ("channels", "event", "data", "socket_id", "info")
_TRIGGER_PATHS = EventPaths(*_TRIGGER_FIELDS)


def _check_trigger(arguments: Mapping[str, Any]) -> list[str]:
    """Rules of one trigger on up to 100 channels."""
    problems = rules.unknown_argument_problems(
        arguments, _TRIGGER_FIELDS, call="pusher_trigger_event"
    )
    problems += trigger_problems(
        _TRIGGER_PATHS,
        arguments.get("channels", []),
        event=arguments.get("event"),
        data=arguments.get("data"),
        socket_id=arguments.get("socket_id"),
        info=arguments.get("info") or [],
    )
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
    data = rules.encode_data(arguments["data"])
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
        f"Publish one event to 1-{rules.MAX_CHANNELS_PER_TRIGGER} Pusher channels; "
        "every subscriber of those channels receives it. Limits: channel names use "
        f"{_CHANNEL_TEXT} (at most {rules.MAX_CHANNEL_NAME_LENGTH} characters); "
        f"event name at most {rules.MAX_EVENT_NAME_LENGTH} characters and not "
        f"'client-...'; data at most {_DATA_LIMIT} (UTF-8) once encoded; at most "
        f"{rules.MAX_CHANNELS_PER_TRIGGER} channels per call (make several calls "
        "for more); an encrypted channel ('private-encrypted-...') must be the "
        "only channel, needs the app's encryption master key to be configured, "
        f"and holds at most {rules.MAX_ENCRYPTED_PLAINTEXT_BYTES:,} bytes of data. "
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
                "description": (
                    "Channels to publish to: 1 to "
                    f"{rules.MAX_CHANNELS_PER_TRIGGER} distinct names."
                ),
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
        problems += batch_event_problems(
            EventPaths.under(prefix, channels="channel", event="event"),
            event.get("channel"),
            event=event.get("event"),
            data=event.get("data"),
            socket_id=event.get("socket_id"),
            info=event.get("info") or [],
        )
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
        (f"events[{index}].channel", event["channel"], rules.encode_data(event["data"]))
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
        f"Publish 1-{rules.MAX_EVENTS_PER_BATCH} events in one request, each to a "
        "single channel. Use it to send different events or data to different "
        "channels at once. Each event follows the same limits as "
        f"pusher_trigger_event (channel names {_CHANNEL_TEXT} up to "
        f"{rules.MAX_CHANNEL_NAME_LENGTH} characters; event name up to "
        f"{rules.MAX_EVENT_NAME_LENGTH} and not 'client-...'; data up to "
        f"{_DATA_LIMIT}, {_ENCRYPTED_DATA_LIMIT}). More than "
        f"{rules.MAX_EVENTS_PER_BATCH} events are refused, never split: make "
        "several calls."
    ),
    schema={
        "type": "object",
        "properties": {
            "events": {
                "type": "array",
                "minItems": 1,
                "maxItems": rules.MAX_EVENTS_PER_BATCH,
                "description": (
                    f"The events to publish: 1 to {rules.MAX_EVENTS_PER_BATCH}."
                ),
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
    problems += rules.data_problems("data", arguments.get("data"))
    return problems


def _build_send_to_user(
    arguments: Mapping[str, Any], context: RequestContext
) -> PusherRequest:
    """Build the trigger on the user's reserved `#server-to-user-` channel."""
    channel = f"{rules.SERVER_TO_USER_PREFIX}{arguments['user_id']}"
    body = {
        "name": arguments["event"],
        "channels": [channel],
        "data": rules.encode_data(arguments["data"]),
    }
    return PusherRequest("POST", f"/apps/{context.app_id}/events", body=body)


SEND_TO_USER = Operation(
    name="pusher_send_to_user",
    description=(
        "Send an event to every connection signed in as one user (Pusher user "
        "authentication), on that user's reserved '#server-to-user-' channel. "
        "Connections that did not sign in as this user do not receive it. Limits: "
        f"user id {_CHANNEL_TEXT} up to {rules.MAX_USER_ID_LENGTH} characters; "
        f"event name up to {rules.MAX_EVENT_NAME_LENGTH} characters and not "
        f"'client-...'; data up to {_DATA_LIMIT}."
    ),
    schema={
        "type": "object",
        "properties": {
            "user_id": user_id_schema("The signed-in user's id, as given at sign-in."),
            "event": EVENT_SCHEMA,
            "data": _USER_DATA_SCHEMA,
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
