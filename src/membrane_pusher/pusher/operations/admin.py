"""Operations that disrupt users or reach any endpoint: terminate, raw request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from membrane_pusher.errors import InvalidArgumentsError
from membrane_pusher.pusher import limits, request_guard, rules
from membrane_pusher.pusher.operations.argument_schemas import (
    CHANNEL_TEXT,
    user_id_schema,
)
from membrane_pusher.pusher.operations.base import (
    Operation,
    PusherRequest,
    RequestContext,
)
from membrane_pusher.pusher.operations.raw_rules import (
    query_text,
    raw_encrypted_channels,
    raw_rule_problems,
    seal_raw_body,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["API_REQUEST", "TERMINATE_USER_CONNECTIONS"]


# --- terminate ----------------------------------------------------------------


def _check_terminate(arguments: Mapping[str, Any]) -> list[str]:
    """Rules of a connection termination: one valid user id."""
    problems = rules.unknown_argument_problems(
        arguments, ("user_id",), call="pusher_terminate_user_connections"
    )
    problems += rules.user_id_problems("user_id", arguments.get("user_id"))
    return problems


def _build_terminate(
    arguments: Mapping[str, Any], context: RequestContext
) -> PusherRequest:
    """Build `POST /apps/{app_id}/users/{user_id}/terminate_connections`."""
    user = arguments["user_id"]
    path = f"/apps/{context.app_id}/users/{user}/terminate_connections"
    return PusherRequest("POST", path, body={})


TERMINATE_USER_CONNECTIONS = Operation(
    name="pusher_terminate_user_connections",
    description=(
        "Disconnect every connection of one signed-in user (connections that "
        "completed Pusher user authentication). Destructive: the user's apps are "
        f"cut off until they reconnect. User id: {CHANNEL_TEXT} up to "
        f"{limits.MAX_USER_ID_LENGTH} characters."
    ),
    schema={
        "type": "object",
        "properties": {
            "user_id": user_id_schema("The id the user signed in with."),
        },
        "required": ["user_id"],
        "additionalProperties": False,
    },
    read_only=False,
    destructive=True,
    check=_check_terminate,
    builder=_build_terminate,
)


# --- raw request --------------------------------------------------------------


def _check_raw(arguments: Mapping[str, Any]) -> list[str]:
    """Rules of a raw request: the request guard, then the typed endpoint's rules."""
    problems = rules.unknown_argument_problems(
        arguments, ("method", "path", "query", "body"), call="pusher_api_request"
    )
    problems += request_guard.raw_request_problems(dict(arguments))
    problems += raw_rule_problems(arguments)
    return problems


def _build_raw(arguments: Mapping[str, Any], context: RequestContext) -> PusherRequest:
    """Build the request under `/apps/{app_id}/`, refusing any other app."""
    path = request_guard.resolve_raw_path(arguments["path"], context.app_id)
    if path is None:
        raise InvalidArgumentsError(
            [
                (
                    f"path: {arguments['path']!r} is outside this app's API; paths "
                    f"must stay under /apps/{context.app_id}/"
                )
            ],
            hint="Give the path relative to the app, for example '/channels'.",
        )
    query = {
        key: query_text(value) for key, value in (arguments.get("query") or {}).items()
    }
    body = arguments.get("body")
    if arguments["method"] == "POST":
        body = {} if body is None else seal_raw_body(body, path, context)
    return PusherRequest(arguments["method"], path, query=query, body=body)


def _raw_is_destructive(arguments: Mapping[str, Any]) -> bool:
    """Every raw request but a GET may change something."""
    return arguments.get("method") != "GET"


_RAW_BODY_LIMIT = f"{request_guard.MAX_RAW_BODY_BYTES // 1024} KiB"


API_REQUEST = Operation(
    name="pusher_api_request",
    description=(
        "Send a raw request to this app's Pusher Channels HTTP API, for endpoints "
        "the other pusher_ tools do not cover. 'path' is relative to the app "
        "(e.g. '/channels' means /apps/{app_id}/channels). Only GET and POST; no "
        "absolute URLs, no '..', no CR/LF, no auth_* parameters (requests are "
        f"signed for you); body (POST only) at most {_RAW_BODY_LIMIT}. Paths the "
        "other tools cover (/events, /batch_events, /channels, ...) follow the "
        "same rules as those tools. POST requests count as destructive and may "
        "need confirmation."
    ),
    schema={
        "type": "object",
        "properties": {
            "method": {
                "type": "string",
                "enum": list(request_guard.ALLOWED_METHODS),
                "description": "HTTP method: GET to read, POST to change.",
            },
            "path": {
                "type": "string",
                "minLength": 1,
                "maxLength": request_guard.MAX_RAW_PATH_LENGTH,
                "description": (
                    "Endpoint path under the app, e.g. '/channels' or "
                    "'/channels/presence-room/users'."
                ),
            },
            "query": {
                "type": "object",
                "additionalProperties": {"type": ["string", "integer", "boolean"]},
                "description": (
                    "Query parameters, e.g. {'filter_by_prefix': 'presence-'}. "
                    "Never auth_* or body_md5; values are plain text without "
                    "& = # or %."
                ),
            },
            "body": {
                "type": "object",
                "description": "JSON body of a POST request.",
            },
        },
        "required": ["method", "path"],
        "additionalProperties": False,
    },
    read_only=False,
    destructive=True,
    check=_check_raw,
    builder=_build_raw,
    destructive_when=_raw_is_destructive,
    encrypted_channels=raw_encrypted_channels,
)
