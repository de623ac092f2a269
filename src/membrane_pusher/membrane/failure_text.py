"""Recognising failures by their wording: Membrane's, npm's and the network's.

The CLI's failure text is not documented, so these patterns match only
wording that cannot come from elsewhere: Membrane's own lines ("Not logged
in", "Connection ID is not ready", `CLIENT_ACTION_REQUIRED`), npm's own error
lines when the CLI runs through `npx`, and network, server and rate-limit
wording (the only failures worth retrying). Commands whose output may quote
another app's answer (a run, a proxied request) are held to narrower
patterns, so an upstream "401 Unauthorized" or "not found" never passes for
Membrane's. `parsing` decides which error each finding becomes.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = [
    "NotReady",
    "names_lost_login",
    "names_missing_object",
    "names_npm_failure",
    "names_passing_failure",
    "not_ready_in",
]

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


class NotReady(NamedTuple):
    """A connection the text says is not ready.

    Attributes:
        connection_id: The id the text names, if any.
        url: The first URL in the text (where to finish connecting), if any.
    """

    connection_id: str | None
    url: str | None


def names_lost_login(text: str, *, upstream: bool) -> bool:
    """Tell whether the text says the CLI is not logged in.

    Args:
        text: The call's stderr and stdout.
        upstream: Whether the command may quote another app's answer; then
            only Membrane's own wording counts, never a bare 401.
    """
    return bool(_NOT_LOGGED_IN.search(text)) or (
        not upstream and bool(_UNAUTHORIZED.search(text))
    )


def not_ready_in(text: str) -> NotReady | None:
    """Find Membrane's word that a connection is not ready, if the text has it."""
    found = _NOT_READY.search(text)
    if found is None:
        return None
    url = _URL.search(text)
    return NotReady(found.group("id"), url.group(0) if url else None)


def names_missing_object(text: str, *, upstream: bool) -> bool:
    """Tell whether the text says something was not found.

    Args:
        text: The call's stderr and stdout.
        upstream: Whether the command may quote another app's answer; then
            only Membrane's own objects (action, connection, connector) count.
    """
    pattern = _MEMBRANE_NOT_FOUND if upstream else _NOT_FOUND
    return bool(pattern.search(text))


def names_passing_failure(text: str) -> bool:
    """Tell whether the text names a network, server or rate-limit failure."""
    return bool(_TRANSIENT_TEXT.search(text))


def names_npm_failure(stderr: str) -> bool:
    """Tell whether stderr holds npm's own failure to fetch or start a package."""
    return bool(_NPM_FAILURE.search(stderr))
