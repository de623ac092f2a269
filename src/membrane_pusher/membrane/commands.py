"""The argv of each Membrane CLI command, built as lists (never shell text).

Each builder returns the arguments after the program (`["action", "run", ...]`).
Two rules keep caller values from ever becoming options:

* every option value is attached to its flag (`--connectionId=VALUE`), so a value
  that starts with `-` stays a value;
* positional values (ids, the search query) may not start with `-`; request paths
  always start with `/`.

`--json` is added wherever it selects JSON output. On `request` it means "the
body is JSON", so it is passed only together with a body.
"""

from __future__ import annotations

import json
import math
import re
from typing import TYPE_CHECKING, Any, Literal

from membrane_pusher.errors import InvalidArgumentsError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from membrane_pusher.membrane.models import ProxyRequest

__all__ = [
    "HTTP_METHODS",
    "act_args",
    "action_list_args",
    "action_run_args",
    "connect_args",
    "connection_get_args",
    "connection_list_args",
    "encode_json",
    "request_args",
    "run_args",
    "search_args",
    "status_args",
    "version_args",
]

HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})

# The whole seconds `connection get --wait --timeout` accepts (the API's range).
WAIT_SECONDS_RANGE = (1, 60)

# RFC 9110 token characters: what a header name may contain.
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def version_args() -> list[str]:
    """Return the arguments of `membrane --version`."""
    return ["--version"]


def status_args() -> list[str]:
    """Return the arguments of `membrane status --json`."""
    return ["status", "--json"]


def connection_list_args() -> list[str]:
    """Return the arguments of `membrane connection list --json`."""
    return ["connection", "list", "--json"]


def connection_get_args(
    connection_id: str, *, wait: bool = False, timeout: float | None = None
) -> list[str]:
    """Return the arguments of `membrane connection get ID [--wait] --json`.

    With `wait`, `timeout` (seconds, rounded up into `WAIT_SECONDS_RANGE`)
    bounds the CLI's own wait: `--timeout=N`.
    """
    args = ["connection", "get", _positional("connection_id", connection_id)]
    if wait:
        args.append("--wait")
        if timeout is not None:
            low, high = WAIT_SECONDS_RANGE
            args.append(f"--timeout={min(high, max(low, math.ceil(timeout)))}")
    args.append("--json")
    return args


def search_args(query: str, *, element_type: str = "connector") -> list[str]:
    """Return the arguments of `membrane search Q --elementType=TYPE --json`."""
    return [
        "search",
        _positional("query", query.strip()),
        f"--elementType={element_type}",
        "--json",
    ]


def connect_args(connector_id: str) -> list[str]:
    """Return the arguments of `membrane connect --connectorId=ID --json`."""
    return [
        "connect",
        f"--connectorId={_value('connector_id', connector_id)}",
        "--json",
    ]


def action_list_args(
    connection_id: str, intent: str, *, limit: int | None = None
) -> list[str]:
    """Return the arguments of `membrane action list --intent=Q ... --json`."""
    args = [
        "action",
        "list",
        f"--intent={_value('intent', intent)}",
        f"--connectionId={_value('connection_id', connection_id)}",
    ]
    if limit is not None:
        if limit < 1:
            raise InvalidArgumentsError([f"limit: must be at least 1, got {limit}"])
        args.append(f"--limit={limit}")
    args.append("--json")
    return args


def action_run_args(
    action_id: str, connection_id: str, payload: Mapping[str, Any]
) -> list[str]:
    """Return the arguments of `membrane action run ID --connectionId=C --input=J`."""
    return [
        "action",
        "run",
        _positional("action_id", action_id),
        f"--connectionId={_value('connection_id', connection_id)}",
        f"--input={encode_json(payload)}",
        "--json",
    ]


def act_args(
    action_id: str, connection_id: str, payload: Mapping[str, Any]
) -> list[str]:
    """Return the arguments of `membrane act --id=ID --connectionId=C --input=J`."""
    return [
        "act",
        f"--id={_value('action_id', action_id)}",
        f"--connectionId={_value('connection_id', connection_id)}",
        f"--input={encode_json(payload)}",
        "--json",
    ]


def run_args(
    action_id: str,
    connection_id: str,
    payload: Mapping[str, Any],
    *,
    form: Literal["run", "act"] = "run",
) -> list[str]:
    """Return the arguments of `action run` or `act`, as `form` says."""
    if form == "act":
        return act_args(action_id, connection_id, payload)
    return action_run_args(action_id, connection_id, payload)


def request_args(request: ProxyRequest) -> list[str]:
    """Return the arguments of `membrane request ID PATH --method=M ...`.

    Args:
        request: The request; its body is sent with `--data`, as compact JSON
            with `--json` unless it is a string.

    Returns:
        The arguments after the program.

    Raises:
        InvalidArgumentsError: A method, header or query name is malformed.
    """
    verb = request.method.upper()
    if verb not in HTTP_METHODS:
        allowed = ", ".join(sorted(HTTP_METHODS))
        raise InvalidArgumentsError(
            [f"method: must be one of {allowed}, got {request.method!r}"]
        )

    args = [
        "request",
        _positional("connection_id", request.connection_id),
        _request_path(request.path),
        f"--method={verb}",
    ]
    for name, value in (request.headers or {}).items():
        args.append(f"--header={_header(name, value)}")
    for name, value in (request.query or {}).items():
        if not name or "=" in name:
            raise InvalidArgumentsError([f"query: bad parameter name {name!r}"])
        args.append(f"--query={name}={value}")

    body = request.body
    if body is None:
        return args
    if isinstance(body, str):
        return [*args, f"--data={body}"]
    return [*args, "--json", f"--data={encode_json(body)}"]


def encode_json(value: Any) -> str:
    """Encode a value as compact JSON for the command line.

    Raises:
        InvalidArgumentsError: The value is not JSON (NaN, sets, objects...).
    """
    try:
        return json.dumps(
            value, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as error:
        raise InvalidArgumentsError(
            [f"input: cannot be encoded as JSON ({error})"]
        ) from error


def _value(name: str, value: str) -> str:
    """Check an option value: a non-empty string."""
    if not isinstance(value, str) or not value:
        raise InvalidArgumentsError([f"{name}: must be a non-empty string"])
    return value


def _positional(name: str, value: str) -> str:
    """Check a positional value: non-empty and not shaped like an option."""
    _value(name, value)
    if value.startswith("-"):
        raise InvalidArgumentsError(
            [f"{name}: must not start with '-' (got {value[:40]!r})"],
            hint="Use the id exactly as Membrane lists it.",
        )
    return value


def _request_path(path: str) -> str:
    """Check a request path and give it a leading slash."""
    _value("path", path)
    if any(char in path for char in "\r\n"):
        raise InvalidArgumentsError(["path: must not contain line breaks"])
    return path if path.startswith("/") else f"/{path}"


def _header(name: str, value: str) -> str:
    """Check one header and return it as `Name: value`."""
    if not _HEADER_NAME.match(name):
        raise InvalidArgumentsError([f"headers: bad header name {name!r}"])
    if any(char in value for char in "\r\n"):
        raise InvalidArgumentsError([f"headers.{name}: must not contain line breaks"])
    return f"{name}: {value}"
