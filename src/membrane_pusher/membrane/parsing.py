"""Turning a finished CLI process into a JSON value or the right error.

The CLI's failure output is not documented, so failures are decided in a fixed
order, each step only when the previous one says nothing:

1. the exit code (0 is success; a signal is a crash);
2. when the CLI runs through `npx`, npm's own failure to fetch or start the
   package (the CLI is then missing, not the id it was asked about);
3. a JSON error body on stdout;
4. a JSON error body on stderr;
5. the text on stderr, matched against Membrane's own wording ("Not logged
   in", "Connection ID is not ready", `CLIENT_ACTION_REQUIRED`), so that an
   upstream app's message quoted by a run or a request ("401 Unauthorized",
   "client disconnected") never passes for a broken set-up; a 401 counts as
   a lost login only for commands that talk to Membrane's API alone;
6. network, server and rate-limit wording: the only failures worth retrying
   (reads only; the client decides);
7. anything else is a plain `CommandFailedError`, not retried.

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
from membrane_pusher.json_text import HIDDEN_CHARACTERS
from membrane_pusher.membrane.locate import INSTALL_HINT, NPX_PACKAGE, is_npx_fallback
from membrane_pusher.membrane.models import ApiErrorBody
from membrane_pusher.redaction import redact, redact_value

if TYPE_CHECKING:
    from membrane_pusher.membrane.runner import CompletedCall

__all__ = [
    "LOGIN_HINT",
    "connection_not_ready",
    "failure_of",
    "is_transient",
    "parse_json_output",
    "run_error_of",
    "try_json",
]

LOGIN_HINT = "Run `membrane login --tenant`, then try again."

_PASSING_HINT = "Membrane or the network failed for a moment; try again shortly."

# Longest excerpt of CLI output kept in an error.
_EXCERPT = 300

_RUN_LABELS = frozenset({"action run", "act"})
# Commands whose output may quote another app's answer.
_UPSTREAM_LABELS = _RUN_LABELS | {"request"}

_TRANSIENT_TYPES = frozenset({"internal", "dependency_error", "concurrency"})
_CONNECTION_KEYS = frozenset(
    {"connection_is_defunct", "access_token_expired", "connection_not_ready"}
)
# What a run may print on exit 0 in place of its output: an API error body.
_RUN_ERROR_KEYS = frozenset({"error", "actionRunId"})

# Membrane's own wording, at the start of a line ("Error: Not logged in.") or
# its login command; an upstream "401 Unauthorized" is not a lost login.
_NOT_LOGGED_IN = re.compile(
    r"^[^\S\n]*(?:error:\s*)?(?:you are\s+)?not logged in\b|`?membrane login\b",
    re.IGNORECASE | re.MULTILINE,
)
# A refused login, from a command that talks to Membrane's API only: there a
# 401 is Membrane's own answer ("run `membrane login --tenant` again").
_UNAUTHORIZED = re.compile(r"\b401\b|\bunauthori[sz]ed\b", re.IGNORECASE)
# Membrane's state name, or its "Connection ID is not ready" line.
_NOT_READY = re.compile(
    r"\bCLIENT_ACTION_REQUIRED\b|"
    r"^[^\S\n]*(?i:error:\s*)?(?i:connection)\s+(?:(?P<id>[\w.:-]{1,200})\s+)?"
    r"(?i:is\s+not\s+ready)\b",
    re.MULTILINE,
)
_NOT_FOUND = re.compile(r"not found|does not exist|no such", re.IGNORECASE)
# For commands that may quote another app: only Membrane's own objects.
_MEMBRANE_NOT_FOUND = re.compile(
    r"^[^\S\n]*(?:error:\s*)?(?:action|connection|connector)\b[^\n]{0,200}?"
    r"\b(?:not found|does not exist)\b",
    re.IGNORECASE | re.MULTILINE,
)
# Failures that pass: Node's network error codes and messages, HTTP 429/5xx as
# HTTP clients word them, and rate limits.
_TRANSIENT_TEXT = re.compile(
    r"\b(?:ECONNRESET|ECONNREFUSED|ECONNABORTED|ETIMEDOUT|ESOCKETTIMEDOUT|"
    r"EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|EPIPE|UND_ERR_CONNECT_TIMEOUT|"
    r"UND_ERR_SOCKET)\b|socket hang up|fetch failed|network error|"
    r"\btimeout of \d+ ?ms exceeded|"
    r"\b(?:status(?: code)?|HTTP)[ :]{1,3}(?:429|50[0-4])\b|"
    r"\b(?:429 Too Many Requests|500 Internal Server Error|502 Bad Gateway|"
    r"503 Service Unavailable|504 Gateway Time-?out)\b|"
    r"too many requests|rate limit",
    re.IGNORECASE,
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


def is_transient(error: BaseException) -> bool:
    """Tell whether a read may be retried after this error."""
    return isinstance(error, CallError) and error.retryable


def excerpt(text: str) -> str:
    """Return a redacted, shortened, single-spaced excerpt of CLI output.

    Control and bidi characters go too: an excerpt ends up on a terminal and
    in front of the model.
    """
    cleaned = " ".join(HIDDEN_CHARACTERS.sub(" ", redact(text)).split())
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
    if _TRANSIENT_TEXT.search(f"{call.stderr}\n{call.stdout}"):
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

    upstream = label in _UPSTREAM_LABELS
    if _NOT_LOGGED_IN.search(text) or (not upstream and _UNAUTHORIZED.search(text)):
        return NotLoggedInError("The Membrane CLI is not logged in.", hint=LOGIN_HINT)

    not_ready = _NOT_READY.search(text)
    if not_ready is not None:
        url = _URL.search(text)
        return connection_not_ready(
            not_ready.group("id"), "not ready", url.group(0) if url else None
        )

    not_found = _MEMBRANE_NOT_FOUND if upstream else _NOT_FOUND
    if not_found.search(text):
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
