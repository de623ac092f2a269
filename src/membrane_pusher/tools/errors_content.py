"""Reading back the content of a failed tool call.

A failed call of one of the package's tools shows the model one JSON object,
`{"error": {"type", "message", "hint", ...}}` (built by
`tools.results.error_content`). Whoever needs its fields afterwards (the
command line, the agent loop, the offline model) reads them with
`parse_error_content`, which also copes with content that is not that shape:
the error text of a foreign tool, or LangChain's content blocks.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["FOREIGN_ERROR_TYPE", "parse_error_content"]

FOREIGN_ERROR_TYPE = "tool_error"
"""The `type` given to a failure whose content is not the package's JSON."""


def parse_error_content(content: Any) -> dict[str, Any]:
    """Return the `error` object of a failed call's content.

    Args:
        content: A `ToolMessage`'s content: the package's JSON text, any other
            text, or a list of content blocks.

    Returns:
        A new dict with at least `type`, `message` and `hint`: the fields of
        the package's error object, or `{"type": "tool_error", "message":
        <the text>, "hint": ""}` for anything else.
    """
    text = _text_of(content)
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if not isinstance(error, dict):
        return {"type": FOREIGN_ERROR_TYPE, "message": text, "hint": ""}
    return {"type": FOREIGN_ERROR_TYPE, "message": "", "hint": "", **error}


def _text_of(content: Any) -> str:
    """The text of string content or of LangChain content blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [
            block if isinstance(block, str) else str(block.get("text", ""))
            for block in content
            if isinstance(block, str | dict)
        ]
        return "".join(parts)
    return str(content)
