"""Reading what a successful CLI call printed: its JSON, and short excerpts.

Some CLI versions print notice lines before the JSON document, so the
document is looked for after them. Excerpts of output that reach an error
message are redacted, shortened and stripped of control characters.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from membrane_pusher.errors import OutputParseError
from membrane_pusher.json_text import HIDDEN_CHARACTERS
from membrane_pusher.redaction import redact

if TYPE_CHECKING:
    from membrane_pusher.membrane.runner import CompletedCall

__all__ = ["excerpt", "parse_json_output", "try_json"]

# Longest excerpt of CLI output kept in an error.
_EXCERPT = 300


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
        if not line.lstrip().startswith(("{", "[")):
            continue
        try:
            return json.loads("\n".join(lines[index:]))
        except ValueError:
            pass
        # A whole document with more output after it: not one answer, and
        # no later document can be trusted to be the answer either.
        if _is_json(line):
            return ...
    return ...


def _is_json(text: str) -> bool:
    """Whether `text` on its own is a JSON document."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


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
