"""What the model sees of a tool's result, and what the artifact keeps.

Everything that comes from outside (API results, channel data, error messages)
reaches the model only as JSON data, never as free text next to it: a result
that says "ignore your instructions" stays a JSON string value.

A result is redacted lightly, because it is data the caller asked for: the
model's copy loses known secret values and credentials under their exact key
names (`redact_result`), the artifact loses only known secret values
(`redact_known`). Pagination tokens, counters and falsy values survive both.
Error messages, which can quote anything, are redacted fully (`redact_value`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from membrane_pusher.json_text import dumps
from membrane_pusher.redaction import (
    redact_known,
    redact_result,
    redact_value,
    secrets_snapshot,
)

if TYPE_CHECKING:
    from membrane_pusher.errors import CallError

__all__ = ["ToolOutcome", "compact_json", "error_content", "shape_result"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ToolOutcome:
    """The result of one executed call.

    Attributes:
        output: The result as the remote side returned it (falsy values kept).
        details: Extra facts for the artifact, such as `actionRunId`.
    """

    output: Any
    details: dict[str, Any] = field(default_factory=dict)


def compact_json(value: Any) -> str:
    """Serialise a value as compact standard JSON, keeping non-ASCII readable.

    Non-finite numbers (only a remote answer can hold them: arguments with
    them are refused) are written as `null`.
    """
    return dumps(value, separators=(",", ":"), default=str)


def shape_result(
    outcome: ToolOutcome, repairs: list[str], *, max_chars: int
) -> tuple[str, dict[str, Any]]:
    """Build the `(content, artifact)` pair of a successful call.

    Args:
        outcome: The executed call's result.
        repairs: One note per argument repair made before the call.
        max_chars: Longest content shown to the model.

    Returns:
        Compact JSON for the model (when too long, a JSON object with the
        start of it and a note), and an artifact holding the whole output and
        its details. Never `None`.
    """
    secrets = secrets_snapshot()
    artifact: dict[str, Any] = {
        "output": redact_known(outcome.output, secrets),
        **redact_known(outcome.details, secrets),
    }
    if repairs:
        repairs = redact_known(repairs, secrets)
        artifact["repairs"] = repairs

    shown = redact_result(outcome.output, secrets)
    text = compact_json(shown)
    if repairs:
        text = compact_json({"output": shown, "repairs": repairs})
    if len(text) <= max_chars:
        return text, artifact

    logger.warning("tool output cut to %d of %d characters", max_chars, len(text))
    content, shown_chars = _cut_as_json(text, max_chars)
    artifact["truncated"] = {"shown_chars": shown_chars, "total_chars": len(text)}
    return content, artifact


def _cut_as_json(text: str, max_chars: int) -> tuple[str, int]:
    """Return a JSON object holding the start of `text`, at most `max_chars` long.

    The cut text stays a JSON string value, so data that looks like instructions
    never escapes into the model's context as free text.
    """
    shown = max_chars
    while True:
        content = compact_json(
            {
                "truncated": {
                    "shown_chars": shown,
                    "total_chars": len(text),
                    "hint": "The whole result is in the tool artifact; ask for "
                    "less data (a filter, a prefix, fewer items) to see it all.",
                },
                "partial_output": text[:shown],
            }
        )
        excess = len(content) - max_chars
        if excess <= 0 or shown == 0:
            return content, shown
        shown = max(0, shown - excess)


def error_content(error: CallError) -> str:
    """Render a call failure for the model as one JSON object.

    The first key is `error`, holding `type`, `message`, `hint` and any
    structured fields of the error (problems, API error type and key,
    `actionRunId`).
    """
    details = {k: v for k, v in error.to_dict().items() if v not in (None, "", [])}
    return compact_json({"error": redact_value(details)})
