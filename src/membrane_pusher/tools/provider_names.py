"""Problem lines in the names the model saw, for calls made in a provider's form.

Only the Anthropic form renames keys (`filter[name]` becomes `filter_name`),
and a call made in that form is mapped back before validation, so the
validator's problem lines name the original keys. A model that never saw
`filter[name]` cannot act on a line about it: `in_provider_names` rewrites
each line's JSON path, and the quoted key names in its message, into the
aliases of that form.

NOTE: aliases are looked up by key alone, not by position in the schema. Two
objects of one schema that both have a key needing an alias, each with a
different alias, would share the first one; aliases are deterministic per
key, so that takes two such keys colliding differently in two objects.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from membrane_pusher.json_text import format_path

if TYPE_CHECKING:
    from collections.abc import Mapping

    from langchain_core.tools import BaseTool

__all__ = ["in_provider_names"]

# One segment of a path as `format_path` writes it: [3], ["odd key"], .key, key.
_SEGMENT = re.compile(
    r'\[(?P<index>\d+)\]|\[(?P<quoted>"(?:[^"\\]|\\.)*")\]'
    r"|\.?(?P<plain>[A-Za-z_][A-Za-z0-9_-]*)"
)
_SEPARATOR = ": "


def in_provider_names(
    tool: BaseTool, provider: str | None, problems: list[str]
) -> list[str]:
    """Rewrite problem lines into the key names of the provider's form.

    Args:
        tool: The tool the call was for.
        provider: The form the call came in (`None` for the original one).
        problems: Problem lines (`path: message`) naming the original keys.

    Returns:
        The lines with every renamed key shown by the alias the model saw;
        the same list when the form renames nothing.
    """
    if provider != "anthropic" or not problems:
        return problems

    # Loaded here: only calls in Anthropic's form need it (see `tools.base`).
    from membrane_pusher.formats.anthropic import (  # noqa: PLC0415
        anthropic_alias_by_key,
    )

    alias_of = anthropic_alias_by_key(tool)
    if not alias_of:
        return problems
    return [_rewrite(line, alias_of) for line in problems]


def _rewrite(line: str, alias_of: Mapping[str, str]) -> str:
    """Rewrite the path at the start of one line, then the keys in its message."""
    path, message = _split(line)
    if path is None:
        return _rename_in_text(line, alias_of)
    renamed = [
        alias_of.get(part, part) if isinstance(part, str) else part for part in path
    ]
    return f"{format_path(renamed)}{_SEPARATOR}{_rename_in_text(message, alias_of)}"


def _split(line: str) -> tuple[list[str | int] | None, str]:
    """Parse the leading path of `path: message`; `None` when there is none."""
    if line.startswith("$" + _SEPARATOR):
        return [], line[len("$" + _SEPARATOR) :]

    parts: list[str | int] = []
    position = 0
    while position < len(line) and not line.startswith(_SEPARATOR, position):
        match = _SEGMENT.match(line, position)
        if match is None or (
            match.group("plain") and position and line[position] != "."
        ):
            return None, line
        if match.group("index") is not None:
            parts.append(int(match.group("index")))
        elif match.group("quoted") is not None:
            parts.append(str(json.loads(match.group("quoted"))))
        else:
            parts.append(match.group("plain"))
        position = match.end()
    if not parts or position >= len(line):
        return None, line
    return parts, line[position + len(_SEPARATOR) :]


def _rename_in_text(text: str, alias_of: Mapping[str, str]) -> str:
    """Replace quoted original keys (`'filter[name]'`, `["filter[name]"]`)."""
    for original, alias in alias_of.items():
        text = text.replace(repr(original), repr(alias))
        quoted = json.dumps(original, ensure_ascii=False)
        text = text.replace(f"[{quoted}]", f"[{json.dumps(alias, ensure_ascii=False)}]")
    return text
