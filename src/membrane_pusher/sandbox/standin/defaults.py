"""The default stand-in workspace: one READY Pusher connection and its catalog.

The catalog is invented (Membrane publishes no Pusher actions) but realistic:
each action mirrors a Pusher Channels operation, with rich input schemas
(enums, nested objects, `required`, descriptions, limits) and a few Membrane
extension keywords (`isImplied`, `referenceRecords`, `isSensitive`) that tool
builders must strip before a model sees them.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = [
    "PUSHER_CONNECTION_ID",
    "PUSHER_CONNECTOR_ID",
    "PUSHER_INTEGRATION_KEY",
    "default_workspace",
    "pusher_actions",
]

PUSHER_CONNECTION_ID = "con_pusher_sandbox"
PUSHER_CONNECTOR_ID = "cnt_pusher"
PUSHER_INTEGRATION_KEY = "pusher"

_STAMP = "2026-01-01T00:00:00.000Z"

_CHANNEL_NAME = {
    "type": "string",
    "description": (
        "Channel name: up to 164 characters from A-Z a-z 0-9 _ - = @ , . ; "
        "Prefix `private-` or `presence-` for authenticated channels."
    ),
    "pattern": "^[A-Za-z0-9_\\-=@,.;]+$",
    "maxLength": 164,
    "referenceRecords": {"collectionKey": "channels"},
}

_PRESENCE_CHANNEL = {
    **_CHANNEL_NAME,
    "description": "A presence channel name (it starts with `presence-`).",
    "pattern": "^presence-[A-Za-z0-9_\\-=@,.;]+$",
}

_EVENT_NAME = {
    "type": "string",
    "description": "Event name, up to 200 characters; `pusher:` names are reserved.",
    "minLength": 1,
    "maxLength": 200,
}

_EVENT_DATA = {
    "type": "string",
    "description": (
        "Event payload as a string (usually JSON text); at most 10 KB in total."
    ),
    "maxLength": 10240,
}

_SOCKET_ID = {
    "type": "string",
    "description": "A socket id (`1234.5678`) to exclude from receiving the event.",
    "pattern": "^\\d+\\.\\d+$",
}

_USER_ID = {
    "type": "string",
    "description": "The user's id, as used when the user signed in.",
    "minLength": 1,
    "maxLength": 200,
    "referenceRecords": {"collectionKey": "users"},
}

_APP_ID = {
    "type": "string",
    "description": "The Pusher app id; Membrane fills it from the connection.",
    "isImplied": True,
}

_INFO_ATTRIBUTES = {
    "type": "array",
    "description": "Extra attributes to return for the channel.",
    "items": {"type": "string", "enum": ["user_count", "subscription_count"]},
    "uniqueItems": True,
}


def _action(
    key: str,
    name: str,
    description: str,
    input_schema: dict[str, Any],
    output_schema: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build one catalog action record."""
    return {
        "id": f"act_pusher_{key.replace('-', '_')}",
        "key": key,
        "name": name,
        "description": description,
        "type": "connector-operation",
        "state": "READY",
        "integrationKey": PUSHER_INTEGRATION_KEY,
        "inputSchema": input_schema,
        "outputSchema": output_schema or {"type": "object"},
        "createdAt": _STAMP,
        "updatedAt": _STAMP,
    }


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """Build an object schema."""
    return {"type": "object", "properties": properties, "required": required}


def pusher_actions() -> list[dict[str, Any]]:
    """Return the default Pusher catalog (10 actions)."""
    batch_item = _object(
        {
            "channel": _CHANNEL_NAME,
            "name": _EVENT_NAME,
            "data": _EVENT_DATA,
            "socket_id": _SOCKET_ID,
            "info": {
                "type": "string",
                "description": "Comma-separated attributes to return.",
                "enum": [
                    "user_count",
                    "subscription_count",
                    "user_count,subscription_count",
                ],
            },
        },
        ["channel", "name", "data"],
    )
    return [
        _action(
            "trigger-event",
            "Trigger Event",
            "Trigger (publish) an event on one or more channels so that every "
            "subscribed client receives it in real time.",
            _object(
                {
                    "app_id": _APP_ID,
                    "channels": {
                        "type": "array",
                        "description": "Channels to publish to (1 to 100).",
                        "items": _CHANNEL_NAME,
                        "minItems": 1,
                        "maxItems": 100,
                    },
                    "name": _EVENT_NAME,
                    "data": _EVENT_DATA,
                    "socket_id": _SOCKET_ID,
                    "info": {
                        "type": "array",
                        "description": "Channel attributes to return per channel.",
                        "items": {
                            "type": "string",
                            "enum": ["user_count", "subscription_count"],
                        },
                    },
                },
                ["channels", "name", "data"],
            ),
            _object({"channels": {"type": "object"}}, []),
        ),
        _action(
            "trigger-batch-events",
            "Trigger Batch Events",
            "Trigger up to 10 events in one request, each on its own channel.",
            _object(
                {
                    "batch": {
                        "type": "array",
                        "description": "The events to trigger (1 to 10).",
                        "items": batch_item,
                        "minItems": 1,
                        "maxItems": 10,
                    }
                },
                ["batch"],
            ),
        ),
        _action(
            "list-channels",
            "List Channels",
            "List the occupied channels of the app, optionally only those whose "
            "name starts with a prefix.",
            _object(
                {
                    "filter_by_prefix": {
                        "type": "string",
                        "description": "Only channels starting with this prefix, "
                        "for example `presence-`.",
                        "examples": ["presence-", "private-"],
                    },
                    "info": {
                        "type": "string",
                        "description": "`user_count` (presence prefix only).",
                        "enum": ["user_count"],
                    },
                },
                [],
            ),
            _object({"channels": {"type": "object"}}, ["channels"]),
        ),
        _action(
            "get-channel-info",
            "Get Channel Info",
            "Get the state of one channel: whether it is occupied, and its "
            "subscription or user count.",
            _object({"channel": _CHANNEL_NAME, "info": _INFO_ATTRIBUTES}, ["channel"]),
            _object(
                {
                    "occupied": {"type": "boolean"},
                    "user_count": {"type": "integer"},
                    "subscription_count": {"type": "integer"},
                },
                ["occupied"],
            ),
        ),
        _action(
            "get-presence-users",
            "Get Presence Channel Users",
            "List the ids of the users currently subscribed to a presence channel "
            "(who is online).",
            _object({"channel": _PRESENCE_CHANNEL}, ["channel"]),
            _object({"users": {"type": "array"}}, ["users"]),
        ),
        _action(
            "terminate-user-connections",
            "Terminate User Connections",
            "Disconnect every connection of one signed-in user. Destructive: "
            "the user's clients are kicked off until they reconnect.",
            _object({"user_id": _USER_ID}, ["user_id"]),
        ),
        _action(
            "send-to-user",
            "Send Event To User",
            "Send an event to one signed-in user on all of their connections.",
            _object(
                {"user_id": _USER_ID, "name": _EVENT_NAME, "data": _EVENT_DATA},
                ["user_id", "name", "data"],
            ),
        ),
        _action(
            "authorize-channel",
            "Authorize Channel Subscription",
            "Sign a client's subscription to a private or presence channel.",
            _object(
                {
                    "socket_id": {
                        **_SOCKET_ID,
                        "description": "The client's socket id.",
                    },
                    "channel_name": _CHANNEL_NAME,
                    "channel_data": {
                        "type": "object",
                        "description": "Presence channels only: who the user is.",
                        "properties": {
                            "user_id": {"type": "string"},
                            "user_info": {
                                "type": "object",
                                "description": "Public details shown to other members.",
                                "additionalProperties": True,
                            },
                        },
                        "required": ["user_id"],
                    },
                },
                ["socket_id", "channel_name"],
            ),
            _object(
                {"auth": {"type": "string"}, "channel_data": {"type": "string"}},
                ["auth"],
            ),
        ),
        _action(
            "authenticate-user",
            "Authenticate User",
            "Sign a user's sign-in so that the server can send events to them.",
            _object(
                {
                    "socket_id": {
                        **_SOCKET_ID,
                        "description": "The client's socket id.",
                    },
                    "user_data": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "string", "description": "The user's id."},
                            "user_info": {
                                "type": "object",
                                "additionalProperties": True,
                            },
                            "watchlist": {
                                "type": "array",
                                "description": "Ids of users to follow online.",
                                "items": {"type": "string"},
                                "maxItems": 100,
                            },
                        },
                        "required": ["id"],
                    },
                },
                ["socket_id", "user_data"],
            ),
            _object(
                {"auth": {"type": "string"}, "user_data": {"type": "string"}}, ["auth"]
            ),
        ),
        _action(
            "validate-webhook",
            "Validate Webhook",
            "Check that a webhook request really comes from Pusher, using its "
            "X-Pusher-Key and X-Pusher-Signature headers.",
            _object(
                {
                    "key": {
                        "type": "string",
                        "description": "The X-Pusher-Key header.",
                    },
                    "signature": {
                        "type": "string",
                        "description": "The X-Pusher-Signature header.",
                        "isSensitive": True,
                    },
                    "body": {"type": "string", "description": "The raw request body."},
                },
                ["key", "signature", "body"],
            ),
            _object({"valid": {"type": "boolean"}}, ["valid"]),
        ),
    ]


def default_workspace() -> dict[str, Any]:
    """Return a fresh default workspace (a new copy each call)."""
    pusher_integration = {
        "id": "int_pusher",
        "key": PUSHER_INTEGRATION_KEY,
        "name": "Pusher",
        "logoUri": "https://static.integration.app/connectors/pusher/logo.png",
    }
    workspace = {
        "cliVersion": "1.18.3",
        "loggedIn": True,
        "workspace": "sandbox",
        "tenant": "sandbox-tenant",
        "apiUri": "http://standin.invalid",
        "listShape": "items",
        "connections": [
            {
                "id": PUSHER_CONNECTION_ID,
                "name": "Pusher",
                "key": PUSHER_INTEGRATION_KEY,
                "integrationKey": PUSHER_INTEGRATION_KEY,
                "connectorId": PUSHER_CONNECTOR_ID,
                "integrationId": "int_pusher",
                "state": "READY",
                "connected": True,
                "disconnected": False,
                "isTest": True,
                "createdAt": _STAMP,
                "updatedAt": _STAMP,
                "integration": pusher_integration,
            },
            {
                "id": "con_slack_pending",
                "name": "Slack",
                "key": "slack",
                "integrationKey": "slack",
                "connectorId": "cnt_slack",
                "state": "CLIENT_ACTION_REQUIRED",
                "connected": False,
                "disconnected": True,
                "clientAction": {
                    "type": "connect",
                    "description": "The user must sign in to Slack again.",
                    "uiUrl": "https://ui.standin.invalid/connect/con_slack_pending",
                },
                "createdAt": _STAMP,
                "updatedAt": _STAMP,
                "integration": {"id": "int_slack", "key": "slack", "name": "Slack"},
            },
        ],
        "connectors": [
            {
                "id": PUSHER_CONNECTOR_ID,
                "key": PUSHER_INTEGRATION_KEY,
                "name": "Pusher",
                "logoUri": pusher_integration["logoUri"],
            },
            {"id": "cnt_slack", "key": "slack", "name": "Slack"},
            {"id": "cnt_ably", "key": "ably", "name": "Ably"},
        ],
        "actions": pusher_actions(),
    }
    return copy.deepcopy(workspace)
