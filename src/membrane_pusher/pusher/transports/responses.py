"""One interpreter for Pusher's answers, whichever transport carried them.

Success is a 2xx status whose body is JSON and not an error. Pusher sends
errors as 4xx with a plain-text body; Pusher-protocol servers built on
uWebSockets (soketi) send HTTP 200 with `{"error": ..., "code": N}` instead,
which is a failure too. Each failure becomes a `PusherAPIError` with Pusher's
message and what to do. Every success of the Channels API is a JSON document,
so a 2xx answer that is empty or plain text (a gateway's page, cut output) is
an `OutputParseError`, never a result.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from membrane_pusher.errors import OutputParseError, PusherAPIError
from membrane_pusher.membrane.output import excerpt
from membrane_pusher.redaction import redact, redact_value

__all__ = ["PusherResponse", "interpret_response", "network_error"]

logger = logging.getLogger(__name__)

_MAX_MESSAGE_CHARS = 500
_CLIENT_ERRORS_WITH_HINTS = {
    400: (
        "Pusher refused the request as malformed. Fix what the message names and "
        "call again."
    ),
    401: (
        "Pusher refused the request's signature. Check the app key and secret "
        "(or the Membrane connection's credentials)."
    ),
    403: (
        "Pusher refused the app: it is disabled or over its message quota. A "
        "person must check the Pusher dashboard; do not retry."
    ),
    404: (
        "The app or the path does not exist. Check the app id (PUSHER_APP_ID or "
        "app_id=) and the path."
    ),
    413: (
        "payload too large: Pusher accepts at most 10,240 bytes of event data "
        "(UTF-8). Send less data, or a reference to it."
    ),
}
_RETRYABLE_HINT = (
    "The server failed or could not be reached. The request may or may not have "
    "been applied: reads can be retried; before resending a write, check whether "
    "it took effect (nothing is retried automatically)."
)

_UNSENT_HINT = (
    "No connection could be opened, so nothing was sent. Check the host and "
    "port (PUSHER_URL or the cluster) and that the server runs; the call can "
    "then be repeated as it is."
)


@dataclass(frozen=True)
class PusherResponse:
    """What came back for one request.

    Attributes:
        status: The HTTP status, or `None` when the transport did not report one
            (the membrane proxy reports only failures).
        body: The parsed JSON body, or the text when it is not JSON.
        headers: Response headers, when known.
    """

    status: int | None
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def parse_body(content: bytes | str) -> Any:
    """Parse a response body as JSON, falling back to text (or `None`)."""
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def interpret_response(response: PusherResponse) -> Any:
    """Return the body of a successful answer, or raise why it failed.

    Args:
        response: What the transport received.

    Returns:
        The parsed body of a 2xx answer.

    Raises:
        PusherAPIError: For 4xx and 5xx statuses, and for any answer whose body
            carries `error` and `code` (soketi reports errors with HTTP 200).
        OutputParseError: For a 2xx answer whose body is empty, or text
            rather than JSON (every success of the Channels API is a JSON
            document, `{}` at least).
    """
    status = 200 if response.status is None else response.status
    body = response.body
    embedded = _embedded_error(body)
    if 200 <= status < 300 and embedded is None:  # noqa: PLR2004 - HTTP success range
        if body is None or isinstance(body, str):
            raise _unreadable_success(body)
        return body

    if embedded is not None:
        message, code = embedded
        status = code if code is not None else status
    else:
        message = _message(body) or f"HTTP {status}"
    return _raise(status, message, body)


def network_error(reason: str, *, unsent: bool = False) -> PusherAPIError:
    """Describe a request that got no answer (connection failed, timed out).

    Args:
        reason: What the network library said, without the URL.
        unsent: No connection was ever opened, so nothing reached the server.
    """
    hint = _UNSENT_HINT if unsent else _RETRYABLE_HINT
    return PusherAPIError(
        f"Pusher could not be reached: {redact(reason)}", hint=hint, retryable=True
    )


def _unreadable_success(body: str | None) -> OutputParseError:
    """The error for a 2xx answer that is not the JSON document Pusher sends."""
    shown = excerpt(body or "")
    what = f"was not JSON: {shown}" if shown else "was empty"
    return OutputParseError(
        f"The server said success, but its answer {what}", hint=_RETRYABLE_HINT
    )


def _embedded_error(body: Any) -> tuple[str, int | None] | None:
    """Return `(message, code)` when a body reports an error despite its status."""
    if not isinstance(body, dict) or "error" not in body:
        return None
    if "code" not in body and body.get("error") in (None, False, ""):
        return None
    # soketi names the status `code`; other servers and proxies say `status`.
    code = next(
        (
            value
            for value in (body.get("code"), body.get("status"))
            if isinstance(value, int) and not isinstance(value, bool)
        ),
        None,
    )
    return _message(body) or "error", code


def _message(body: Any) -> str:
    """Pull a readable message from a text or JSON error body."""
    if isinstance(body, str):
        text = body.strip()
    elif isinstance(body, dict):
        value = body.get("error") or body.get("message") or body.get("msg")
        text = value if isinstance(value, str) else json.dumps(value or body)
    elif body is None:
        text = ""
    else:
        text = json.dumps(body)
    text = redact(text)
    return (
        text if len(text) <= _MAX_MESSAGE_CHARS else text[:_MAX_MESSAGE_CHARS] + "..."
    )


def _raise(status: int, message: str, body: Any) -> Any:
    """Raise the `PusherAPIError` for one failed answer."""
    lowered = message.lower()
    retryable = status >= 500 or status == 429  # noqa: PLR2004 - HTTP statuses
    if "unknown auth_key" in lowered:
        hint = (
            "The app key is not known on this host: check the cluster "
            "(api-CLUSTER.pusher.com) or host, and the app key."
        )
    elif status == 401 and "timestamp" in lowered:  # noqa: PLR2004 - HTTP status
        hint = (
            "The request's time is more than 600 s away from Pusher's clock: check "
            "this machine's clock (NTP), then call again."
        )
    elif retryable:
        hint = _RETRYABLE_HINT
    else:
        hint = _CLIENT_ERRORS_WITH_HINTS.get(
            status, "Pusher refused the request; read the message and fix the call."
        )
    logger.debug("pusher answered %s: %s", status, message)
    raise PusherAPIError(
        f"Pusher answered {status}: {message}",
        hint=hint,
        status=status,
        body=redact_value(body),
        retryable=retryable,
    )
