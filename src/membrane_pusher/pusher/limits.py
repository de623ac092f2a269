r"""Pusher Channels' documented limits, and the channel kinds their prefixes mark.

The numbers follow Pusher's REST API reference and channel documentation:
channel names use `[A-Za-z0-9_\-=@,.;]` and are at most 164 characters
including their prefix; event names are at most 200 characters; event data is
at most 10,240 bytes (UTF-8 of the encoded string, or of the encrypted
envelope on `private-encrypted-` channels); one trigger reaches at most 100
channels and one batch holds at most 10 events. The checks that apply them
are in `rules` and `event_data`.
"""

from __future__ import annotations

from typing import Any

from membrane_pusher.pusher import encryption

__all__ = [
    "CACHE_PREFIXES",
    "CHANNEL_CHARACTERS",
    "CLIENT_EVENT_PREFIX",
    "ENCRYPTED_PREFIX",
    "MAX_CHANNELS_PER_TRIGGER",
    "MAX_CHANNEL_NAME_LENGTH",
    "MAX_DATA_BYTES",
    "MAX_ENCRYPTED_PLAINTEXT_BYTES",
    "MAX_EVENTS_PER_BATCH",
    "MAX_EVENT_NAME_LENGTH",
    "MAX_USER_ID_LENGTH",
    "PRESENCE_PREFIX",
    "PROTOCOL_EVENT_PREFIXES",
    "SERVER_TO_USER_PREFIX",
    "is_cache_channel",
    "is_encrypted_channel",
    "is_presence_channel",
]

CHANNEL_CHARACTERS = r"[A-Za-z0-9_\-=@,.;]"
MAX_CHANNEL_NAME_LENGTH = 164
MAX_EVENT_NAME_LENGTH = 200
MAX_DATA_BYTES = 10_240
MAX_CHANNELS_PER_TRIGGER = 100
MAX_EVENTS_PER_BATCH = 10
# The most plaintext that still fits in MAX_DATA_BYTES once encrypted.
MAX_ENCRYPTED_PLAINTEXT_BYTES = encryption.max_plaintext_bytes(MAX_DATA_BYTES)
# Pusher's presence documentation caps user ids at 128 characters; with the
# 16-character `#server-to-user-` prefix the channel stays within 164.
MAX_USER_ID_LENGTH = 128

PRESENCE_PREFIX = "presence-"
ENCRYPTED_PREFIX = "private-encrypted-"
SERVER_TO_USER_PREFIX = "#server-to-user-"
CACHE_PREFIXES = (
    "cache-",
    "private-cache-",
    "private-encrypted-cache-",
    "presence-cache-",
)
# Event names the Pusher protocol keeps for itself or for client events.
CLIENT_EVENT_PREFIX = "client-"
PROTOCOL_EVENT_PREFIXES = ("pusher:", "pusher_internal:")


def is_presence_channel(channel: str) -> bool:
    """Tell whether a channel is a presence channel (`presence-` prefix)."""
    return channel.startswith(PRESENCE_PREFIX)


def is_cache_channel(channel: str) -> bool:
    """Tell whether a channel is a cache channel (`cache-` in its prefix)."""
    return channel.startswith(CACHE_PREFIXES)


def is_encrypted_channel(channel: Any) -> bool:
    """Tell whether a channel is end-to-end encrypted (`private-encrypted-`)."""
    return isinstance(channel, str) and channel.startswith(ENCRYPTED_PREFIX)
