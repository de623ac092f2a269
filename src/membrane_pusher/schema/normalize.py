"""The schema the model sees: the action's own schema, minus Membrane's extensions.

Everything that tells the model what to send is kept exactly: property names
byte for byte, descriptions, enums, `const`, defaults, formats, `required` at
every depth, nullable types, anyOf/oneOf/allOf, `additionalProperties`,
arrays, nesting and local `$ref` (with `$defs`). Only Membrane's own keywords
(`referenceRecords`, `allowCustom`, `isImplied`, `isSensitive` and the like)
and `x-` vendor extensions are removed, and only where they are keywords: a
property *named* `isImplied` stays.

The root is always an object schema with `properties` (possibly empty), so a
missing or empty `inputSchema` becomes a tool without arguments.
"""

from __future__ import annotations

from typing import Any

from membrane_pusher.schema.keywords import is_vendor_keyword, map_subschemas

__all__ = ["EMPTY_OBJECT_SCHEMA", "model_facing_schema", "strip_vendor_keywords"]

EMPTY_OBJECT_SCHEMA: dict[str, Any] = {"type": "object", "properties": {}}


def model_facing_schema(schema: Any) -> dict[str, Any]:
    """Build the schema shown to the model from an action's `inputSchema`.

    Args:
        schema: The original input schema; `None`, `{}` or a non-object means
            "no arguments".

    Returns:
        A new root object schema; the input is never changed.
    """
    if not isinstance(schema, dict) or not schema:
        return dict(EMPTY_OBJECT_SCHEMA, properties={})

    cleaned: dict[str, Any] = strip_vendor_keywords(schema)
    if "type" not in cleaned:
        # Tool arguments are always an object, so this never narrows anything.
        cleaned["type"] = "object"
    if _is_object_root(cleaned) and "properties" not in cleaned:
        cleaned["properties"] = {}
    return cleaned


def strip_vendor_keywords(node: Any) -> Any:
    """Return a copy of a schema without Membrane keywords, at every depth."""
    if not isinstance(node, dict):
        return node
    kept = {key: value for key, value in node.items() if not is_vendor_keyword(key)}
    return map_subschemas(kept, strip_vendor_keywords)


def _is_object_root(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "object" or (isinstance(kind, list) and "object" in kind)
