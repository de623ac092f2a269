"""Turning a finished CLI process into a JSON value or the right error.

The CLI's failure output is not documented, so failures are decided in a fixed
order, each step only when the previous one says nothing:

1. the exit code (0 is success; a signal is a crash);
2. when the CLI runs through `npx`, npm's own failure to fetch or start the
   package (the CLI is then missing, not the id it was asked about);
3. a JSON error body on stdout;
4. a JSON error body on stderr;
5. the text on stderr (for example "Not logged in").

Everything that reaches an error message is redacted and shortened.
"""

from __future__ import annotations

import json
import re
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
    OutputParseError,
)
from membrane_pusher.membrane.locate import INSTALL_HINT, NPX_PACKAGE, is_npx_fallback
from membrane_pusher.membrane.models import ApiErrorBody
from membrane_pusher.redaction import redact, redact_value

if TYPE_CHECKING:
    from membrane_pusher.membrane.runner import CompletedCall

__all__ = [
    "LOGIN_HINT",
    "TransientCommandError",
    "connection_not_ready",
    "failure_of",
    "is_transient",
    "parse_json_output",
    "try_json",
]

LOGIN_HINT = "Run `membrane login --tenant`, then try again."

# Longest excerpt of CLI output kept in an error.
_EXCERPT = 300

_RUN_LABELS = frozenset({"action run", "act"})

_TRANSIENT_TYPES = frozenset({"internal", "dependency_error", "concurrency"})
_CONNECTION_KEYS = frozenset(
    {"connection_is_defunct", "access_token_expired", "connection_not_ready"}
)

_NOT_LOGGED_IN = re.compile(
    r"not logged in|not authenticated|login required|please log ?in|"
    r"membrane login|unauthori[sz]ed",
    re.IGNORECASE,
)
_NOT_FOUND = re.compile(r"not found|does not exist|no such", re.IGNORECASE)
_NOT_READY = re.compile(
    r"CLIENT_ACTION_REQUIRED|not ready|disconnected|reconnect", re.IGNORECASE
)
# npm's own failures to fetch or start the CLI package (the npx fallback):
# npm's error lines, or an npm error code on a line about npm or its registry
# (the CLI itself may print network codes about Membrane's API).
_NPM_FAILURE = re.compile(
    r"^\s*npm (?:error|ERR!)|could not determine executable to run|"
    r"^(?=.*\b(?:npm|registry)\b).*\b(?:E404|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|"
    r"ECONNRESET|ETIMEDOUT|ENETUNREACH|ERR_SOCKET_TIMEOUT)\b",
    re.IGNORECASE | re.MULTILINE,
)
_URL = re.compile(r"https?://[^\s\"'<>]+")


class TransientCommandError(CommandFailedError):
    """A CLI failure that may pass when the same call is repeated.

    A crash (killed by a signal), an internal or dependency error, a rate limit,
    or an exit code without any recognisable cause.
    """

    retryable = True


def is_transient(error: BaseException) -> bool:
    """Tell whether a read may be retried after this error."""
    if isinstance(error, OutputParseError):
        return True
    return isinstance(error, CallError) and error.retryable


def excerpt(text: str) -> str:
    """Return a redacted, shortened, single-spaced excerpt of CLI output."""
    cleaned = " ".join(redact(text).split())
    if len(cleaned) <= _EXCERPT:
        return cleaned
    return cleaned[: _EXCERPT - 1] + "…"


def try_json(text: str) -> Any:
    """Parse JSON output, tolerating log lines printed before it.

    Returns:
        The parsed value, or `Ellipsis` when no JSON could be found.
    """
    stripped = text.strip()
    if not stripped:
        return ...
    try:
        return json.loads(stripped)
    except ValueError:
        pass

    # Some CLI versions print a notice line before the JSON document. Split on
    # "\n" only: JSON strings may hold U+2028 and the like unescaped.
    lines = stripped.split("\n")
    for index, line in enumerate(lines):
        if line.lstrip().startswith(("{", "[")):
            try:
                return json.loads("\n".join(lines[index:]))
            except ValueError:
                continue
    return ...


def parse_json_output(call: CompletedCall, label: str) -> Any:
    """Return the JSON printed by a successful call.

    Raises:
        OutputParseError: When stdout holds no JSON document.
    """
    value = try_json(call.stdout)
    if value is ...:
        shown = excerpt(call.stdout) or "nothing"
        raise OutputParseError(
            f"`membrane {label}` printed output that is not JSON: {shown}",
            hint="Check the CLI version with `membrane --version`; "
            "this package expects `--json` output.",
        )
    return value


def failure_of(call: CompletedCall, label: str) -> MembranePusherError:
    """Return the error that best explains a failed call (exit code != 0).

    Args:
        call: The finished call.
        label: The command's name (`action run`, `connection get`, ...).

    Returns:
        The error to raise.
    """
    if call.returncode < 0:
        return TransientCommandError(
            f"`membrane {label}` was killed by signal {-call.returncode}.",
            hint="Try again; if it keeps happening, check the machine's memory.",
            exit_code=call.returncode,
            stderr=excerpt(call.stderr),
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
    return TransientCommandError(
        f"`membrane {label}` failed with exit code {call.returncode}: {detail}",
        hint="Try again; run the same command in a terminal to see more.",
        exit_code=call.returncode,
        stderr=excerpt(call.stderr),
    )


def connection_not_ready(
    connection_id: str | None,
    state: str | None,
    url: str | None,
) -> ConnectionNotReadyError:
    """Build the error of a connection that cannot be used now."""
    shown = connection_id or "The connection"
    message = f"Connection {shown} is not ready (state: {state or 'unknown'})."
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

    if body.type == "connection" or body.key in _CONNECTION_KEYS:
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

    error_class = CommandFailedError
    if body.type in _TRANSIENT_TYPES or body.key == "rate_limit_exceeded":
        error_class = TransientCommandError
    return error_class(
        f"`membrane {label}` failed: {message}",
        hint="Check the arguments, then try again.",
        exit_code=call.returncode,
        stderr=stderr,
    )


def _npx_failure(call: CompletedCall) -> CLINotFoundError | None:
    """Recognise npm failing to fetch or start the CLI in the npx fallback.

    Only npm's own error lines count, and only when npx runs the package:
    the CLI's output through a working npx is judged like any other.
    """
    if not is_npx_fallback(call.argv) or not _NPM_FAILURE.search(call.stderr):
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

    if _NOT_LOGGED_IN.search(text):
        return NotLoggedInError("The Membrane CLI is not logged in.", hint=LOGIN_HINT)

    if _NOT_READY.search(text):
        url = _URL.search(text)
        return connection_not_ready(None, "not ready", url.group(0) if url else None)

    if _NOT_FOUND.search(text):
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
