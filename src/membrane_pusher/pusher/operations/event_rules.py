"""The rules of published events, shared by the event tools and raw requests.

Raw requests to `/events` and `/batch_events` (see `raw_rules`) name Pusher's
wire fields (`name` for the event) rather than the tools' arguments, so
callers pass the JSON path of each field in an `EventPaths`. Data for a
`private-encrypted-` channel is encrypted with the request context's master
key, and refused without one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from membrane_pusher.errors import InvalidArgumentsError
from membrane_pusher.pusher import encryption, event_data, limits, rules

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from membrane_pusher.pusher.operations.base import RequestContext

__all__ = [
    "EventFields",
    "EventPaths",
    "batch_event_problems",
    "batch_size_problems",
    "encrypted_targets",
    "sealed_data",
    "trigger_problems",
]


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


class EventFields(NamedTuple):
    """The fields of one published event besides its channels."""

    event: Any
    data: Any
    socket_id: Any
    info: Iterable[str]

    @classmethod
    def of(
        cls,
        source: Mapping[str, Any],
        *,
        event_key: str = "event",
        info: Iterable[str] | None = None,
    ) -> EventFields:
        """Read the fields of a tool's arguments or of a wire-format event.

        Args:
            source: The object holding the fields.
            event_key: The event name's key: `event` in the tools' arguments,
                `name` in Pusher's wire format.
            info: The `info` attributes, when already parsed (the wire format
                sends them as text); `None` reads the list from `source`.
        """
        return cls(
            source.get(event_key),
            source.get("data"),
            source.get("socket_id"),
            (source.get("info") or []) if info is None else info,
        )


def trigger_problems(
    paths: EventPaths, channels: Sequence[Any], fields: EventFields
) -> list[str]:
    """Rules of one trigger: up to 100 channels, the event, its data and options."""
    encrypted = len(channels) == 1 and limits.is_encrypted_channel(channels[0])
    problems = rules.channels_problems(paths.channels, channels)
    problems += _event_problems(paths, fields, encrypted=encrypted)
    problems += rules.info_problems(paths.info, fields.info, channels)
    return problems


def batch_event_problems(
    paths: EventPaths, channel: Any, fields: EventFields
) -> list[str]:
    """Rules of one event inside a batch (one channel each)."""
    encrypted = limits.is_encrypted_channel(channel)
    problems = rules.channel_name_problems(paths.channels, channel)
    problems += _event_problems(paths, fields, encrypted=encrypted)
    if isinstance(channel, str):
        problems += rules.channel_info_problems(paths.info, fields.info, channel)
    return problems


def _event_problems(
    paths: EventPaths, fields: EventFields, *, encrypted: bool
) -> list[str]:
    """Rules of the event name, the data and the socket id."""
    problems = rules.event_name_problems(paths.event, fields.event)
    problems += event_data.data_problems(paths.data, fields.data, encrypted=encrypted)
    problems += rules.socket_id_problems(paths.socket_id, fields.socket_id)
    return problems


def batch_size_problems(path: str, events: Sequence[Any]) -> list[str]:
    """Rules of a batch's size: 1 to 10 events, never split."""
    problems: list[str] = []
    if not events:
        problems.append(f"{path}: give at least one event")
    if len(events) > limits.MAX_EVENTS_PER_BATCH:
        problems.append(
            f"{path}: {len(events)} events given; Pusher allows at most "
            f"{limits.MAX_EVENTS_PER_BATCH} events per batch (nothing was split or "
            f"sent: make several calls of at most {limits.MAX_EVENTS_PER_BATCH} "
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
        if limits.is_encrypted_channel(channel)
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
            event_data.encryption_unavailable_problem(
                path, channel, has_key=key is not None
            )
            for path, channel in encrypted_targets((p, c) for p, c, _ in targets)
        ]
        if refused:
            raise InvalidArgumentsError(refused, tool=tool)
        return [text for _, _, text in targets]
    return [
        encryption.encrypt_data(channel, text, key)
        if limits.is_encrypted_channel(channel)
        else text
        for _, channel, text in targets
    ]
