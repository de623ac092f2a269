"""The closing sentence of an offline-model turn, written from tool results.

The offline model cannot turn tool results into prose, so its adapter ends a
turn with one sentence that names each tool and what came back. A result or
error message up to `SUMMARY_LIMIT` characters is shown whole. A longer JSON
result keeps its leading members whole and closes every object and array it
cut with "…" and the matching bracket, so the JSON never loses a brace; other
text is cut after a word. Every shortened part ends with "(truncated)".
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from membrane_pusher.tools.errors_content import parse_error_content

if TYPE_CHECKING:
    from collections.abc import Sequence

    from langchain_core.messages import ToolMessage

__all__ = ["SUMMARY_LIMIT", "summarise_tool_results"]

SUMMARY_LIMIT = 200
"""How many characters of one result or error message are shown whole."""

_TRUNCATED = "(truncated)"

# A string member shorter than this is left out rather than shown as a stub.
_MIN_STRING_START = 8


def summarise_tool_results(results: Sequence[ToolMessage]) -> str:
    """Write one sentence that reports every tool result, in order.

    Args:
        results: The tool messages that end the conversation.

    Returns:
        Clauses such as "send_event succeeded: {...}" joined by "; ", with
        long results and error messages shortened and marked.
    """
    parts = []
    for result in results:
        name = result.name or "tool"
        if result.status == "error":
            parts.append(f"{name} failed: {_error_message(result.text)}")
        else:
            parts.append(f"{name} succeeded: {_shorten_result(result.text)}")
    return _as_sentence(parts)


def _shorten_result(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """Return a tool result whole when short, else shortened and marked.

    A JSON result keeps its leading members whole and ends each cut object or
    array with "…", so no brace or bracket goes missing; other text is cut
    after a word. Either way " (truncated)" follows.
    """
    if len(text) <= limit:
        return text

    try:
        value = json.loads(text)
    except ValueError:
        return _shorten_prose(text, limit)

    shortened = _fit_json(value, limit)
    if shortened is None:
        return _shorten_prose(text, limit)
    return f"{shortened} {_TRUNCATED}"


def _fit_json(value: Any, budget: int) -> str | None:
    """Compact JSON of `value` in at most `budget` characters, or None.

    Objects and arrays too long to show whole keep as many leading members
    as fit, followed by "…" and their closing bracket; one that fits no
    member gives None, so its parent ends before it. A long string keeps its
    start and ends with "…".
    """
    whole = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if len(whole) <= budget:
        return whole

    if isinstance(value, str):
        return _fit_string(value, budget)
    if isinstance(value, dict):
        members = [
            (json.dumps(str(key), ensure_ascii=False) + ":", item)
            for key, item in value.items()
        ]
        opening, closing = "{", "}"
    elif isinstance(value, list):
        members = [("", item) for item in value]
        opening, closing = "[", "]"
    else:
        return None

    kept: list[str] = []
    used = len(opening) + len("…") + len(closing)
    for label, item in members:
        room = budget - used - len(label) - len(",")
        rendered = _fit_json(item, room)
        if rendered is None:
            break
        kept.append(label + rendered)
        used += len(label) + len(rendered) + len(",")
    if not kept:
        return None
    if len(kept) < len(members):
        kept.append("…")
    return opening + ",".join(kept) + closing


def _fit_string(value: str, budget: int) -> str | None:
    """The JSON string of `value`'s start plus "…" in `budget` characters."""
    keep = budget - len('"…"')
    while keep >= _MIN_STRING_START:
        rendered = json.dumps(_word_start(value, keep) + "…", ensure_ascii=False)
        if len(rendered) <= budget:
            return rendered
        keep -= len(rendered) - budget
    return None


def _word_start(text: str, limit: int) -> str:
    """The first `limit` characters of `text`, cut after a whole word.

    The cut moves back to the last space when one lies in the second half;
    trailing punctuation is dropped so the "…" that follows reads well.
    """
    start = text[:limit]
    space = start.rfind(" ")
    if space > limit // 2:
        start = start[:space]
    return start.rstrip(" ,;:.")


def _shorten_prose(text: str, limit: int) -> str:
    """Cut `text` after the last whole word that fits, and mark the cut."""
    return f"{_word_start(text, limit)}… {_TRUNCATED}"


def _as_sentence(parts: Sequence[str]) -> str:
    """Join clauses with "; " and end with one period.

    A clause's own closing periods are dropped first, so an error message
    that ends a sentence never gives "..", nor ".;" before the next clause.
    """
    clauses = [" ".join(part.split()).rstrip(".") for part in parts]
    text = "; ".join(clause for clause in clauses if clause)
    if text.endswith(("?", "!", "…")):
        return text
    return text + "."


def _error_message(content: str) -> str:
    message = str(parse_error_content(content)["message"] or content)
    if len(message) <= SUMMARY_LIMIT:
        return message
    return _shorten_prose(message, SUMMARY_LIMIT)
