"""Pusher's rules for raw requests to endpoints that typed operations cover.

A raw request is no way around the rules: `POST /events`, `POST /batch_events`,
`GET /channels`, `GET /channels/{channel}`, `GET /channels/{channel}/users`
and `POST /users/{user_id}/terminate_connections` get the checks of the typed
operation for that endpoint, read from Pusher's wire format (body fields
`name`, `channels` or `channel`, `data`, `socket_id`, `info`; query parameters
`filter_by_prefix` and `info`), and the problems name that operation's tool.

The endpoint is recognised on the decoded path below `/apps/{app_id}/`,
ignoring case, trailing slashes and `;` parameters of fixed segments, so
`/apps/1/Event%73;x/` is `/events` too (the request guard refuses the trailing
slash itself; these rules still apply, so every problem is named at once).
Event data on `private-encrypted-` channels is encrypted here as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from membrane_pusher.pusher import limits, request_guard, rules
from membrane_pusher.pusher.operations.event_rules import (
    EventFields,
    EventPaths,
    batch_event_problems,
    batch_size_problems,
    encrypted_targets,
    sealed_data,
    trigger_problems,
)
from membrane_pusher.pusher.operations.queries import (
    channel_problems,
    list_problems,
    users_problems,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from membrane_pusher.pusher.operations.base import RequestContext

__all__ = [
    "TypedEndpoint",
    "query_text",
    "raw_encrypted_channels",
    "raw_rule_problems",
    "seal_raw_body",
    "typed_endpoint",
]

_RAW_TOOL = "pusher_api_request"
_EVENT_PATHS = EventPaths(
    "body.channels", "body.name", "body.data", "body.socket_id", "body.info"
)


class TypedEndpoint(NamedTuple):
    """An endpoint a typed operation covers, as a raw request reached it.

    Attributes:
        tool: The typed tool for this endpoint.
        kind: `events`, `batch`, `list`, `channel`, `users` or `terminate`.
        segment: The channel or user id taken from the path, if any.
    """

    tool: str
    kind: str
    segment: str | None = None


# (method, path pattern, typed tool, kind); `*` is the channel or user id.
_ROUTES = (
    ("POST", ("events",), "pusher_trigger_event", "events"),
    ("POST", ("batch_events",), "pusher_trigger_batch", "batch"),
    ("GET", ("channels",), "pusher_list_channels", "list"),
    ("GET", ("channels", "*"), "pusher_get_channel", "channel"),
    ("GET", ("channels", "*", "users"), "pusher_list_presence_users", "users"),
    (
        "POST",
        ("users", "*", "terminate_connections"),
        "pusher_terminate_user_connections",
        "terminate",
    ),
)


def typed_endpoint(method: Any, path: Any) -> TypedEndpoint | None:
    """Return the typed endpoint a raw request reaches, or `None`."""
    if not isinstance(path, str):
        return None
    segments = request_guard.endpoint_segments(path)
    for route_method, pattern, tool, kind in _ROUTES:
        if method != route_method or len(pattern) != len(segments):
            continue
        pairs = list(zip(pattern, segments, strict=True))
        if all(part in {"*", _route_name(segment)} for part, segment in pairs):
            wildcard = [segment for part, segment in pairs if part == "*"]
            return TypedEndpoint(tool, kind, wildcard[0] if wildcard else None)
    return None


def _route_name(segment: str) -> str:
    """A fixed path segment as a server may route it: `Events;x` is `events`."""
    return segment.split(";", maxsplit=1)[0].lower()


def raw_rule_problems(arguments: Mapping[str, Any]) -> list[str]:
    """Check a raw request against the rules of the typed endpoint it reaches.

    Returns:
        One line per broken rule, then one line naming the typed tool; empty
        when the path is no typed endpoint or every rule holds.
    """
    endpoint = typed_endpoint(arguments.get("method"), arguments.get("path"))
    if endpoint is None:
        return []
    body = arguments.get("body")
    query = arguments.get("query")
    problems = _CHECKS[endpoint.kind](
        endpoint,
        body if isinstance(body, dict) else {},
        {k: query_text(v) for k, v in query.items()} if isinstance(query, dict) else {},
    )
    if not problems:
        return []
    return [
        *problems,
        (
            f"path: {arguments['path']!r} is the endpoint of {endpoint.tool}, so a "
            f"raw request to it follows the same rules; prefer {endpoint.tool}"
        ),
    ]


def query_text(value: Any) -> str:
    """Render a query value as Pusher expects it (booleans in lower case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def raw_encrypted_channels(arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The encrypted channels whose data a valid raw request would encrypt."""
    if arguments.get("method") != "POST":
        return []
    targets = _sealed_targets(arguments.get("path"), arguments.get("body"))
    return [(target.path, target.channel) for target in targets]


def seal_raw_body(body: Any, path: str, context: RequestContext) -> Any:
    """Return the body with event data encrypted for encrypted channels.

    Only `POST /events` and `POST /batch_events` bodies change; the caller's
    body is never modified.

    Raises:
        InvalidArgumentsError: An encrypted channel without a key or PyNaCl.
    """
    targets = _sealed_targets(path, body)
    if not targets:
        return body
    plain = [(target.path, target.channel, target.data) for target in targets]
    sealed = sealed_data(plain, context, tool=_RAW_TOOL)
    if targets[0].position is None:
        return {**body, "data": sealed[0]}
    by_position = {t.position: data for t, data in zip(targets, sealed, strict=True)}
    batch = [
        {**event, "data": by_position[index]} if index in by_position else event
        for index, event in enumerate(body["batch"])
    ]
    return {**body, "batch": batch}


class _Target(NamedTuple):
    """One event of a raw body whose data goes to an encrypted channel."""

    position: int | None  # in a batch; `None` for `/events`
    path: str
    channel: str
    data: str


def _sealed_targets(path: Any, body: Any) -> list[_Target]:
    """The events of a raw `/events` or `/batch_events` body to encrypt."""
    endpoint = typed_endpoint("POST", path)
    if endpoint is None or not isinstance(body, dict):
        return []
    if endpoint.kind == "events":
        channels = _channels_of(body)
        data = body.get("data")
        if len(channels) != 1 or not isinstance(data, str):
            return []
        found = encrypted_targets([("body.channels[0]", channels[0])])
        return [_Target(None, where, channel, data) for where, channel in found]
    events = body.get("batch") if endpoint.kind == "batch" else None
    if not isinstance(events, list):
        return []
    return [
        _Target(index, f"body.batch[{index}].channel", event["channel"], event["data"])
        for index, event in enumerate(events)
        if _sealable(event)
    ]


# --- one check per endpoint -----------------------------------------------------


def _check_events(
    endpoint: TypedEndpoint, body: Mapping[str, Any], query: Mapping[str, Any]
) -> list[str]:
    """`POST /events`: the trigger's rules on Pusher's body fields."""
    del endpoint, query
    problems: list[str] = []
    channels = _channels_of(body)
    if "channels" in body and not isinstance(body["channels"], list):
        problems.append("body.channels: must be a list of channel names")
    elif "channels" in body and "channel" in body:
        problems.append("body: give 'channels' or 'channel', not both")
    problems += _data_type_problems("body.data", body)
    info, info_problems = _info_list("body.info", body.get("info"))
    problems += info_problems
    fields = EventFields.of(body, event_key="name", info=info)
    problems += trigger_problems(_EVENT_PATHS, channels, fields)
    return problems


def _check_batch(
    endpoint: TypedEndpoint, body: Mapping[str, Any], query: Mapping[str, Any]
) -> list[str]:
    """`POST /batch_events`: the batch's count and per-event rules."""
    del endpoint, query
    events = body.get("batch")
    if not isinstance(events, list):
        return ["body.batch: must be a list of events"]
    problems = batch_size_problems("body.batch", events)
    for index, event in enumerate(events):
        prefix = f"body.batch[{index}]"
        if not isinstance(event, dict):
            problems.append(f"{prefix}: each event must be an object")
            continue
        problems += _data_type_problems(f"{prefix}.data", event)
        info, info_problems = _info_list(f"{prefix}.info", event.get("info"))
        problems += info_problems
        paths = EventPaths.under(prefix, channels="channel", event="name")
        fields = EventFields.of(event, event_key="name", info=info)
        problems += batch_event_problems(paths, event.get("channel"), fields)
    return problems


def _check_list(
    endpoint: TypedEndpoint, body: Mapping[str, Any], query: Mapping[str, Any]
) -> list[str]:
    """`GET /channels`: the prefix and `info` rules on the query."""
    del endpoint, body
    info, problems = _info_list("query.info", query.get("info"))
    prefix = query.get("filter_by_prefix")
    return problems + list_problems(
        "query.filter_by_prefix", prefix, "query.info", info
    )


def _check_channel(
    endpoint: TypedEndpoint, body: Mapping[str, Any], query: Mapping[str, Any]
) -> list[str]:
    """`GET /channels/{channel}`: the name and `info` rules."""
    del body
    info, problems = _info_list("query.info", query.get("info"))
    return problems + channel_problems("path", endpoint.segment, "query.info", info)


def _check_users(
    endpoint: TypedEndpoint, body: Mapping[str, Any], query: Mapping[str, Any]
) -> list[str]:
    """`GET /channels/{channel}/users`: presence channels only, no parameters."""
    del body
    problems = users_problems("path", endpoint.segment)
    if query:
        names = ", ".join(sorted(query))
        problems.append(
            f"query: the presence users endpoint takes no parameters ({names})"
        )
    return problems


def _check_terminate(
    endpoint: TypedEndpoint, body: Mapping[str, Any], query: Mapping[str, Any]
) -> list[str]:
    """`POST /users/{user_id}/terminate_connections`: a valid user id."""
    del body, query
    return rules.user_id_problems("path", endpoint.segment)


_CHECKS: dict[
    str,
    Callable[[TypedEndpoint, Mapping[str, Any], Mapping[str, Any]], list[str]],
] = {
    "events": _check_events,
    "batch": _check_batch,
    "list": _check_list,
    "channel": _check_channel,
    "users": _check_users,
    "terminate": _check_terminate,
}


# --- wire-format helpers --------------------------------------------------------


def _channels_of(body: Mapping[str, Any]) -> list[Any]:
    """The channels of a `/events` body: `channels`, or the single `channel`."""
    if isinstance(body.get("channels"), list):
        return list(body["channels"])
    if "channel" in body:
        return [body["channel"]]
    return []


def _data_type_problems(path: str, event: Mapping[str, Any]) -> list[str]:
    """Pusher carries event data as a string: refuse anything else."""
    if "data" not in event or isinstance(event["data"], str):
        return []
    return [
        (
            f"{path}: Pusher takes event data as a string; JSON-encode the value "
            "first (the typed tool does this for you)"
        )
    ]


def _info_list(path: str, info: Any) -> tuple[list[str], list[str]]:
    """Split a comma-separated `info` value into attributes (and problems)."""
    if info is None:
        return [], []
    if not isinstance(info, str):
        return [], [f"{path}: give the attributes as comma-separated text"]
    return [part.strip() for part in info.split(",") if part.strip()], []


def _sealable(event: Any) -> bool:
    """Whether a batch event is one whose data would be encrypted."""
    return (
        isinstance(event, dict)
        and limits.is_encrypted_channel(event.get("channel"))
        and isinstance(event.get("data"), str)
    )
