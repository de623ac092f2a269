"""OpenAI's strict form: converting a provider document, or saying why it cannot be.

`strict_parameters` closes every object (`additionalProperties: false`),
requires every property and makes the optional ones nullable, turns `oneOf`
into `anyOf`, leaves nothing beside a `$ref`, gives every enum or const a
`type`, and moves `default` and unsupported constraints into descriptions.
Shapes strict mode cannot express, and schemas over OpenAI's size limits
(`formats.openai_limits`), raise `NotStrictError` with the reason.
"""

from __future__ import annotations

from typing import Any

from membrane_pusher.formats.common import (
    append_description,
    declared_types,
    json_type,
)
from membrane_pusher.formats.openai_limits import strict_limit_problem
from membrane_pusher.json_text import quote_json, quote_word

__all__ = ["ANNOTATION_KEYWORDS", "NotStrictError", "strict_parameters"]

_STRICT_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "anyOf",
        "enum",
        "const",
        "description",
        "title",
        "$ref",
        "$defs",
        "pattern",
        "format",
        "multipleOf",
        "maximum",
        "minimum",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "minItems",
        "maxItems",
    }
)
_STRICT_FORMATS = frozenset(
    {
        "date-time",
        "time",
        "date",
        "duration",
        "email",
        "hostname",
        "ipv4",
        "ipv6",
        "uuid",
    }
)
# Keywords dropped without a note: examples cost tokens, the others are moot
# once every object is closed.
_IGNORED_KEYWORDS = frozenset({"examples", "additionalItems", "unevaluatedProperties"})
ANNOTATION_KEYWORDS = frozenset({"$comment", "$id", "$schema", "$anchor", "deprecated"})
"""Annotations that carry no constraint: dropped rather than described."""

_SHORT_CHARS = 120
# What may stand beside a `$ref` in strict form (moved to a wrapping anyOf).
_REF_COMPANIONS = frozenset({"$ref", "description", "default", "title", "examples"})


class NotStrictError(Exception):
    """The schema has a shape OpenAI strict mode cannot express."""


def strict_parameters(document: dict[str, Any]) -> dict[str, Any]:
    """Convert a provider document to the strict form.

    Args:
        document: The provider document (see `formats.common`).

    Returns:
        The strict `parameters` object.

    Raises:
        NotStrictError: When strict mode cannot express the schema, or the
            result would break OpenAI's size limits.
    """
    parameters = _strict_node(document, is_root=True)
    problem = strict_limit_problem(parameters)
    if problem is not None:
        raise NotStrictError(problem)
    return parameters


def _strict_node(node: Any, *, is_root: bool = False) -> dict[str, Any]:
    """Convert one subschema to strict form (raises `NotStrictError`)."""
    if not isinstance(node, dict) or not node:
        raise NotStrictError("a value without a type")
    node = _unions_as_any_of(node)
    if isinstance(node.get("$ref"), str):
        return _strict_ref(node)

    result, notes = _strict_keywords(node)
    kinds = declared_types(result)
    if "object" in kinds:
        _strict_object(result, is_root=is_root)
    if "array" in kinds:
        items = result.get("items")
        if not isinstance(items, dict) or not items:
            raise NotStrictError("an array without an item type")
        result["items"] = _strict_node(items)
    if "anyOf" in result:
        result["anyOf"] = [_strict_node(branch) for branch in result["anyOf"]]
    if "$defs" in result:
        result["$defs"] = {k: _strict_node(v) for k, v in result["$defs"].items()}
    if not kinds and not ({"anyOf", "enum"} & result.keys()):
        raise NotStrictError("a value without a type")
    append_description(result, " ".join(notes))
    return result


def _unions_as_any_of(node: dict[str, Any]) -> dict[str, Any]:
    node = dict(node)
    if "oneOf" in node:
        if "anyOf" in node:
            raise NotStrictError("both anyOf and oneOf on one value")
        node["anyOf"] = node.pop("oneOf")
    if "allOf" in node:
        raise NotStrictError("allOf inside the arguments")
    return node


def _strict_keywords(node: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Keep what strict mode accepts; describe constraints it does not."""
    result: dict[str, Any] = {}
    notes: list[str] = []
    for key, value in node.items():
        if key in ANNOTATION_KEYWORDS or key in _IGNORED_KEYWORDS:
            continue
        if key == "patternProperties":
            raise NotStrictError("patternProperties")
        if key == "default":
            notes.append(f"Default: {_short(value)}.")
        elif key == "format" and value not in _STRICT_FORMATS:
            notes.append(f"Format: {_word(value)}.")
        elif key in _STRICT_KEYWORDS:
            result[key] = value
        else:
            notes.append(f"{quote_word(key)}: {_short(value)}.")
    if "const" in result:
        result["enum"] = [result.pop("const")]
    if "enum" in result and "type" not in result:
        result["type"] = _enum_type(result["enum"])
    if "properties" in result and "type" not in result:
        result["type"] = "object"
    return result, notes


def _enum_type(values: Any) -> str | list[str]:
    """The `type` an enum's own values imply (strict mode wants one)."""
    if not isinstance(values, list) or not values:
        raise NotStrictError("an empty enum")
    kinds: list[str] = []
    for value in values:
        kind = json_type(value)
        if kind in {None, "object", "array"}:
            raise NotStrictError("an enum with object or array values")
        if kind not in kinds:
            kinds.append(kind)
    if "number" in kinds and "integer" in kinds:
        kinds.remove("integer")
    return kinds[0] if len(kinds) == 1 else kinds


def _strict_object(result: dict[str, Any], *, is_root: bool) -> None:
    properties = result.get("properties") or {}
    extra = result.get("additionalProperties")
    if extra not in (None, False):
        raise NotStrictError("an object with free-form keys (open map)")
    if not properties and not is_root:
        raise NotStrictError("an object without declared properties (open map)")
    required = set(result.get("required", []))
    converted = {}
    for name, sub in properties.items():
        strict_sub = _strict_node(sub)
        converted[name] = strict_sub if name in required else _nullable(strict_sub)
    result["properties"] = converted
    result["required"] = list(converted)
    result["additionalProperties"] = False


def _strict_ref(node: dict[str, Any]) -> dict[str, Any]:
    """A `$ref` alone; a description beside it moves to a wrapping anyOf.

    Constraints beside it (`enum`, `maxLength`...) have no place in strict
    form, and dropping them would let the model send what the tool refuses.
    """
    beside = node.keys() - _REF_COMPANIONS - ANNOTATION_KEYWORDS
    if beside:
        raise NotStrictError(f"constraints beside a $ref ({', '.join(sorted(beside))})")
    notes = []
    if "default" in node:
        notes.append(f"Default: {_short(node['default'])}.")
    description = node.get("description")
    if not description and not notes:
        return {"$ref": node["$ref"]}
    wrapped: dict[str, Any] = {"anyOf": [{"$ref": node["$ref"]}]}
    if description:
        wrapped["description"] = description
    append_description(wrapped, " ".join(notes))
    return wrapped


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    """The same schema, also accepting `null` (for a field that was optional)."""
    result = dict(node)
    if "$ref" in result or ("anyOf" in result and "type" not in result):
        branches = result.pop("anyOf", None) or [{"$ref": result.pop("$ref")}]
        if {"type": "null"} not in branches:
            branches = [*branches, {"type": "null"}]
        return {**result, "anyOf": branches}
    kind = result.get("type")
    if isinstance(kind, str) and kind != "null":
        result["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        result["type"] = [*kind, "null"]
    if "enum" in result and None not in result["enum"]:
        result["enum"] = [*result["enum"], None]
    return result


def _short(value: Any) -> str:
    return quote_json(value, limit=_SHORT_CHARS)


def _word(value: Any) -> str:
    return quote_word(value) if isinstance(value, str) else _short(value)
