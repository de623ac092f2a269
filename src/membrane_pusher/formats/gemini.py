"""Gemini function declarations: the OpenAPI 3.0 schema subset.

Gemini accepts one `type` per node plus `nullable`, string enums only, no
`const`, no `$ref`, no `additionalProperties`, and few `format` values. The
conversion keeps every machine-readable fact it can and describes the rest:

* type lists and `anyOf [X, null]` become one type with `nullable: true`
  (`items` stays inside the array), other type lists become `anyOf`;
* non-string enums are dropped and their values listed in the description,
  never stringified (`"60"` would then fail integer validation); string
  enums stay enums; `const` becomes a one-value enum (strings) or a sentence;
* `$ref` is inlined, recursion is cut after `GEMINI_MAX_REF_DEPTH` levels
  with a note (see `schema.refs.inline_refs`);
* `additionalProperties`, unsupported `format` values and other constraints
  move into the description; every node gets a type (a value without one
  becomes `anyOf` of the JSON types).

A tool without arguments is declared without `parameters`. Property names are
kept, so calls need no mapping back (`from_gemini_arguments` is the identity).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from membrane_pusher.formats.common import provider_document, tool_parts
from membrane_pusher.schema.refs import inline_refs

if TYPE_CHECKING:
    from langchain_core.tools import BaseTool

__all__ = [
    "GEMINI_MAX_REF_DEPTH",
    "from_gemini_arguments",
    "gemini_parameters",
    "to_gemini_tool",
]

GEMINI_MAX_REF_DEPTH = 3
"""How many times a recursive definition is nested before it is cut."""

# Keywords Gemini's Schema object accepts, copied as they are.
_KEPT = frozenset(
    {
        "title",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "minProperties",
        "maxProperties",
    }
)
_STRING_FORMATS = frozenset({"enum", "date-time"})
_NUMBER_FORMATS = frozenset({"int32", "int64", "float", "double"})
_HANDLED = frozenset(
    {
        "type",
        "description",
        "enum",
        "const",
        "format",
        "properties",
        "required",
        "items",
        "anyOf",
        "oneOf",
        "allOf",
        "additionalProperties",
        "default",
        "$defs",
        "definitions",
        "examples",
        "$comment",
        "$id",
        "$schema",
        "$anchor",
    }
)
_ANY_TYPES = ("string", "number", "boolean", "object")
_PYTHON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number"}

_SHORT_CHARS = 120


def to_gemini_tool(tool: BaseTool) -> dict[str, Any]:
    """Build a Gemini `FunctionDeclaration` as a plain dict.

    Args:
        tool: Any tool with a JSON-Schema (or pydantic) argument schema.

    Returns:
        `{"name", "description", "parameters"}`; `parameters` is left out for
        a tool without arguments.
    """
    name, description, schema = tool_parts(tool)
    declaration: dict[str, Any] = {"name": name, "description": description}
    parameters = gemini_parameters(schema)
    if parameters.get("properties"):
        declaration["parameters"] = parameters
    return declaration


def gemini_parameters(schema: dict[str, Any]) -> dict[str, Any]:
    """The `parameters` schema for a model-facing schema."""
    document = inline_refs(provider_document(schema), max_depth=GEMINI_MAX_REF_DEPTH)
    return _convert(document)


def from_gemini_arguments(tool: BaseTool, arguments: dict[str, Any]) -> dict[str, Any]:
    """Calls in Gemini form use the original names: returned unchanged."""
    del tool
    return arguments


def _convert(node: Any) -> dict[str, Any]:
    """Convert one subschema (already free of `$ref`)."""
    if not isinstance(node, dict) or not node:
        return _any_value()
    notes: list[str] = []
    node = _merged_all_of(node, notes)

    branches = node.get("anyOf") or node.get("oneOf")
    if isinstance(branches, list):
        return _convert_union(node, branches, notes)

    kinds, nullable = _split_types(node)
    if len(kinds) > 1:
        bare = {k: v for k, v in node.items() if k != "description"}
        variants = [_convert({**bare, "type": kind}) for kind in kinds]
        result: dict[str, Any] = {"anyOf": variants}
        return _finish(result, node, notes, nullable=nullable)

    result = {}
    kind = kinds[0] if kinds else None
    kind, nullable = _convert_values(node, result, kind, notes, nullable=nullable)
    if kind is None:
        return _finish({**_any_value(), **result}, node, notes, nullable=True)
    result["type"] = kind

    if kind == "object":
        _convert_object(node, result, notes)
    if kind == "array":
        result["items"] = _convert_items(node.get("items"))
    _convert_format(node, result, kind, notes)
    _copy_constraints(node, result, kind, notes)
    return _finish(result, node, notes, nullable=nullable)


def _copy_constraints(
    node: dict[str, Any], result: dict[str, Any], kind: str, notes: list[str]
) -> None:
    """Copy what Gemini accepts; describe the other constraints."""
    for key, value in node.items():
        if key in _KEPT:
            result[key] = value
        elif key not in _HANDLED:
            notes.append(f"{key}: {_short(value)}.")
    if "default" in node and _fits(node["default"], kind):
        result["default"] = node["default"]


def _convert_items(items: Any) -> dict[str, Any]:
    """Gemini needs one item schema; a tuple form keeps its first entry."""
    return _convert(items[0] if isinstance(items, list) and items else items)


def _convert_union(
    node: dict[str, Any], branches: list[Any], notes: list[str]
) -> dict[str, Any]:
    nullable = False
    kept = []
    for branch in branches:
        if isinstance(branch, dict) and branch.get("type") == "null":
            nullable = True
        else:
            kept.append(branch)
    outer = {k: v for k, v in node.items() if k not in {"anyOf", "oneOf"}}
    if len(kept) == 1 and isinstance(kept[0], dict):
        merged = {**outer, **kept[0]}
        if outer.get("description") and kept[0].get("description"):
            merged["description"] = f"{outer['description']} {kept[0]['description']}"
        result = _convert(merged)
        return _finish(result, {}, notes, nullable=nullable)
    result = {"anyOf": [_convert(b) for b in kept] or [_any_value()]}
    return _finish(result, outer, notes, nullable=nullable)


def _convert_values(
    node: dict[str, Any],
    result: dict[str, Any],
    kind: str | None,
    notes: list[str],
    *,
    nullable: bool,
) -> tuple[str | None, bool]:
    """Handle `enum` and `const`; returns the node's type and nullability."""
    values: list[Any] | None = None
    if "const" in node:
        values = [node["const"]]
    elif isinstance(node.get("enum"), list):
        values = list(node["enum"])
    if values is None:
        return kind, nullable

    if None in values:
        nullable = True
        values = [v for v in values if v is not None]
    value_kinds = {_PYTHON_TYPES.get(type(v), "object") for v in values}
    if values and value_kinds == {"string"} and kind in {None, "string"}:
        result["enum"] = values
        return "string", nullable
    if values:
        listed = ", ".join(_short(v) for v in values)
        notes.append(
            f"Must be {listed}." if len(values) == 1 else f"Allowed values: {listed}."
        )
    if kind is None and len(value_kinds) == 1:
        kind = value_kinds.pop()
    elif kind is None and value_kinds:
        result["anyOf"] = [{"type": k} for k in sorted(value_kinds)]
        return None, nullable
    return kind, nullable


def _convert_object(
    node: dict[str, Any], result: dict[str, Any], notes: list[str]
) -> None:
    properties = node.get("properties")
    if isinstance(properties, dict) and properties:
        result["properties"] = {k: _convert(v) for k, v in properties.items()}
        required = [k for k in node.get("required", []) if k in properties]
        if required:
            result["required"] = required
    extra = node.get("additionalProperties")
    if isinstance(extra, dict) and extra:
        notes.append(f"Other keys may be added, each value matching {_short(extra)}.")
    elif extra is True:
        notes.append("Any other keys may be added.")


def _convert_format(
    node: dict[str, Any], result: dict[str, Any], kind: str, notes: list[str]
) -> None:
    value = node.get("format")
    if not isinstance(value, str):
        return
    allowed = _STRING_FORMATS if kind == "string" else _NUMBER_FORMATS
    if value in allowed:
        result["format"] = value
    else:
        notes.append(f"Format: {value}.")


def _merged_all_of(node: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """Fold `allOf` branches into the node (later keys win; noted when lossy)."""
    branches = node.get("allOf")
    if not isinstance(branches, list):
        return node
    merged = {k: v for k, v in node.items() if k != "allOf"}
    for branch in branches:
        if not isinstance(branch, dict):
            continue
        for key, value in branch.items():
            if key == "properties" and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            elif key == "required" and isinstance(merged.get(key), list):
                merged[key] = list(dict.fromkeys([*merged[key], *value]))
            elif key in merged and merged[key] != value:
                notes.append(f"Also must satisfy {key}: {_short(value)}.")
            else:
                merged[key] = value
    return merged


def _split_types(node: dict[str, Any]) -> tuple[list[str], bool]:
    kind = node.get("type")
    kinds = [kind] if isinstance(kind, str) else list(kind or [])
    nullable = "null" in kinds
    kinds = [k for k in kinds if k != "null"]
    if not kinds and "properties" in node:
        kinds = ["object"]
    if not kinds and "items" in node:
        kinds = ["array"]
    return kinds, nullable


def _finish(
    result: dict[str, Any], source: dict[str, Any], notes: list[str], *, nullable: bool
) -> dict[str, Any]:
    description = source.get("description", result.get("description"))
    first = description if isinstance(description, str) else ""
    parts = [p for p in [first, *notes] if p]
    if parts:
        result["description"] = " ".join(parts)
    if nullable:
        result["nullable"] = True
    return result


def _any_value() -> dict[str, Any]:
    return {"anyOf": [{"type": kind} for kind in _ANY_TYPES], "nullable": True}


def _fits(value: Any, kind: str) -> bool:
    found = _PYTHON_TYPES.get(type(value))
    if kind == "number":
        return found in {"integer", "number"}
    return found == kind


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _SHORT_CHARS else text[: _SHORT_CHARS - 3] + "..."
