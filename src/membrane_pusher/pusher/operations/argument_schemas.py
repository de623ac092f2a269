"""The argument schemas and limit wording that several operations share.

Each schema is the model-facing form of one argument (a channel, an event
name, event data, a socket id, a user id, `info` attributes), with the
documented limits in its keywords and its description; the rule checks in
`pusher.rules` enforce the same limits with Pusher's own wording.
"""

from __future__ import annotations

from typing import Any

from membrane_pusher.pusher import limits

__all__ = [
    "CHANNEL_SCHEMA",
    "CHANNEL_TEXT",
    "DATA_LIMIT_TEXT",
    "DATA_SCHEMA",
    "ENCRYPTED_DATA_LIMIT_TEXT",
    "EVENT_SCHEMA",
    "SOCKET_ID_SCHEMA",
    "USER_DATA_SCHEMA",
    "info_schema",
    "user_id_schema",
]

_CHANNEL_PATTERN = f"^{limits.CHANNEL_CHARACTERS}+$"
CHANNEL_TEXT = "letters, digits and _ - = @ , . ;"
DATA_LIMIT_TEXT = f"{limits.MAX_DATA_BYTES:,} bytes"
ENCRYPTED_DATA_LIMIT_TEXT = (
    f"on a '{limits.ENCRYPTED_PREFIX}' channel the data is encrypted first and "
    f"at most {limits.MAX_ENCRYPTED_PLAINTEXT_BYTES:,} bytes fit"
)

CHANNEL_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": limits.MAX_CHANNEL_NAME_LENGTH,
    "pattern": _CHANNEL_PATTERN,
    "description": (
        f"Channel name: {CHANNEL_TEXT} only, at most "
        f"{limits.MAX_CHANNEL_NAME_LENGTH} characters including the prefix "
        "('private-', 'presence-', 'private-encrypted-'). Digits-only names are "
        "fine."
    ),
}

EVENT_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": limits.MAX_EVENT_NAME_LENGTH,
    "description": (
        "Event name subscribers listen for, at most "
        f"{limits.MAX_EVENT_NAME_LENGTH} characters. Must not start with 'client-' "
        "(client events come from subscribers) or 'pusher:'."
    ),
}

_DATA_TEXT = (
    "Event payload: a string (sent as is) or any JSON value (sent JSON-encoded). "
    f"At most {DATA_LIMIT_TEXT} as UTF-8 once encoded"
)
DATA_SCHEMA: dict[str, Any] = {
    "description": f"{_DATA_TEXT}; {ENCRYPTED_DATA_LIMIT_TEXT}."
}
USER_DATA_SCHEMA: dict[str, Any] = {"description": f"{_DATA_TEXT}."}

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
        "maxLength": limits.MAX_USER_ID_LENGTH,
        "pattern": _CHANNEL_PATTERN,
        "description": description,
    }


def info_schema(description: str) -> dict[str, Any]:
    """Return the schema of an `info` attribute list for triggers."""
    return {
        "type": "array",
        "items": {"type": "string", "enum": ["user_count", "subscription_count"]},
        "uniqueItems": True,
        "description": description,
    }
