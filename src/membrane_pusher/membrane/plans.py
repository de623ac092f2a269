"""CLI call plans: the argv of each `membrane` command and how to read its answer.

A `Plan` bundles the arguments of one CLI call, the conversion of its
completed process into a model (or an error), whether it is a read that
may be retried, and the subject its log line names. Plans are plain data,
shared by the sync and async halves of `MembraneClient`; nothing here starts a
process.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from pydantic import ValidationError

from membrane_pusher.errors import OutputParseError
from membrane_pusher.membrane import commands
from membrane_pusher.membrane.models import (
    Action,
    Connection,
    ConnectorHit,
    LoginStatus,
    ProxyResponse,
    RunResult,
    parse_items,
)
from membrane_pusher.membrane.output import parse_json_output, try_json
from membrane_pusher.membrane.parsing import (
    connection_not_ready,
    failure_of,
    run_error_of,
)

if TYPE_CHECKING:
    from membrane_pusher.membrane.models import ProxyRequest
    from membrane_pusher.membrane.runner import CompletedCall

__all__ = [
    "Plan",
    "action_list_plan",
    "connect_plan",
    "connection_get_plan",
    "connection_list_plan",
    "request_plan",
    "require_ready",
    "run_plan",
    "search_plan",
    "status_plan",
    "version_plan",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")
ModelT = TypeVar("ModelT", Connection, Action, ConnectorHit)

# How the CLI reports a non-2xx upstream answer to `membrane request`.
_UPSTREAM_FAILED = re.compile(r"Request failed with status (\d{3})")
_UPSTREAM_STATUS = re.compile(r"\bstatus:?\s+(\d{3})\b", re.IGNORECASE)

# Longest free-text subject (an intent, a query) shown in a log line.
_SUBJECT_CHARS = 80


@dataclass(frozen=True)
class Plan(Generic[T]):
    """One CLI call: its arguments, how to read its result, whether to retry.

    `wait_limit` is set on polls bounded by a caller's deadline: the seconds
    the CLI was told to wait. The client then gives the call that long (at
    most its own timeout) plus a margin, and runs it once: the caller decides
    whether to ask again.

    `subject` names what the call is about in its log line (an action and a
    connection, `METHOD path`, an intent); it is redacted when logged.
    """

    args: list[str]
    label: str
    convert: Callable[[CompletedCall], T]
    read: bool
    wait_limit: float | None = None
    subject: str = ""


def require_ready(connection: Connection) -> Connection:
    """Return the connection when it is READY.

    Raises:
        ConnectionNotReadyError: With the `clientAction` URL when Membrane gave one.
    """
    if connection.is_ready:
        return connection
    url = connection.client_action.ui_url if connection.client_action else None
    raise connection_not_ready(connection.id, connection.state, url)


def version_plan() -> Plan[str]:
    """Plan `membrane --version`."""

    def convert(call: CompletedCall) -> str:
        if call.returncode != 0:
            raise failure_of(call, "--version")
        lines = call.stdout.strip().splitlines()
        if not lines:
            raise OutputParseError("`membrane --version` printed nothing.")
        return lines[0].strip()

    return Plan(commands.version_args(), "--version", convert, read=True)


def status_plan() -> Plan[LoginStatus]:
    """Plan `membrane status --json`."""

    def convert(call: CompletedCall) -> LoginStatus:
        if call.returncode != 0:
            raise failure_of(call, "status")
        value = try_json(call.stdout)
        if isinstance(value, Mapping):
            return _model(LoginStatus, value, "status")
        # Older CLIs print text: "Logged in ..." or "Not logged in".
        text = call.stdout.lower()
        if "not logged in" in text or "logged in" not in text:
            return LoginStatus(loggedIn=False)
        return LoginStatus(loggedIn=True)

    return Plan(commands.status_args(), "status", convert, read=True)


def connection_list_plan() -> Plan[list[Connection]]:
    """Plan `membrane connection list --json`."""
    label = "connection list"
    return Plan(
        commands.connection_list_args(),
        label,
        lambda call: _list_of(Connection, _json(call, label), label),
        read=True,
    )


def connection_get_plan(
    connection_id: str, *, wait: bool, timeout: float | None = None
) -> Plan[Connection]:
    """Plan `membrane connection get ID [--wait [--timeout=N]] --json`."""
    label = "connection get"
    return Plan(
        commands.connection_get_args(connection_id, wait=wait, timeout=timeout),
        label,
        lambda call: _single_connection(_json(call, label), label),
        read=True,
        wait_limit=max(0.0, timeout) if wait and timeout is not None else None,
        subject=connection_id,
    )


def search_plan(query: str) -> Plan[list[ConnectorHit]]:
    """Plan `membrane search Q --elementType=connector --json`."""
    label = "search"
    return Plan(
        commands.search_args(query),
        label,
        lambda call: _list_of(ConnectorHit, _json(call, label), label),
        read=True,
        subject=_quoted(query),
    )


def connect_plan(connector_id: str) -> Plan[Connection]:
    """Plan `membrane connect --connectorId=ID --json`; not retried.

    The connection comes back in whatever state it is: a new one may still
    need the user (`CLIENT_ACTION_REQUIRED`, with the URL to open), and the
    caller decides whether to wait for it.
    """
    label = "connect"
    return Plan(
        commands.connect_args(connector_id),
        label,
        lambda call: _single_connection(_json(call, label), label),
        read=False,
    )


def action_list_plan(
    connection_id: str, intent: str, limit: int | None
) -> Plan[list[Action]]:
    """Plan `membrane action list --intent=Q --connectionId=ID --json`."""
    label = "action list"
    return Plan(
        commands.action_list_args(connection_id, intent, limit=limit),
        label,
        lambda call: _list_of(Action, _json(call, label), label),
        read=True,
        subject=f"{_quoted(intent)} on {connection_id}",
    )


def run_plan(
    action_id: str,
    connection_id: str,
    payload: Mapping[str, Any],
    form: Literal["run", "act"],
) -> Plan[RunResult]:
    """Plan `action run` or `act`; never retried."""
    label = "act" if form == "act" else "action run"

    def convert(call: CompletedCall) -> RunResult:
        value = _json(call, label)
        if isinstance(value, Mapping) and "output" in value:
            return _model(RunResult, value, label)
        failure = run_error_of(call, value, label)
        if failure is not None:
            raise failure
        # A CLI that prints the output alone: keep it exactly, falsy or not.
        return RunResult(output=value)

    args = commands.run_args(action_id, connection_id, payload, form=form)
    subject = f"{action_id} on {connection_id}"
    return Plan(args, label, convert, read=False, subject=subject)


def request_plan(request: ProxyRequest) -> Plan[ProxyResponse]:
    """Plan `membrane request`; retried only for GET."""
    label = "request"
    args = commands.request_args(request)

    def convert(call: CompletedCall) -> ProxyResponse:
        upstream = _UPSTREAM_FAILED.search(call.stderr)
        if call.returncode != 0 and upstream is None:
            raise failure_of(call, label)

        parsed = try_json(call.stdout)
        response_body = call.stdout.removesuffix("\n") if parsed is ... else parsed
        if upstream is not None:
            return ProxyResponse(status=int(upstream.group(1)), body=response_body)

        reported = _UPSTREAM_STATUS.search(call.stderr)
        status = int(reported.group(1)) if reported else 200
        return ProxyResponse(status=status, body=response_body)

    subject = f"{request.method.upper()} {request.path} on {request.connection_id}"
    return Plan(args, label, convert, read=request.is_read, subject=subject)


# ----- conversion helpers -------------------------------------------------------


def _json(call: CompletedCall, label: str) -> Any:
    """Return the JSON of a successful call, or raise its failure."""
    if call.returncode != 0:
        raise failure_of(call, label)
    return parse_json_output(call, label)


def _model(model: type[T], value: Any, label: str) -> T:
    """Validate one value into a model, or explain the mismatch."""
    try:
        return model.model_validate(value)  # type: ignore[attr-defined,no-any-return]
    except ValidationError as error:
        raise _shape_error(label, error) from None


def _single_connection(value: Any, label: str) -> Connection:
    """Read a Connection from `{...}` or `{"connection": {...}}`."""
    if isinstance(value, Mapping) and "id" not in value:
        nested = value.get("connection")
        if isinstance(nested, Mapping):
            value = nested
    return _model(Connection, value, label)


def _list_of(model: type[ModelT], value: Any, label: str) -> list[ModelT]:
    """Read a list answer in either shape, skipping items that do not fit."""
    try:
        items = parse_items(value)
    except TypeError as error:
        raise _shape_error(label, error) from None

    parsed: list[ModelT] = []
    for index, item in enumerate(items):
        try:
            parsed.append(model.model_validate(item))
        except ValidationError:
            logger.warning(
                "membrane %s: skipped item %d of unexpected shape", label, index
            )
    return parsed


def _shape_error(label: str, error: Exception) -> OutputParseError:
    """Build the error of JSON that does not have the expected shape.

    Not retryable: the same CLI answers with the same shape.
    """
    first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
    return OutputParseError(
        f"`membrane {label}` printed JSON of an unexpected shape ({first_line}).",
        hint="Check the CLI version with `membrane --version`.",
        retryable=False,
    )


def _quoted(text: str) -> str:
    """Quote a free-text subject, cut to a log line's length."""
    if len(text) > _SUBJECT_CHARS:
        text = text[: _SUBJECT_CHARS - 1] + "…"
    return f'"{text}"'
