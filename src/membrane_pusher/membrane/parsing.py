"""Deciding which error explains a failed CLI call.

The CLI's failure output is not documented, so failures are decided in a fixed
order, each step only when the previous one says nothing:

1. the exit code (0 is success; a signal is a crash);
2. when the CLI runs through `npx`, npm's own failure to fetch or start the
   package (the CLI is then missing, not the id it was asked about);
3. a JSON error body on stdout;
4. a JSON error body on stderr;
5. the text on stderr, matched against Membrane's own wording ("Not logged
   in", "Connection ID is not ready", `CLIENT_ACTION_REQUIRED`) at the start
   of a line, and for a run or a request at the start of the headline only,
   so that an upstream app's message quoted by one ("401 Unauthorized",
   "client disconnected", "field 'login' is required") never passes for a
   broken set-up; a 401 counts as a lost login only for commands that talk
   to Membrane's API alone;
6. network, server and rate-limit wording: the only failures worth retrying
   (reads only; the client decides);
7. anything else is a plain `CommandFailedError`, not retried.

The wording of steps 2, 5 and 6 is recognised by `failure_text`; JSON output
is read by `output`. Everything that reaches an error message is redacted and
shortened.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from membrane_pusher.errors import (
    ActionFailedError,
    CallError,
    CLINotFoundError,
    CommandFailedError,
    ConnectionNotReadyError,
    MembranePusherError,
    NotFoundError,
    NotLoggedInError,
)
from membrane_pusher.membrane import failure_text
from membrane_pusher.membrane.locate import INSTALL_HINT, NPX_PACKAGE, is_npx_fallback
from membrane_pusher.membrane.models import ApiErrorBody
from membrane_pusher.membrane.output import excerpt, try_json
from membrane_pusher.redaction import redact_value

if TYPE_CHECKING:
    from membrane_pusher.membrane.runner import CompletedCall

__all__ = [
    "LOGIN_HINT",
    "connection_not_ready",
    "failure_of",
    "is_transient",
    "run_error_of",
]

LOGIN_HINT = "Run `membrane login --tenant`, then try again."

_PASSING_HINT = "Membrane or the network failed for a moment; try again shortly."

_RUN_LABELS = frozenset({"action run", "act"})
# Commands whose output may quote another app's answer.
_UPSTREAM_LABELS = _RUN_LABELS | {"request"}

_TRANSIENT_TYPES = frozenset({"internal", "dependency_error", "concurrency"})
_CONNECTION_KEYS = frozenset(
    {"connection_is_defunct", "access_token_expired", "connection_not_ready"}
)
# What a run may print on exit 0 in place of its output: an API error body.
_RUN_ERROR_KEYS = frozenset({"error", "actionRunId"})


def is_transient(error: BaseException) -> bool:
    """Tell whether a read may be retried after this error."""
    return isinstance(error, CallError) and error.retryable


def failure_of(call: CompletedCall, label: str) -> MembranePusherError:
    """Return the error that best explains a failed call (exit code != 0).

    Args:
        call: The finished call.
        label: The command's name (`action run`, `connection get`, ...).

    Returns:
        The error to raise.
    """
    if call.returncode < 0:
        return _command_failed(
            call,
            f"`membrane {label}` was killed by signal {-call.returncode}.",
            "Try again; if it keeps happening, check the machine's memory.",
            retryable=True,
        )

    npm_failure = _npx_failure(call)
    if npm_failure is not None:
        return npm_failure

    for stream in (call.stdout, call.stderr):
        body = _error_body(try_json(stream))
        if body is not None:
            return _from_body(body, call, label)

    from_text = _from_text(call, label)
    if from_text is not None:
        return from_text

    detail = excerpt(call.stderr) or excerpt(call.stdout) or "no message"
    if failure_text.names_passing_failure(f"{call.stderr}\n{call.stdout}"):
        return _command_failed(
            call,
            f"`membrane {label}` failed: {detail}",
            _PASSING_HINT,
            retryable=True,
        )
    return _command_failed(
        call,
        f"`membrane {label}` failed with exit code {call.returncode}: {detail}",
        f"Run `membrane {label}` in a terminal to see why, and check that "
        "MEMBRANE_CLI (or PATH) names the Membrane CLI.",
    )


def run_error_of(
    call: CompletedCall, value: Any, label: str
) -> MembranePusherError | None:
    """Return the failure a run reported on exit 0, if its answer is one.

    A run that prints `{"error": {type, key, message, data}, "actionRunId": ...}`
    and no `output` failed, whatever its exit code says.

    Args:
        call: The finished call.
        value: Its parsed stdout.
        label: The command's name.

    Returns:
        The error to raise, or None when the answer is an output.
    """
    if not isinstance(value, Mapping) or "output" in value:
        return None
    if not isinstance(value.get("error"), Mapping) or not set(value) <= _RUN_ERROR_KEYS:
        return None
    body = _error_body(value)
    if body is None:
        return None
    return _from_body(body, call, label)


def connection_not_ready(
    connection_id: str | None,
    state: str | None,
    url: str | None,
) -> ConnectionNotReadyError:
    """Build the error of a connection that cannot be used now."""
    subject = f"Connection {connection_id}" if connection_id else "The connection"
    message = f"{subject} is not ready (state: {state or 'unknown'})."
    if url:
        hint = f"Open {url} to finish connecting, then try again."
    else:
        hint = (
            f"Run `membrane connection get {connection_id or 'ID'} --wait`, "
            "or reconnect it in the Membrane console."
        )
    return ConnectionNotReadyError(
        message, hint=hint, connection_id=connection_id, state=state, url=url
    )


def _error_body(value: Any) -> ApiErrorBody | None:
    """Return the API error body inside a parsed value, if it holds one."""
    if not isinstance(value, Mapping):
        return None
    nested = value.get("error")
    if isinstance(nested, Mapping):
        merged = {**nested}
        if "actionRunId" in value:
            merged.setdefault("actionRunId", value["actionRunId"])
        value = merged
    if not any(
        isinstance(value.get(field), str) for field in ("type", "key", "message")
    ):
        return None
    return ApiErrorBody.model_validate(dict(value))


def _from_body(
    body: ApiErrorBody, call: CompletedCall, label: str
) -> MembranePusherError:
    """Map an API error body onto the error tree."""
    message = excerpt(body.message or body.key or body.type or "unknown error")
    stderr = excerpt(call.stderr)
    data = redact_value(body.data)

    if body.key == "not_authenticated":
        return NotLoggedInError(f"Membrane says: {message}", hint=LOGIN_HINT)

    rate_limited = body.key == "rate_limit_exceeded"
    if (body.type == "connection" and not rate_limited) or body.key in _CONNECTION_KEYS:
        details = data if isinstance(data, Mapping) else {}
        client_action = details.get("clientAction")
        url = client_action.get("uiUrl") if isinstance(client_action, Mapping) else None
        return connection_not_ready(
            _str_or_none(details.get("connectionId")),
            _str_or_none(details.get("state")) or body.key,
            _str_or_none(url),
        )

    if body.key == "not_found":
        return NotFoundError(
            f"`membrane {label}`: {message}",
            hint=_not_found_hint(label),
            exit_code=call.returncode,
            stderr=stderr,
        )

    if label in _RUN_LABELS or body.action_run_id:
        return ActionFailedError(
            f"The action failed: {message}",
            hint=_action_hint(body.action_run_id),
            exit_code=call.returncode,
            stderr=stderr,
            error_type=body.type,
            error_key=body.key,
            data=data,
            action_run_id=body.action_run_id,
        )

    if body.type in _TRANSIENT_TYPES or rate_limited:
        return _command_failed(
            call, f"`membrane {label}` failed: {message}", _PASSING_HINT, retryable=True
        )
    return _command_failed(
        call,
        f"`membrane {label}` failed: {message}",
        "Check the arguments, then try again.",
    )


def _command_failed(
    call: CompletedCall, message: str, hint: str, *, retryable: bool = False
) -> CommandFailedError:
    """Build a `CommandFailedError` carrying the call's exit code and stderr."""
    return CommandFailedError(
        message,
        hint=hint,
        exit_code=call.returncode,
        stderr=excerpt(call.stderr),
        retryable=retryable,
    )


def _npx_failure(call: CompletedCall) -> CLINotFoundError | None:
    """Recognise npm failing to fetch or start the CLI in the npx fallback.

    Only npm's own error lines count, and only when npx runs the package:
    the CLI's output through a working npx is judged like any other.
    """
    if not is_npx_fallback(call.argv) or not failure_text.names_npm_failure(
        call.stderr
    ):
        return None
    return CLINotFoundError(
        f"`npx -y {NPX_PACKAGE}` could not fetch or start the Membrane CLI: "
        f"{excerpt(call.stderr)}",
        hint=f"{INSTALL_HINT} Check that npm can reach its registry.",
    )


def _from_text(call: CompletedCall, label: str) -> MembranePusherError | None:
    """Recognise a failure from stderr (or non-JSON stdout) text."""
    text = f"{call.stderr}\n{call.stdout}"
    shown = excerpt(call.stderr) or excerpt(call.stdout)

    upstream = label in _UPSTREAM_LABELS
    if failure_text.names_lost_login(text, upstream=upstream):
        return NotLoggedInError("The Membrane CLI is not logged in.", hint=LOGIN_HINT)

    not_ready = failure_text.not_ready_in(text, upstream=upstream)
    if not_ready is not None:
        return connection_not_ready(not_ready.connection_id, "not ready", not_ready.url)

    if failure_text.names_missing_object(text, upstream=upstream):
        return NotFoundError(
            f"`membrane {label}`: {shown}",
            hint=_not_found_hint(label),
            exit_code=call.returncode,
            stderr=excerpt(call.stderr),
        )
    return None


def _not_found_hint(label: str) -> str:
    """Say where to find valid ids for a command."""
    if label.startswith("action") or label == "act":
        return "Check the ids; `membrane action list` shows the actions."
    if label in {"connect", "search"}:
        return "Check the connector id; `membrane search` finds connectors."
    return "Check the id; `membrane connection list` shows the connections."


def _action_hint(action_run_id: str | None) -> str:
    """Say what to do after a failed run."""
    if not action_run_id:
        return "Fix the input and try again."
    return (
        "Fix the input and try again; "
        f"`membrane action-run-log get {action_run_id} --details` shows the run."
    )


def _str_or_none(value: Any) -> str | None:
    """Return a string value, or None for anything else."""
    return value if isinstance(value, str) and value else None
