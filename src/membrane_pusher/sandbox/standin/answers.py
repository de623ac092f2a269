"""What a stand-in command prints, and the shapes of its error answers.

Conventions (the real CLI's failure output is undocumented, so these are the
stand-in's own choices, each exercised by the client's tests):

* success: exit 0, the JSON answer on stdout;
* API error: exit 1, the body `{type, key, message, data}` on stdout and a
  one-line `Error: ...` on stderr;
* not logged in: exit 1, text on stderr only;
* bad usage: exit 2, text on stderr only.
"""

from __future__ import annotations

import json
import os
from typing import Any, NamedTuple

__all__ = [
    "NOT_LOGGED_IN_TEXT",
    "Answer",
    "api_error",
    "json_answer",
    "new_id",
    "not_logged_in",
    "usage_error",
]

NOT_LOGGED_IN_TEXT = "Error: Not logged in. Run `membrane login --tenant` to log in.\n"


class Answer(NamedTuple):
    """The exit code and the text for stdout and stderr."""

    exit_code: int
    stdout: str = ""
    stderr: str = ""


def new_id(prefix: str) -> str:
    """Return a fresh random id shaped like a UUID (`arl_8c1f...-...`)."""
    digits = os.urandom(16).hex()
    parts = (digits[:8], digits[8:12], digits[12:16], digits[16:20], digits[20:])
    return f"{prefix}_{'-'.join(parts)}"


def json_answer(value: Any) -> Answer:
    """Return a successful JSON answer."""
    return Answer(0, json.dumps(value, ensure_ascii=False) + "\n")


def api_error(
    error_type: str,
    key: str,
    message: str,
    *,
    data: Any = None,
    action_run_id: str | None = None,
) -> Answer:
    """Return an API error answer."""
    body: dict[str, Any] = {"type": error_type, "key": key, "message": message}
    if data is not None:
        body["data"] = data
    if action_run_id is not None:
        body["actionRunId"] = action_run_id
    return Answer(1, json.dumps(body, ensure_ascii=False) + "\n", f"Error: {message}\n")


def not_logged_in() -> Answer:
    """Return the answer of any tenant command while logged out."""
    return Answer(1, "", NOT_LOGGED_IN_TEXT)


def usage_error(message: str) -> Answer:
    """Return the answer to a command line that does not fit the command."""
    return Answer(2, "", f"error: {message}\n")
