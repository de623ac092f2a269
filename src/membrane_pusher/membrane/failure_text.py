"""Recognising failures by their wording: Membrane's, npm's and the network's.

The CLI's failure text is not documented, so these patterns match only
wording that cannot come from elsewhere: Membrane's own lines ("Not logged
in", "Connection ID is not ready", `CLIENT_ACTION_REQUIRED`), npm's own error
lines when the CLI runs through `npx`, and network, server and rate-limit
wording (the only failures worth retrying).

Membrane's lines count only where the CLI puts them: at the start of a line,
after an optional "Error:" label, never inside a longer message (only an
HTTP 401 status, from a command that talks to Membrane alone, counts
anywhere). Commands
whose output may quote another app's answer (a run, a proxied request) are
held tighter still: only their headline, the first line that is not a
notice, is read, so an upstream "401 Unauthorized", "not found" or a quoted
"Not logged in" deeper in the text never passes for Membrane's. `parsing`
decides which error each finding becomes.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = [
    "NotReady",
    "headline",
    "names_lost_login",
    "names_missing_object",
    "names_npm_failure",
    "names_passing_failure",
    "not_ready_in",
]

# Where Membrane's own wording may stand: the start of a line, after blanks,
# a failure mark and an optional "Error:" label.
_LINE_START = r"^[^\S\n]*(?:[\u2716\u2717\u00d7!][^\S\n]*)?(?:error:[^\S\n]*)?"
# Membrane's words for a missing login ("Error: Not logged in.", "Please run
# `membrane login --tenant`"), only as the start of a line: an action error
# that quotes them ("field 'login' is required", "data: not logged in") is
# the action's failure, not a broken set-up.
_NOT_LOGGED_IN = re.compile(
    _LINE_START
    + r"(?:(?:you\s+are|you're)\s+)?not\s+logged\s+in\b|"
    + _LINE_START
    + r"(?:please\s+)?(?:run|use)\s+`?membrane\s+login\b",
    re.IGNORECASE | re.MULTILINE,
)
# A refused login, from a command that talks to Membrane's API only: there a
# 401 is Membrane's own answer ("run `membrane login --tenant` again"). It
# leads a line ("Unauthorized", "401"), or is worded as an HTTP status anywhere
# in one ("Request failed with status code 401", "Membrane API responded 401",
# "failed (HTTP 401 Unauthorized)").
_UNAUTHORIZED = re.compile(
    _LINE_START + r"(?:401|unauthori[sz]ed)\b|"
    r"\b(?:status(?:\s+code)?|HTTP|responded(?:\s+with)?)[^\S\n]*[:=]?[^\S\n]*401\b|"
    r"\b401[^\S\n]+unauthori[sz]ed\b",
    re.IGNORECASE | re.MULTILINE,
)
# Membrane's "Connection ID is not ready" line, or a line that gives a
# connection's state as CLIENT_ACTION_REQUIRED ("Connection con_1 state:
# CLIENT_ACTION_REQUIRED", or the state name alone).
_CONNECTION_ID = r"(?!(?i:is|in|state)\b)[\w.:-]{0,199}[\w.-]"
_NOT_READY = re.compile(
    r"(?i:" + _LINE_START + r")(?:"
    r"(?i:connection)\s+(?:(?P<id>" + _CONNECTION_ID + r")\s+)?"
    r"(?i:is\s+not\s+ready)\b|"
    r"(?:(?i:connection)(?:[^\S\n]+(?P<state_id>" + _CONNECTION_ID + r"))?:?"
    r"[^\S\n]+(?i:(?:is[^\S\n]+)?(?:in[^\S\n]+)?(?:state[^\S\n]*[:=]?[^\S\n]*)?)"
    r"\(?)?CLIENT_ACTION_REQUIRED\b)",
    re.MULTILINE,
)
# Lines that Node, npm or an update check print ahead of a CLI's message.
_NOTICE_LINE = re.compile(
    r"^\s*(?:\(node:\d+\)|\(use `node\b|npm (?:warn|notice)\b|warning:|"
    r"update available\b|[╭╮╰╯│─┌┐└┘])",
    re.IGNORECASE,
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
            only the headline (see `headline`) counts, and only Membrane's
            own wording, never a bare 401.
    """
    if upstream:
        return bool(_NOT_LOGGED_IN.match(headline(text)))
    return bool(_NOT_LOGGED_IN.search(text) or _UNAUTHORIZED.search(text))


def not_ready_in(text: str, *, upstream: bool = False) -> NotReady | None:
    """Find Membrane's word that a connection is not ready, if the text has it.

    Args:
        text: The call's stderr and stdout.
        upstream: Whether the command may quote another app's answer; then
            only the headline counts.

    Returns:
        What the text says, or None when it says nothing of the kind.
    """
    found = _NOT_READY.match(headline(text)) if upstream else _NOT_READY.search(text)
    if found is None:
        return None
    url = _URL.search(text)
    connection_id = found.group("id") or found.group("state_id")
    return NotReady(connection_id, url.group(0) if url else None)


def headline(text: str) -> str:
    """Return the first line of the text that is not a notice or blank.

    A failed call's own message comes first; what follows may be the data of
    another app that the message quotes.
    """
    for line in text.splitlines():
        if line.strip() and not _NOTICE_LINE.match(line):
            return line
    return ""


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
