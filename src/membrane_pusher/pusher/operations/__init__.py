"""The Pusher Channels HTTP API operations the package knows, by tool name.

Each `Operation` carries its model-facing JSON Schema, its read-only and
destructive flags, its rule checks and its request builder.
"""

from __future__ import annotations

from membrane_pusher.pusher.operations.admin import (
    API_REQUEST,
    TERMINATE_USER_CONNECTIONS,
)
from membrane_pusher.pusher.operations.base import Operation, PusherRequest
from membrane_pusher.pusher.operations.events import (
    SEND_TO_USER,
    TRIGGER_BATCH,
    TRIGGER_EVENT,
)
from membrane_pusher.pusher.operations.queries import (
    GET_CHANNEL,
    LIST_CHANNELS,
    LIST_PRESENCE_USERS,
)

__all__ = [
    "API_REQUEST",
    "BUILTIN_NAMES",
    "GET_CHANNEL",
    "LIST_CHANNELS",
    "LIST_PRESENCE_USERS",
    "OPERATIONS",
    "SEND_TO_USER",
    "TERMINATE_USER_CONNECTIONS",
    "TRIGGER_BATCH",
    "TRIGGER_EVENT",
    "Operation",
    "PusherRequest",
]

OPERATIONS: dict[str, Operation] = {
    operation.name: operation
    for operation in (
        TRIGGER_EVENT,
        TRIGGER_BATCH,
        LIST_CHANNELS,
        GET_CHANNEL,
        LIST_PRESENCE_USERS,
        TERMINATE_USER_CONNECTIONS,
        SEND_TO_USER,
        API_REQUEST,
    )
}
"""Every built-in operation, in the order the toolkit offers them."""

BUILTIN_NAMES: tuple[str, ...] = tuple(OPERATIONS)
"""The fixed names of the built-in Pusher tools."""
