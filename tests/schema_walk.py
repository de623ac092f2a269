"""Test helper: walking a schema document for the references left in it."""

from __future__ import annotations

from typing import Any

from membrane_pusher.schema.keywords import iter_subschemas


def local_refs(schema: Any) -> list[str]:
    """Every `$ref`/`$dynamicRef` in schema positions of `schema`."""
    found = []
    pending = [schema]
    while pending:
        node = pending.pop()
        if not isinstance(node, dict):
            continue
        found += [
            node[k] for k in ("$ref", "$dynamicRef") if isinstance(node.get(k), str)
        ]
        pending.extend(iter_subschemas(node))
    return found
