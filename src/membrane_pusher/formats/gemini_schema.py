"""Gemini's schema subset: converting one document and noting where JSON text goes.

`declared_schema` turns a provider document (canonical `$ref`s already inlined,
see `formats.gemini`) into the OpenAPI 3.0 subset Gemini's function
declarations accept, following the rules listed in `formats.gemini`. A value
the subset cannot declare becomes a STRING holding JSON text; while
converting, such nodes carry a private mark, and `declared_schema` returns the
clean schema with a `JsonTextPlan` saying where those strings are, so calls
coming back can be decoded.
"""

from __future__ import annotations

from typing import Any

from membrane_pusher.formats.common import json_type
from membrane_pusher.json_text import quote_json, quote_word

__all__ = ["JsonTextPlan", "declared_schema"]

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
        "title",
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
_SCALAR_TYPES = frozenset({"string", "boolean", "integer", "number"})
# Marks a node converted to JSON text while converting; never in the output.
_JSON_TEXT = "\x00json-text"

_SHORT_CHARS = 120
_SCHEMA_CHARS = 400


# Where JSON text is expected, per node of the declaration: `{"json": True}`
# (with "types": the JSON types the parsed value may have, when known), or
# the plans below it under "properties" / "items", or under "anyOf" one
# `{"schema": declared branch, "plan": its plan or None}` per branch.
JsonTextPlan = dict[str, Any]


def declared_schema(
    document: dict[str, Any],
) -> tuple[dict[str, Any], JsonTextPlan | None]:
    """Convert a document free of `$ref` to Gemini's subset.

    Args:
        document: The provider document, its references already inlined.

    Returns:
        The `parameters` schema, and where it expects JSON text (`None`:
        nowhere).
    """
    return _without_marks(_convert(document, is_root=True))


def _convert(node: Any, *, is_root: bool = False) -> dict[str, Any]:
    """Convert one subschema (already free of `$ref`)."""
    if not isinstance(node, dict) or not node:
        return _json_text({}, [], nullable=True)
    notes: list[str] = []
    node = _merged_all_of(node, notes)

    branches = node.get("anyOf") or node.get("oneOf")
    if isinstance(branches, list):
        return _convert_union(node, branches, notes)

    kinds, nullable = _split_types(node)
    if len(kinds) > 1:
        bare = {k: v for k, v in node.items() if k != "description"}
        variants = [_convert({**bare, "type": kind}) for kind in kinds]
        if any(_JSON_TEXT in variant for variant in variants):
            return _json_text(node, notes, nullable=nullable, shapes=kinds)
        return _finish({"anyOf": variants}, node, notes, nullable=nullable)

    if _structured_values(node):
        return _json_text(node, notes, nullable=nullable)
    kind = kinds[0] if kinds else None
    return _convert_single(node, kind, notes, nullable=nullable, is_root=is_root)


def _convert_single(
    node: dict[str, Any],
    kind: str | None,
    notes: list[str],
    *,
    nullable: bool,
    is_root: bool,
) -> dict[str, Any]:
    """Convert a node of one type (or none), without a union."""
    result: dict[str, Any] = {}
    kind, nullable = _convert_values(node, result, kind, notes, nullable=nullable)
    if kind is None and "anyOf" in result:
        return _finish(result, node, notes, nullable=nullable)
    if kind is None:
        return _json_text(node, notes, nullable=True)
    if kind == "object" and not _has_properties(node) and not is_root:
        return _json_text(node, notes, nullable=nullable)
    result["type"] = kind

    if kind == "object":
        _convert_object(node, result, notes)
    if kind == "array":
        result["items"] = _convert_items(node.get("items"))
    _convert_format(node, result, kind, notes)
    _copy_constraints(node, result, kind, notes)
    return _finish(result, node, notes, nullable=nullable)


def _json_text(
    node: dict[str, Any],
    notes: list[str],
    *,
    nullable: bool,
    shapes: list[str] | None = None,
) -> dict[str, Any]:
    """A STRING node standing for a value Gemini cannot declare."""
    notes = [_json_text_note(node, shapes), *notes]
    extra = node.get("additionalProperties")
    if isinstance(extra, dict) and extra:
        notes.append(f"Each value in it must match {_schema_text(extra)}.")
    for key, value in node.items():
        if key not in _HANDLED:
            notes.append(f"{quote_word(key)}: {_short(value)}.")
    types = _value_types(node)
    if types is not None and nullable:
        types.add("null")
    marked = sorted(types) if types is not None else None
    result: dict[str, Any] = {"type": "string", _JSON_TEXT: marked}
    if isinstance(node.get("title"), str):
        result["title"] = node["title"]
    return _finish(result, node, notes, nullable=nullable)


def _json_text_note(node: dict[str, Any], shapes: list[str] | None) -> str:
    """Tell the model to send JSON text, and what the value looks like."""
    branches = node.get("anyOf") or node.get("oneOf")
    if isinstance(branches, list):
        return (
            "Send this value as JSON text; it must match one of these schemas: "
            f"{_schema_text(branches)}."
        )
    if shapes:
        return f"Send this value as JSON text: {' or '.join(shapes)}."
    values = [node["const"]] if "const" in node else node.get("enum")
    if isinstance(values, list):
        return f"Send this value as JSON text; allowed values: {_schema_text(values)}."
    kind = node.get("type")
    if kind == "object" or "additionalProperties" in node:
        return 'Send this object as JSON text, for example {"key": "value"}.'
    if kind == "array":
        return "Send this array as JSON text, for example [1, 2]."
    return "Send this value as JSON text: any JSON value."


def _copy_constraints(
    node: dict[str, Any], result: dict[str, Any], kind: str, notes: list[str]
) -> None:
    """Copy what Gemini accepts; describe the other constraints."""
    for key, value in node.items():
        if key in _KEPT:
            result[key] = value
        elif key not in _HANDLED:
            notes.append(f"{quote_word(key)}: {_short(value)}.")
    if "default" in node and _declarable_default(node["default"], kind):
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
    converted = [_convert(b) for b in kept]
    if not converted or any(_JSON_TEXT in branch for branch in converted):
        return _json_text({**outer, "anyOf": kept}, notes, nullable=nullable)
    return _finish({"anyOf": converted}, outer, notes, nullable=nullable)


def _convert_values(
    node: dict[str, Any],
    result: dict[str, Any],
    kind: str | None,
    notes: list[str],
    *,
    nullable: bool,
) -> tuple[str | None, bool]:
    """Handle `enum` and `const`; returns the node's type and nullability."""
    values = _values(node)
    if values is None:
        return kind, nullable

    if None in values:
        nullable = True
        values = [v for v in values if v is not None]
    value_kinds = {k for k in map(json_type, values) if k in _SCALAR_TYPES}
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


def _values(node: dict[str, Any]) -> list[Any] | None:
    if "const" in node:
        return [node["const"]]
    if isinstance(node.get("enum"), list):
        return list(node["enum"])
    return None


def _value_types(node: Any) -> set[str] | None:
    """The JSON types a value may have under `node` (`None`: any type)."""
    if not isinstance(node, dict):
        return None if node is not False else set()
    branches = node.get("anyOf") or node.get("oneOf")
    if isinstance(branches, list) and branches:
        found: set[str] | None = set()
        for branch in branches:
            kinds = _value_types(branch)
            found = None if found is None or kinds is None else found | kinds
        return found
    values = _values(node)
    if values is not None:
        # A value JSON cannot hold is written into the description as text.
        return {json_type(value) or "string" for value in values}
    kind = node.get("type")
    named: list[Any] = [kind] if isinstance(kind, str) else list(kind or [])
    if named and all(isinstance(k, str) for k in named):
        return set(named)
    return None


def _structured_values(node: dict[str, Any]) -> bool:
    """Whether an enum or const holds objects or arrays (only JSON text says so)."""
    values = _values(node) or []
    return any(isinstance(value, (dict, list)) for value in values)


def _has_properties(node: dict[str, Any]) -> bool:
    properties = node.get("properties")
    return isinstance(properties, dict) and bool(properties)


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
        notes.append(f"Format: {quote_word(value)}.")


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
                notes.append(f"Also must satisfy {quote_word(key)}: {_short(value)}.")
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


def _without_marks(node: dict[str, Any]) -> tuple[dict[str, Any], JsonTextPlan | None]:
    """Remove the JSON-text marks and return where they were."""
    clean = dict(node)
    if _JSON_TEXT in clean:
        types = clean.pop(_JSON_TEXT)
        text_plan: JsonTextPlan = {"json": True}
        if types is not None:
            text_plan["types"] = types
        return clean, text_plan
    plan: JsonTextPlan = {}
    properties = clean.get("properties")
    if isinstance(properties, dict):
        inner = {name: _without_marks(sub) for name, sub in properties.items()}
        clean["properties"] = {name: sub for name, (sub, _) in inner.items()}
        marked = {name: sub for name, (_, sub) in inner.items() if sub}
        if marked:
            plan["properties"] = marked
    if isinstance(clean.get("items"), dict):
        clean["items"], items_plan = _without_marks(clean["items"])
        if items_plan:
            plan["items"] = items_plan
    if isinstance(clean.get("anyOf"), list):
        branches = [_without_marks(sub) for sub in clean["anyOf"]]
        clean["anyOf"] = [sub for sub, _ in branches]
        if any(sub for _, sub in branches):
            plan["anyOf"] = [{"schema": b, "plan": sub} for b, sub in branches]
    return clean, plan or None


def _declarable_default(value: Any, kind: str) -> bool:
    """Whether a default is a scalar of the node's own type (or an int for a number).

    Only such defaults are copied; a float default of an integer (`3.0`) is not.
    """
    found = json_type(value)
    if found not in _SCALAR_TYPES:
        return False
    return found == kind or (kind == "number" and found == "integer")


def _short(value: Any) -> str:
    return quote_json(value, limit=_SHORT_CHARS)


def _schema_text(value: Any) -> str:
    return quote_json(value, limit=_SCHEMA_CHARS)
