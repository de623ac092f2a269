"""OpenAI's documented size limits for a strict schema (Structured Outputs guide).

OpenAI refuses a strict schema with more than `STRICT_MAX_NESTING` object
levels, `STRICT_MAX_PROPERTIES` properties, `STRICT_MAX_ENUM_VALUES` enum
values, too many characters of names and enum values, or a long enum of long
strings. `strict_limit_problem` measures a converted schema against them, so a
tool over a limit falls back to the plain form instead of being refused.
"""

from __future__ import annotations

from typing import Any

from membrane_pusher.schema.keywords import iter_subschemas

__all__ = [
    "STRICT_MAX_ENUM_VALUES",
    "STRICT_MAX_NESTING",
    "STRICT_MAX_PROPERTIES",
    "strict_limit_problem",
]

STRICT_MAX_NESTING = 10
"""Deepest nesting of objects, the root counting as the first level."""
STRICT_MAX_PROPERTIES = 5000
"""Most object properties in one schema, all objects together."""
STRICT_MAX_ENUM_VALUES = 1000
"""Most enum values in one schema, all enums together."""
_MAX_LARGE_ENUM_CHARS = 15000
_LARGE_ENUM_VALUES = 250
_MAX_TOTAL_NAME_CHARS = 120000


def strict_limit_problem(parameters: dict[str, Any]) -> str | None:
    """Say which limit a strict schema breaks (`None`: it fits them all).

    Args:
        parameters: A schema already converted to the strict form.
    """
    totals = {"properties": 0, "enum_values": 0, "name_chars": 0}
    definitions = parameters.get("$defs", {})
    totals["name_chars"] += sum(len(name) for name in definitions)
    for node in _strict_nodes(parameters):
        properties = node.get("properties")
        if isinstance(properties, dict):
            totals["properties"] += len(properties)
            totals["name_chars"] += sum(len(name) for name in properties)
        values = node.get("enum")
        if isinstance(values, list):
            texts = [v for v in values if isinstance(v, str)]
            chars = sum(len(text) for text in texts)
            totals["enum_values"] += len(values)
            totals["name_chars"] += chars
            if len(values) > _LARGE_ENUM_VALUES and chars > _MAX_LARGE_ENUM_CHARS:
                return f"an enum of {len(values)} values and {chars} characters"
    if totals["properties"] > STRICT_MAX_PROPERTIES:
        return f"{totals['properties']} properties in all"
    if totals["enum_values"] > STRICT_MAX_ENUM_VALUES:
        return f"{totals['enum_values']} enum values in all"
    if totals["name_chars"] > _MAX_TOTAL_NAME_CHARS:
        return f"{totals['name_chars']} characters of names and enums"
    depth = _object_depth(parameters)
    if depth > STRICT_MAX_NESTING:
        return f"objects nested {depth} levels deep"
    return None


def _strict_nodes(node: Any) -> list[dict[str, Any]]:
    """Every schema node of a strict document (`$defs` included)."""
    found: list[dict[str, Any]] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            found.append(current)
            pending.extend(iter_subschemas(current))
    return found


def _object_depth(parameters: dict[str, Any]) -> int:
    """Object levels along the deepest path, each definition expanded once."""
    definitions = parameters.get("$defs", {})
    known: dict[str, int] = {}
    open_names: set[str] = set()

    def depth(node: Any) -> int:
        if not isinstance(node, dict):
            return 0
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name in known:
                return known[name]
            if ref == "#" or name in open_names or name not in definitions:
                return 0  # recursion: strict mode allows it, it adds no level
            open_names.add(name)
            known[name] = depth(definitions[name])
            open_names.discard(name)
            return known[name]
        body = (
            {k: v for k, v in node.items() if k != "$defs"} if "$defs" in node else node
        )
        deepest = max((depth(sub) for sub in iter_subschemas(body)), default=0)
        return deepest + (1 if "properties" in node else 0)

    return depth(parameters)
