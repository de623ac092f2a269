"""Realistic, deterministic Membrane action definitions for the benchmarks.

Schemas look like what connector catalogs carry: a handful of described string,
enum, integer and boolean fields, a nested object, an array of objects, some
required fields and a Membrane keyword or two that the model must not see.
"""

from __future__ import annotations

import random
from typing import Any

_VERBS = ("create", "update", "list", "get", "delete", "send", "archive", "search")
_NOUNS = ("channel", "event", "user", "webhook", "message", "member", "app", "token")


def _field(rng: random.Random, index: int) -> tuple[str, dict[str, Any]]:
    """Return one property name and its schema."""
    kind = rng.choice(("string", "enum", "integer", "boolean", "object", "array"))
    name = f"{kind}_{index}"
    description = f"The {kind} value number {index}, as the remote API expects it."
    if kind == "string":
        schema: dict[str, Any] = {"type": "string", "maxLength": 200}
    elif kind == "enum":
        schema = {"type": "string", "enum": ["low", "normal", "high", "urgent"]}
    elif kind == "integer":
        schema = {"type": "integer", "minimum": 0, "maximum": 10_000, "default": 10}
    elif kind == "boolean":
        schema = {"type": "boolean", "isImplied": True}
    elif kind == "object":
        schema = {
            "type": "object",
            "properties": {
                "id": {"type": "string", "referenceRecords": True},
                "label": {"type": ["string", "null"]},
            },
            "required": ["id"],
        }
    else:
        schema = {
            "type": "array",
            "maxItems": 100,
            "items": {
                "type": "object",
                "properties": {"key": {"type": "string"}, "value": {}},
                "required": ["key"],
            },
        }
    return name, {**schema, "description": description}


def action_definition(index: int, *, seed: int = 7) -> dict[str, Any]:
    """Return one action as `action list --json` prints it."""
    rng = random.Random(seed * 100_003 + index)
    verb = rng.choice(_VERBS)
    noun = rng.choice(_NOUNS)
    fields = dict(_field(rng, i) for i in range(rng.randint(3, 12)))
    required = sorted(rng.sample(sorted(fields), k=rng.randint(1, min(3, len(fields)))))
    return {
        "id": f"act_{index:05d}",
        "key": f"{verb}-{noun}-{index}",
        "name": f"{verb.title()} {noun} {index}",
        "description": f"{verb.title()} a Pusher {noun}. Use it when the user asks to "
        f"{verb} a {noun}; fields are validated before the call.",
        "type": "connector-operation",
        "inputSchema": {
            "type": "object",
            "properties": fields,
            "required": required,
        },
    }


def action_definitions(count: int, *, seed: int = 7) -> list[dict[str, Any]]:
    """Return `count` action definitions."""
    return [action_definition(i, seed=seed) for i in range(count)]
