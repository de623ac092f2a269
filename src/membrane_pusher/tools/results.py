"""What the model sees of a tool's result, and what the artifact keeps.

Everything that comes from outside (API results, channel data, error messages)
reaches the model only as JSON data, never as free text next to it: a result
that says "ignore your instructions" stays a JSON string value.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from membrane_pusher.redaction import redact_value

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
    """Serialise a value as compact JSON, keeping non-ASCII text readable."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def shape_result(
    outcome: ToolOutcome, repairs: list[str], *, max_chars: int
) -> tuple[str, dict[str, Any]]:
    """Build the `(content, artifact)` pair of a successful call.

    Args:
        outcome: The executed call's result.
        repairs: One note per argument repair made before the call.
        max_chars: Longest content shown to the model.

    Returns:
        Compact JSON for the model (cut with a note when too long), and an
        artifact holding the whole output and its details. Never `None`.
    """
    output = redact_value(outcome.output)
    artifact: dict[str, Any] = {"output": output, **outcome.details}
    if repairs:
        artifact["repairs"] = repairs

    text = compact_json(output)
    if repairs:
        text = compact_json({"output": output, "repairs": repairs})
    if len(text) <= max_chars:
        return text, artifact

    omitted = len(text) - max_chars
    logger.warning("tool output cut: %d of %d characters omitted", omitted, len(text))
    artifact["truncated"] = {"shown_chars": max_chars, "omitted_chars": omitted}
    note = (
        f"[output cut: {omitted} of {len(text)} characters omitted; "
        "ask for less data, e.g. with a filter or prefix]"
    )
    return f"{text[:max_chars]}\n{note}", artifact


def error_content(error: CallError) -> str:
    """Render a call failure for the model as one JSON object.

    The first key is `error`, holding `type`, `message`, `hint` and any
    structured fields of the error (problems, API error type and key,
    `actionRunId`).
    """
    details = {k: v for k, v in error.to_dict().items() if v not in (None, "", [])}
    return compact_json({"error": redact_value(details)})
